// appmeshd command line: serve | ca | proxies | config-dump | import | export | backup | restore
import { ConfigError, parseServeArgs } from '../server/config.js';
import { startApp } from '../server/app.js';
import { caCommand } from '../endpoints/ca/command.js';
import { configDumpCommand, proxiesCommand } from './admin-client.js';

const usage = `usage: appmeshd <command> [flags]

commands:
  serve     run the server (--data-dir, --host, --api-port, --xds-port, --region, --account-id, --store, ...)
  ca        print the PEM of the CA that signs endpoint certificates (--data-dir)
  proxies   list the proxies connected to the Envoy management service (--endpoint, --data-dir, --json)
  config-dump <node-id>  print the Envoy configuration that proxy would get (--listener <vs>:<port> for proxyless gRPC)
  import SOURCE…  create/update mesh resources from CloudFormation/CDK, Kubernetes CRDs, describe-* JSON or an export
            (--endpoint-url, --region, --dry-run, --prune, --format, --parameter K=V, --output table|json)
  export    write every mesh resource and its tags to one file (--endpoint-url, --mesh, --format appmeshd|cloudformation, --output FILE)
  backup FILE   consistent online copy of everything the store holds (--data-dir, --store)
  restore FILE  restore a backup into an empty data directory or database (--data-dir, --store)
`;

async function serve(argv: string[]): Promise<void> {
  const config = parseServeArgs(argv);
  const app = await startApp(config);
  app.log.info({
    ...app.ports, host: config.host, region: config.region, accountId: config.accountId, store: app.store.backend,
    dataDir: config.dataDir, credentialsFile: app.root.file, ...Object.fromEntries(app.components.map((c) => [c.name, true])),
  }, 'ready');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.stop().then(() => {
      app.log.info('stopped');
      app.log.flush();
      setTimeout(() => process.exit(0), 50).unref();
    }, (err) => {
      app.log.error({ err }, 'shutdown failed');
      app.log.flush();
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'serve': return serve(rest);
    case 'ca': return caCommand(rest);
    case 'proxies': return proxiesCommand(rest);
    case 'config-dump': return configDumpCommand(rest);
    // Loaded on use: the AWS SDK they bring is not needed by the other commands.
    case 'import': return (await import('../migrate/commands.js')).importCommand(rest);
    case 'export': return (await import('../migrate/commands.js')).exportCommand(rest);
    case 'backup': return (await import('../migrate/backup/command.js')).backupCommand(rest);
    case 'restore': return (await import('../migrate/backup/command.js')).restoreCommand(rest);
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(usage);
      return;
    default:
      process.stderr.write(`appmeshd: unknown command ${command}\n${usage}`);
      process.exitCode = 2;
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`appmeshd: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`appmeshd: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

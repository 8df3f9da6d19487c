// appmeshd command line: serve | ca | proxies | config-dump | import | export | backup | restore | version | help.
// Exit codes: 0 success, 1 the command failed (a startup error, an unreachable server),
// 2 a usage error (unknown command or flag, bad flag value).
import { readFileSync } from 'node:fs';
import { propertyOf } from '../runtime/guards.js';
import { serveConfig, serveFlags, serveHelp } from '../server/config.js';
import { ConfigError, type FlagTable, type FlagValues, parseFlags } from '../runtime/flags.js';
import { startApp } from '../server/app.js';
import { caCommand, caFlags, caHelp } from './ca-command.js';
import {
  configDumpCommand,
  configDumpFlags,
  configDumpHelp,
  proxiesCommand,
  proxiesFlags,
  proxiesHelp,
} from './admin-client.js';
import { describeError } from './describe-error.js';

interface Command {
  summary: string;
  flags: FlagTable;
  help: () => string;
  positionals?: boolean;
  run(values: FlagValues, positionals: string[]): Promise<void> | void;
  /** Commands that parse their own arguments get them unparsed (the migration commands). */
  raw?: (argv: string[]) => Promise<void>;
}

/** A command that parses its own flags; `--help` prints `help`. Loaded on use: the AWS SDK they bring is not needed by the others. */
const rawCommand = (summary: string, help: string, raw: (argv: string[]) => Promise<void>): Command => ({
  summary,
  flags: [],
  help: () => help,
  raw,
  run: () => undefined,
});

const version = (): string =>
  String(propertyOf(JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')), 'version'));

const commands: Record<string, Command> = {
  serve: { summary: 'run the server', flags: serveFlags, help: serveHelp, run: (values) => serve(values) },
  ca: {
    summary: 'print the PEM of the CA that signs endpoint and API certificates',
    flags: caFlags,
    help: caHelp,
    run: caCommand,
  },
  proxies: {
    summary: 'list the proxies connected to the Envoy management service',
    flags: proxiesFlags,
    help: proxiesHelp,
    run: proxiesCommand,
  },
  'config-dump': {
    summary: 'print the Envoy configuration a proxy would get',
    flags: configDumpFlags,
    help: configDumpHelp,
    positionals: true,
    run: configDumpCommand,
  },
  import: rawCommand(
    'create or update mesh resources from CloudFormation/CDK, Kubernetes CRDs, describe-* JSON or an export',
    'usage: appmeshd import SOURCE… [--endpoint-url URL] [--region R] [--dry-run] [--prune] [--format F] [--parameter K=V] [--output table|json]\n\nSee docs/migration.md.\n',
    async (argv) => (await import('../migrate/commands.js')).importCommand(argv),
  ),
  export: rawCommand(
    'write every mesh resource and its tags to one file',
    'usage: appmeshd export [--endpoint-url URL] [--mesh M] [--format appmeshd|cloudformation] [--output FILE]\n\nSee docs/migration.md.\n',
    async (argv) => (await import('../migrate/commands.js')).exportCommand(argv),
  ),
  backup: rawCommand(
    'a consistent online copy of everything the store holds',
    'usage: appmeshd backup FILE [--data-dir DIR] [--store URL]\n\nSee docs/migration.md.\n',
    async (argv) => (await import('../migrate/backup/command.js')).backupCommand(argv),
  ),
  restore: rawCommand(
    'restore a backup into an empty data directory or database',
    'usage: appmeshd restore FILE [--data-dir DIR] [--store URL]\n\nSee docs/migration.md.\n',
    async (argv) => (await import('../migrate/backup/command.js')).restoreCommand(argv),
  ),
  version: {
    summary: 'print the version',
    flags: [],
    help: () => 'usage: appmeshd version\n\nPrints the version of appmeshd.\n',
    run: () => {
      process.stdout.write(`appmeshd ${version()}\n`);
    },
  },
};

const usage = (): string => {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return `usage: appmeshd <command> [flags]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

\`appmeshd <command> --help\` lists the command's flags and their defaults.
exit codes: 0 success, 1 the command failed, 2 usage error.
`;
};

async function serve(values: FlagValues): Promise<void> {
  const config = serveConfig(values);
  const app = await startApp(config);
  app.log.info(
    {
      ...app.ports,
      host: config.host,
      region: config.region,
      accountId: config.accountId,
      store: app.storeBackend,
      dataDir: config.dataDir,
      apiUrl: app.apiUrl,
      credentialsFile: app.credentialsFile,
      ...(app.awsConfigFile ? { configFile: app.awsConfigFile } : {}),
      ...Object.fromEntries(app.components.map((c) => [c.name, true])),
    },
    'ready',
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.stop().then(
      () => {
        app.log.info('stopped');
        app.log.flush();
        setTimeout(() => process.exit(0), 50).unref();
      },
      (err) => {
        app.log.error({ err }, 'shutdown failed');
        app.log.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    process.exitCode = 2;
    return;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] !== undefined ? commands[rest[0]] : undefined;
    if (rest[0] !== undefined && !Object.hasOwn(commands, rest[0])) throw new ConfigError(`unknown command ${rest[0]}`);
    process.stdout.write(topic ? topic.help() : usage());
    return;
  }
  if (name === '--version' || name === '-v') return commands.version!.run({}, []);
  if (!Object.hasOwn(commands, name)) throw new ConfigError(`unknown command ${name} (appmeshd --help lists them)`);
  const command = commands[name]!;
  if (command.raw) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.help());
      return;
    }
    return command.raw(rest);
  }
  const { values, positionals, help } = parseFlags(command.flags, rest, command.positionals ?? false);
  if (help) {
    process.stdout.write(command.help());
    return;
  }
  await command.run(values, positionals);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`appmeshd: ${describeError(err)}\n`);
  if (process.env.APPMESHD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});

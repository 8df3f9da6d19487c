// Process wiring: store → services → edge listener → background components, and the
// reverse order on shutdown.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authorizer, ServiceDefinition } from '../api/service.js';
import { EndpointSettler } from '../ec2/endpoint-settler.js';
import { IamDirectory } from '../iam/directory.js';
import { RetentionJob } from '../logs/retention.js';
import { PageTokens } from '../appmesh/page-token.js';
import { IamAuthorizer } from '../auth/iam-authorizer.js';
import { CredentialChain } from '../auth/credentials.js';
import { loadRootCredentials, type RootCredentials } from '../auth/root-credentials.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import type { AppConfig } from './config.js';
import { createApiHttpServer, createEdgeHandler, type EdgeHandler } from './edge.js';
import { createServices } from './services.js';
import { createLogger, type Logger } from './logger.js';
import { CloudMapRecordSource } from '../discovery/dns-records.js';
import { StoreCloudMapSource } from '../discovery/mesh-source.js';
import type { AdminHandler } from '../xds/server/admin-http.js';
import { createXdsComponent } from '../xds/server/component.js';
import { createEndpointRuntime } from '../endpoints/component.js';
import { syncSharedCa } from '../endpoints/ca/shared.js';
import { CertificateAuthority, caPaths } from '../endpoints/ca/authority.js';
import { loadMasterKey } from '../secrets/master-key.js';
import { Sealer } from '../secrets/sealer.js';
import { verifyMasterKey } from '../secrets/key-check.js';
import { sealPlaintextAccessKeys } from '../iam/secrets.js';
import { apiTlsMaterial } from './api-tls.js';
import { writeAwsConfigFile } from './aws-config-file.js';
import { prepareDataDir } from './data-dir.js';
import { createConsoleComponent, type ConsoleHandler } from '../console/component.js';

/** A long-running part of the process (xDS server, endpoint reconciler, DNS server …). */
export interface Component {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface App {
  config: AppConfig;
  store: Store;
  log: Logger;
  root: RootCredentials;
  credentials: CredentialChain;
  authorizer: Authorizer;
  services: ServiceDefinition[];
  edge: EdgeHandler;
  apiPort: number;
  /** How clients reach the API: http(s)://<address>:<port> (loopback when listening on every address). */
  apiUrl: string;
  /** The endpoint CA (interface endpoint certificates, and the API's with --api-tls auto). */
  ca: CertificateAuthority;
  /** Seals secrets (IAM access-key secrets, the shared CA key) before they reach the store. */
  sealer: Sealer;
  /** The AWS config file written beside generated credentials (absent when credentials came from the environment). */
  awsConfigFile?: string;
  /** Ports every listener bound, by name; printed on the ready line (components add theirs in start()). */
  ports: Record<string, number>;
  components: Component[];
  stop(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(Object.assign(err, { listener: 'the API port' })));
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

const urlHost = (host: string) => {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return h.includes(':') ? `[${h}]` : h;
};

export async function startApp(config: AppConfig): Promise<App> {
  const log = createLogger(config.logLevel);
  const untightened = prepareDataDir(config.dataDir);
  if (untightened.length)
    log.warn(
      { paths: untightened },
      'could not make these data directory paths private (0700/0600); they are owned by another user',
    );
  const root = loadRootCredentials(config.dataDir);
  if (root.generated) log.info({ credentialsFile: root.file, profile: 'appmeshd' }, 'generated root credentials');
  const masterKey = loadMasterKey(config.dataDir);
  if (masterKey.generated)
    log.info({ file: masterKey.source }, 'generated the master key that seals secrets in the store; back it up');
  const sealer = new Sealer(masterKey.key);
  const store: Store = await openStore(config.storeUrl, config.dataDir);
  try {
    await verifyMasterKey(store, sealer);
  } catch (err) {
    await store.close();
    throw err;
  }
  const resealed = await sealPlaintextAccessKeys(store, sealer);
  if (resealed) {
    await store.scrub();
    log.info({ accessKeys: resealed }, 'sealed access-key secrets stored in plaintext by an older version');
  }
  // Replicas on a shared store use the store's endpoint CA, so their certificates chain to one root.
  if (store.backend === 'postgres') await syncSharedCa(store, config.dataDir, sealer);
  const ca = CertificateAuthority.open(config.dataDir);
  const credentials = new CredentialChain(root, config.accountId);
  const iamDirectory = new IamDirectory(store, config.accountId, sealer);
  iamDirectory.start();
  credentials.add(iamDirectory);
  const authorizer: Authorizer = new IamAuthorizer(iamDirectory);
  const pageTokens = new PageTokens(root.secretAccessKey);

  const services = createServices({ store, config, sealer, pageTokens });
  // Set once the xDS component exists; serves /admin/proxies and /admin/config-dump.
  let xdsAdmin: AdminHandler | undefined;
  // Set when the console is served on the API port (--console).
  let consolePages: ConsoleHandler | undefined;
  const edge = createEdgeHandler({
    region: config.region,
    accountId: config.accountId,
    services,
    credentials,
    authorizer,
    store,
    log,
  });
  const tls = config.apiTls ? apiTlsMaterial(config.apiTls, config.host, ca) : undefined;
  const server = createApiHttpServer(
    (req, res) => {
      if (!xdsAdmin?.(req, res) && !consolePages?.(req, res)) edge(req, res);
    },
    config.headersTimeoutMs,
    tls,
  );
  const apiPort = await listen(server, config.apiPort, config.host);
  const apiUrl = `${tls ? 'https' : 'http'}://${urlHost(config.host)}:${apiPort}`;
  const awsConfigFile = root.file
    ? writeAwsConfigFile(config.dataDir, {
        region: config.region,
        endpointUrl: apiUrl,
        ...(config.apiTls?.mode === 'auto' ? { caBundle: caPaths(config.dataDir).cert } : {}),
      })
    : undefined;

  const components: Component[] = [];
  components.push(new EndpointSettler({ store, log, settleMs: config.endpointSettleMs }));
  components.push(new RetentionJob({ store, log }));
  const app: App = {
    config,
    store,
    log,
    root,
    credentials,
    authorizer,
    services,
    edge,
    apiPort,
    apiUrl,
    ca,
    sealer,
    ports: { apiPort },
    components,
    ...(awsConfigFile ? { awsConfigFile } : {}),
    async stop() {
      for (const c of [...components].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          log.error({ err, component: c.name }, 'component failed to stop');
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      iamDirectory.stop();
      await store.close();
    },
  };
  const xds = createXdsComponent(app, new StoreCloudMapSource(store));
  xdsAdmin = xds.admin;
  components.push(xds);
  if (config.console) {
    const web = createConsoleComponent(app, xds);
    if (config.console.onApiPort) consolePages = web.handler;
    components.push(web);
  }
  const endpointRuntime = createEndpointRuntime(app);
  components.push(...endpointRuntime.components);
  if (endpointRuntime.dns) {
    const cloudMapDns = new CloudMapRecordSource(store, () => endpointRuntime.view.current, log);
    endpointRuntime.dns.addSource(cloudMapDns);
    components.push(cloudMapDns);
  }
  for (const c of components) await c.start();
  return app;
}

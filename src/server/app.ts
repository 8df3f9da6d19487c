// Process wiring: store → services → edge listener → background components, and the
// reverse order on shutdown.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authorizer, ServiceDefinition } from '../api/service.js';
import { createAppMeshService } from '../appmesh/service.js';
import { createDiscoveryService } from '../discovery/service.js';
import { EndpointSettler } from '../ec2/endpoint-settler.js';
import { createEc2Service } from '../ec2/service.js';
import { IamDirectory } from '../iam/directory.js';
import { createIamService } from '../iam/service.js';
import { createStsService } from '../sts/service.js';
import { createLogsService } from '../logs/service.js';
import { RetentionJob } from '../logs/retention.js';
import { PageTokens } from '../appmesh/page-token.js';
import { IamAuthorizer } from '../auth/iam-authorizer.js';
import { CredentialChain } from '../auth/credentials.js';
import { loadRootCredentials, type RootCredentials } from '../auth/root-credentials.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import type { AppConfig } from './config.js';
import { createApiHttpServer, createEdgeHandler, type EdgeHandler } from './edge.js';
import { createLogger, type Logger } from './logger.js';
import { CloudMapRecordSource } from '../discovery/dns-records.js';
import { StoreCloudMapSource } from '../discovery/mesh-source.js';
import type { AdminHandler } from '../xds/server/admin-http.js';
import { createXdsComponent } from '../xds/server/component.js';
import { createEndpointRuntime } from '../endpoints/component.js';
import { syncSharedCa } from '../endpoints/ca/shared.js';
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
  /** Ports every listener bound, by name; printed on the ready line (components add theirs in start()). */
  ports: Record<string, number>;
  components: Component[];
  stop(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return (server.address() as AddressInfo).port;
}

export async function startApp(config: AppConfig): Promise<App> {
  const log = createLogger(config.logLevel);
  const root = loadRootCredentials(config.dataDir);
  if (root.generated) log.info({ credentialsFile: root.file, profile: 'appmeshd' }, 'generated root credentials');
  const store: Store = await openStore(config.storeUrl, config.dataDir);
  const credentials = new CredentialChain(root, config.accountId);
  const iamDirectory = new IamDirectory(store, config.accountId);
  iamDirectory.start();
  credentials.add(iamDirectory);
  const authorizer: Authorizer = new IamAuthorizer(iamDirectory);
  const pageTokens = new PageTokens(root.secretAccessKey);

  const services: ServiceDefinition[] = [
    createAppMeshService({ store, region: config.region, accountId: config.accountId, quotas: config.quotas, pageTokens }),
    createIamService({ store, accountId: config.accountId, quotas: config.quotas }),
    createStsService(),
    createDiscoveryService({ store, region: config.region, accountId: config.accountId, quotas: config.quotas }),
    createEc2Service({
      store, region: config.region, accountId: config.accountId, zones: config.zones, serviceZones: config.serviceZones, pageTokens,
      quotas: config.quotas,
    }),
    createLogsService({ logs: store.logs, region: config.region, accountId: config.accountId, quotas: config.quotas }),
  ];
  // Set once the xDS component exists; serves /admin/proxies and /admin/config-dump.
  let xdsAdmin: AdminHandler | undefined;
  // Set when the console is served on the API port (--console).
  let consolePages: ConsoleHandler | undefined;
  const edge = createEdgeHandler({ region: config.region, accountId: config.accountId, services, credentials, authorizer, store, log });
  const server = createApiHttpServer((req, res) => {
    if (!xdsAdmin?.(req, res) && !consolePages?.(req, res)) edge(req, res);
  }, config.headersTimeoutMs);
  const apiPort = await listen(server, config.apiPort, config.host);

  const components: Component[] = [];
  components.push(new EndpointSettler({ store, log, settleMs: config.endpointSettleMs }));
  components.push(new RetentionJob({ store, log }));
  const app: App = {
    config, store, log, root, credentials, authorizer, services, edge, apiPort, ports: { apiPort }, components,
    async stop() {
      for (const c of [...components].reverse()) {
        try { await c.stop(); } catch (err) { log.error({ err, component: c.name }, 'component failed to stop'); }
      }
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
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
  // Replicas on a shared store use the store's endpoint CA, so their certificates chain to one root.
  if (store.backend === 'postgres') await syncSharedCa(store, config.dataDir);
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

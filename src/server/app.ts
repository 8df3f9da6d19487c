// Process wiring, in order: store → services → the edge and the components whose pages the API
// port serves → the API listener → the components, started one by one (what one start() returns,
// such as the xDS port, is handed to those built after it); the reverse order on shutdown.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHttpServer } from '../api/http-server.js';
import type { Authorizer } from '../api/service.js';
import { EndpointSettler } from '../ec2/endpoint-settler.js';
import { IamDirectory } from '../iam/directory.js';
import { RetentionJob } from '../logs/retention.js';
import { PageTokens } from '../api/page-tokens.js';
import { IamAuthorizer } from '../auth/iam-authorizer.js';
import { CredentialChain } from '../auth/credentials.js';
import { loadRootCredentials } from '../auth/root-credentials.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import type { AppConfig } from './config.js';
import { createEdgeHandler } from './edge.js';
import { createServices } from './services.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import { CloudMapRecordSource } from '../discovery/dns-records.js';
import { StoreCloudMapSource } from '../discovery/mesh-source.js';
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
import { createConsoleComponent } from '../console/component.js';
import type { Component } from '../runtime/component.js';

/** Every listener's port, by name, in the order the listeners started (the ready line prints them so). */
export interface Ports {
  apiPort: number;
  xdsPort: number;
  consolePort?: number;
  endpointPort: number;
  dnsPort?: number;
}

/** The running process, as `serve` reports and stops it. */
export interface App {
  log: Logger;
  ports: Ports;
  storeBackend: Store['backend'];
  /** How clients reach the API: http(s)://<address>:<port> (loopback when listening on every address). */
  apiUrl: string;
  /** The generated root credentials' file (undefined when credentials came from the environment). */
  credentialsFile: string | undefined;
  /** The AWS config file written beside generated credentials (absent when credentials came from the environment). */
  awsConfigFile?: string;
  /** The components, in the order they started. */
  components: readonly Component<unknown>[];
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
  const edge = createEdgeHandler({
    region: config.region,
    accountId: config.accountId,
    services,
    credentials,
    authorizer,
    store,
    log,
  });
  const xds = createXdsComponent({
    config,
    store,
    log,
    credentials,
    authorizer,
    cloudMap: new StoreCloudMapSource(store),
  });
  const web = config.console
    ? createConsoleComponent({ config, store, log, services, credentials, authorizer, xds })
    : undefined;
  // The API port also serves the xDS admin pages (/admin/proxies, /admin/config-dump) and, with --console, the console.
  const consolePages = config.console?.onApiPort ? web?.handler : undefined;
  const tls = config.apiTls ? apiTlsMaterial(config.apiTls, config.host, ca) : undefined;
  const server = createApiHttpServer(
    (req, res) => {
      if (!xds.admin(req, res) && !consolePages?.(req, res)) edge(req, res);
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

  const components: Component<unknown>[] = [];
  const start = <T>(c: Component<T>): Promise<T> => {
    components.push(c);
    return c.start();
  };
  await start(new EndpointSettler({ store, log, settleMs: config.endpointSettleMs }));
  await start(new RetentionJob({ store, log }));
  const { xdsPort } = await start(xds);
  const consolePorts = web ? await start(web) : {};
  const endpointRuntime = createEndpointRuntime({ config, store, log, ca, edge, xdsPort });
  const { endpointPort } = await start(endpointRuntime.endpoints);
  let dnsPorts: { dnsPort?: number } = {};
  if (endpointRuntime.dns) {
    const cloudMapDns = new CloudMapRecordSource(store, () => endpointRuntime.view.current, log);
    endpointRuntime.dns.addSource(cloudMapDns);
    dnsPorts = await start(endpointRuntime.dns);
    await start(cloudMapDns);
  }
  return {
    log,
    ports: { apiPort, xdsPort, ...consolePorts, endpointPort, ...dnsPorts },
    storeBackend: store.backend,
    apiUrl,
    credentialsFile: root.file,
    ...(awsConfigFile ? { awsConfigFile } : {}),
    components,
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
}

// The Envoy management service as a process component: mesh snapshots from the change feed,
// the per-identity configuration cache, the xDS gRPC server and its admin endpoints.
import type { Authorizer, CredentialResolver } from '../../api/service.js';
import type { LogsQuotas } from '../../logs/deps.js';
import type { CloudMapSource } from '../../mesh/cloud-map.js';
import { MeshSnapshotFeed } from '../../mesh/feed.js';
import { ProxyConfigCache, type Translate } from '../cache/proxy-config-cache.js';
import { cachingEncoder } from '../cache/resource-encoder.js';
import { encodeResource } from '../protos/encode.js';
import { loadEnvoyProtos } from '../protos/load.js';
import { translate, translateApiListeners, type TranslateOptions } from '../translate/index.js';
import { AccessLogService } from '../../logs/access-log-service.js';
import { createAdminHandler, type AdminHandler } from './admin-http.js';
import type { Component } from '../../runtime/component.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../../store/types.js';
import type { EnvoyQuotas } from './quotas.js';
import { xdsConfigErrors, xdsTranslations } from './metrics.js';
import { XdsServer } from './xds-server.js';

/** The `serve` settings the Envoy management service reads. */
export interface XdsSettings {
  host: string;
  xdsPort: number;
  region: string;
  accountId: string;
  xdsAllowUnauthenticated: boolean;
  xdsStoreGraceMs: number;
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  accessLogService: boolean;
  accessLogAddress?: { address: string; port: number };
  quotas: EnvoyQuotas & Pick<LogsQuotas, 'logEventSizeBytes' | 'logGroupsPerAccount' | 'logStreamsPerLogGroup'>;
}

export interface XdsComponentDeps {
  config: XdsSettings;
  store: Store;
  log: Logger;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  cloudMap: CloudMapSource;
}

/** What the started component exposes: the port the xDS server bound (with --xds-port 0, a free one). */
export interface XdsPorts {
  xdsPort: number;
}

export interface XdsComponent extends Component<XdsPorts> {
  admin: AdminHandler;
  feed: MeshSnapshotFeed;
  cache: ProxyConfigCache;
  server: XdsServer;
}

export const translateProxy: Translate = (snapshot, proxy, apiListeners) =>
  apiListeners.length > 0 ? translateApiListeners(snapshot, proxy, apiListeners) : translate(snapshot, proxy);

/** Translation with deployment-wide options (e.g. the access-log service address). */
export const translateWith =
  (options: TranslateOptions): Translate =>
  (snapshot, proxy, apiListeners) =>
    apiListeners.length > 0
      ? translateApiListeners(snapshot, proxy, apiListeners)
      : translate(snapshot, proxy, options);

const loopbackFor = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

export function createXdsComponent(deps: XdsComponentDeps): XdsComponent {
  const { config, log, store, credentials, authorizer, cloudMap } = deps;
  const feed = new MeshSnapshotFeed({
    store,
    region: config.region,
    accountId: config.accountId,
    cloudMap,
    onError: (err, meshName) => {
      log.error({ err, meshName }, 'mesh snapshot build failed');
      server.noteStoreError(err);
    },
  });
  // The access-log service listens on the xDS port; proxies reach it where they reach xDS
  // (--access-log-address when that is not the listen address, e.g. behind a load balancer).
  const als = config.accessLogService
    ? new AccessLogService({
        region: config.region,
        accountId: config.accountId,
        credentials,
        authorizer,
        allowUnauthenticated: config.xdsAllowUnauthenticated,
        store,
        log,
        maxEventBytes: config.quotas.logEventSizeBytes,
        maxGroups: config.quotas.logGroupsPerAccount,
        maxStreams: config.quotas.logStreamsPerLogGroup,
      })
    : undefined;
  const alsTarget = (xdsPort: number): TranslateOptions => {
    if (!config.accessLogService) return {};
    if (config.accessLogAddress) return { accessLogService: config.accessLogAddress };
    return { accessLogService: { address: loopbackFor(config.host), port: xdsPort } };
  };
  let options: TranslateOptions = {};
  const cache = new ProxyConfigCache({
    translate: (snapshot, proxy, apiListeners) => translateWith(options)(snapshot, proxy, apiListeners),
    onTranslate: () => xdsTranslations.inc(),
    // One strict encode (with validation) per distinct resource, not per proxy and resource.
    encode: cachingEncoder((typeUrl, json) => encodeResource(typeUrl, json, { cache: true })),
    onProblem: (key, message) => {
      xdsConfigErrors.inc();
      log.error({ proxy: key, message }, 'proxy configuration not published; proxies keep their last good one');
    },
    onWarnings: (key, warnings) =>
      log.warn(
        { proxy: key, warnings },
        'proxy configuration fails closed where App Mesh features cannot exist self-hosted',
      ),
  });
  const server = new XdsServer({
    host: config.host,
    port: config.xdsPort,
    region: config.region,
    accountId: config.accountId,
    credentials,
    authorizer,
    allowUnauthenticated: config.xdsAllowUnauthenticated,
    quotas: config.quotas,
    storeGraceMs: config.xdsStoreGraceMs,
    ...(config.xdsTlsCert && config.xdsTlsKey
      ? { tls: { certFile: config.xdsTlsCert, keyFile: config.xdsTlsKey } }
      : {}),
    feed,
    cache,
    log,
    ...(als ? { extraServices: [{ definition: als.definition, implementation: als.implementation() }] } : {}),
  });
  const admin = createAdminHandler({
    region: config.region,
    credentials,
    feed,
    cache,
    proxies: () => server.proxies(),
  });
  return {
    name: 'xds',
    admin,
    feed,
    cache,
    server,
    async start() {
      loadEnvoyProtos(); // a few seconds once; not on the first proxy's time
      feed.start();
      const xdsPort = await server.start();
      // The bound port (with --xds-port 0) is known only now; no proxy is connected yet.
      options = alsTarget(xdsPort);
      if (config.xdsAllowUnauthenticated)
        log.warn('xDS streams without SigV4 credentials are admitted (--xds-allow-unauthenticated)');
      return { xdsPort };
    },
    async stop() {
      als?.closeAll();
      await server.stop();
      feed.stop();
    },
  };
}

// The Envoy management service as a process component: mesh snapshots from the change feed,
// the per-identity configuration cache, the xDS gRPC server and its admin endpoints.
import type { App, Component } from '../../server/app.js';
import type { CloudMapSource } from '../../mesh/cloud-map.js';
import { MeshSnapshotFeed } from '../../mesh/feed.js';
import { ProxyConfigCache, type Translate } from '../cache/proxy-config-cache.js';
import { cachingEncoder } from '../cache/resource-encoder.js';
import { encodeResource, loadEnvoyProtos } from '../protos.js';
import { translate, translateApiListeners } from '../translate/index.js';
import { createAdminHandler, type AdminHandler } from './admin-http.js';
import { xdsConfigErrors } from './metrics.js';
import { XdsServer } from './xds-server.js';

export interface XdsComponent extends Component {
  admin: AdminHandler;
  feed: MeshSnapshotFeed;
  cache: ProxyConfigCache;
  server: XdsServer;
}

export const translateProxy: Translate = (snapshot, proxy, apiListeners) =>
  (apiListeners.length > 0 ? translateApiListeners(snapshot, proxy, apiListeners) : translate(snapshot, proxy));

export function createXdsComponent(app: App, cloudMap: CloudMapSource): XdsComponent {
  const { config, log } = app;
  const feed = new MeshSnapshotFeed({
    store: app.store, region: config.region, accountId: config.accountId, cloudMap,
    onError: (err, meshName) => {
      log.error({ err, meshName }, 'mesh snapshot build failed');
      server.noteStoreError(err);
    },
  });
  const cache = new ProxyConfigCache({
    translate: translateProxy,
    // One strict encode (with validation) per distinct resource, not per proxy and resource.
    encode: cachingEncoder((typeUrl, json) => encodeResource(typeUrl, json, { cache: true })),
    onProblem: (key, message) => {
      xdsConfigErrors.inc();
      log.error({ proxy: key, message }, 'proxy configuration not published; proxies keep their last good one');
    },
    onWarnings: (key, warnings) => log.warn({ proxy: key, warnings }, 'proxy configuration fails closed where App Mesh features cannot exist self-hosted'),
  });
  const server = new XdsServer({
    host: config.host, port: config.xdsPort, region: config.region, accountId: config.accountId,
    credentials: app.credentials, authorizer: app.authorizer, allowUnauthenticated: config.xdsAllowUnauthenticated, quotas: config.quotas,
    ...(config.xdsTlsCert && config.xdsTlsKey ? { tls: { certFile: config.xdsTlsCert, keyFile: config.xdsTlsKey } } : {}),
    feed, cache, log,
  });
  const admin = createAdminHandler({ region: config.region, credentials: app.credentials, feed, cache, proxies: () => server.proxies() });
  return {
    name: 'xds', admin, feed, cache, server,
    async start() {
      loadEnvoyProtos(); // a few seconds once; not on the first proxy's time
      feed.start();
      app.ports.xdsPort = await server.start();
      if (config.xdsAllowUnauthenticated) log.warn('xDS streams without SigV4 credentials are admitted (--xds-allow-unauthenticated)');
    },
    async stop() {
      await server.stop();
      feed.stop();
    },
  };
}

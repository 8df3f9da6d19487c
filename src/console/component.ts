// The web console as a process component: sessions, the console API on the pipeline, live
// events and the browser assets, served under /console/ on the API port (--console) and/or
// on a port of its own (--console-port).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authorizer, CredentialResolver, ServiceDefinition } from '../api/service.js';
import type { AppMeshQuotas } from '../appmesh/quotas.js';
import type { Component } from '../runtime/component.js';
import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/types.js';
import type { XdsComponent } from '../xds/server/component.js';
import { createConsoleHandler, CONSOLE_PREFIX } from './api.js';
import { ConsoleAssets } from './assets.js';
import { ConsoleGateway } from './caller.js';
import { ConsoleEvents } from './events.js';
import { VersionHistory } from './history.js';
import { Inventory } from './inventory.js';
import { MeshReader } from './mesh-reader.js';
import { EditPreview } from './preview.js';
import { ProxyDirectory } from './proxies.js';
import { SessionStore } from './sessions.js';
import { SignIn } from './sign-in.js';

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The `serve` settings the console reads. */
export interface ConsoleSettings {
  host: string;
  region: string;
  accountId: string;
  quotas: AppMeshQuotas;
  /** With a port, the console is also served on a port of its own (--console-port). */
  console?: { port?: number };
}

export interface ConsoleDeps {
  config: ConsoleSettings;
  store: Store;
  log: Logger;
  services: ServiceDefinition[];
  credentials: CredentialResolver;
  authorizer: Authorizer;
  /** The Envoy management service, for the proxies view and edit previews. */
  xds?: Pick<XdsComponent, 'server' | 'feed'>;
}

/** What the started console exposes: the port of its own, when it has one. */
export interface ConsolePorts {
  consolePort?: number;
}

export interface ConsoleComponent extends Component<ConsolePorts> {
  handler: ConsoleHandler;
}

export function createConsoleComponent(deps: ConsoleDeps): ConsoleComponent {
  const { config, store, log, xds } = deps;
  const gateway = new ConsoleGateway(deps.services, deps.authorizer, log, config.region, config.accountId);
  const history = new VersionHistory(store);
  const events = new ConsoleEvents(store, xds?.server);
  const assets = new ConsoleAssets();
  const handler = createConsoleHandler({
    store,
    log,
    assets,
    sessions: new SessionStore(),
    signIn: new SignIn(store, deps.credentials, config.accountId),
    gateway,
    meshes: new MeshReader(gateway),
    history,
    events,
    inventory: new Inventory(gateway),
    proxies: xds ? new ProxyDirectory(xds.server, gateway) : undefined,
    preview: xds ? new EditPreview(gateway, xds.feed, store, config.quotas) : undefined,
  });
  let server: Server | undefined;
  return {
    name: 'console',
    handler,
    async start() {
      if (!assets.built) log.warn('console assets are missing (run npm run build); the console pages answer 503');
      history.start();
      events.start();
      const port = config.console?.port;
      if (port === undefined) return {};
      server = createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
        if (handler(req, res)) return;
        req.resume();
        res.writeHead(
          req.url === '/' ? 302 : 404,
          req.url === '/' ? { location: CONSOLE_PREFIX } : { 'content-type': 'text/plain' },
        );
        res.end(req.url === '/' ? undefined : 'not found\n');
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, config.host, () => {
          server!.off('error', reject);
          resolve();
        });
      });
      return { consolePort: (server.address() as AddressInfo).port };
    },
    async stop() {
      events.stop();
      history.stop();
      if (server)
        await new Promise<void>((resolve) => {
          server!.close(() => resolve());
          server!.closeAllConnections();
        });
    },
  };
}

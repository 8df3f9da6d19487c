// The web console as a process component: sessions, the console API on the pipeline, live
// events and the browser assets, served under /console/ on the API port (--console) and/or
// on a port of its own (--console-port).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Component } from '../server/app.js';
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

export interface ConsoleComponent extends Component {
  handler: ConsoleHandler;
}

export function createConsoleComponent(app: App, xds: XdsComponent | undefined): ConsoleComponent {
  const gateway = new ConsoleGateway(app.services, app.authorizer, app.log, app.config.region, app.config.accountId);
  const history = new VersionHistory(app.store);
  const events = new ConsoleEvents(app.store, xds?.server);
  const assets = new ConsoleAssets();
  const handler = createConsoleHandler({
    store: app.store,
    log: app.log,
    assets,
    sessions: new SessionStore(),
    signIn: new SignIn(app.store, app.credentials, app.config.accountId),
    gateway,
    meshes: new MeshReader(gateway),
    history,
    events,
    inventory: new Inventory(gateway),
    proxies: xds ? new ProxyDirectory(xds.server, gateway) : undefined,
    preview: xds ? new EditPreview(gateway, xds.feed, app.store, app.config.quotas) : undefined,
  });
  let server: Server | undefined;
  return {
    name: 'console',
    handler,
    async start() {
      if (!assets.built) app.log.warn('console assets are missing (run npm run build); the console pages answer 503');
      history.start();
      events.start();
      const port = app.config.console?.port;
      if (port === undefined) return;
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
        server!.listen(port, app.config.host, () => {
          server!.off('error', reject);
          resolve();
        });
      });
      app.ports.consolePort = (server.address() as AddressInfo).port;
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

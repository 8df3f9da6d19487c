// The console's HTTP surface under /console/: the page and its assets, and a JSON API
// (/console/api/…) for the page. Every API call but sign-in needs a live session; every
// write also the session's CSRF token in x-appmeshd-csrf (a header a cross-site form or
// image cannot send) and, when the browser sends one, an Origin of this host.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Kind } from '../appmesh/kinds.js';
import type { Identity } from '../api/service.js';
import { PasswordHashBusy } from '../iam/passwords.js';
import { isObject, isRecord } from '../runtime/guards.js';
import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/types.js';
import { parseNodeId } from '../xds/identity.js';
import type { ConsoleAssets } from './assets.js';
import { errorJson, type Caller, type ConsoleGateway } from './caller.js';
import type { ConsoleEvents } from './events.js';
import type { VersionHistory } from './history.js';
import { ConsoleHttpError, cookies, isTls, readJsonBody, sendJson } from './http.js';
import type { Inventory } from './inventory.js';
import { KINDS, isChildKind, type MeshReader, type ReadProblem } from './mesh-reader.js';
import type { EditPreview } from './preview.js';
import { ProxyDirectory } from './proxies.js';
import { referencedBy, referencesOf } from './references.js';
import { inputSchema } from './schema.js';
import type { ConsoleSession, SessionStore } from './sessions.js';
import type { SignIn } from './sign-in.js';
import { buildTopology } from './topology.js';

export const CONSOLE_PREFIX = '/console/';
const MAX_BODY = 1024 * 1024;
const COOKIE = 'appmeshd-console';
const SECURE_COOKIE = '__Host-appmeshd-console';

export interface ConsoleApiDeps {
  store: Store;
  log: Logger;
  assets: ConsoleAssets;
  sessions: SessionStore;
  signIn: SignIn;
  gateway: ConsoleGateway;
  meshes: MeshReader;
  proxies: ProxyDirectory | undefined;
  preview: EditPreview | undefined;
  inventory: Inventory;
  history: VersionHistory;
  events: ConsoleEvents;
}

interface Signed {
  session: ConsoleSession;
  caller: Caller;
}

function segments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createConsoleHandler(deps: ConsoleApiDeps) {
  const { sessions, signIn, gateway, meshes } = deps;

  function cookieHeader(req: IncomingMessage, value: string, maxAge: number): string {
    const secure = isTls(req);
    // __Host- cookies need Secure and Path=/; on plain HTTP the cookie is scoped to the console path.
    return `${secure ? SECURE_COOKIE : COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=${secure ? '/' : '/console/'}; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
  }

  async function signedIn(req: IncomingMessage): Promise<Signed | undefined> {
    const jar = cookies(req);
    const session = sessions.touch(jar.get(isTls(req) ? SECURE_COOKIE : COOKIE));
    if (!session) return undefined;
    const identity: Identity | undefined = await signIn.identityOf(session.principal);
    if (!identity) {
      sessions.end(session.token);
      return undefined;
    }
    return { session, caller: { identity, sourceIp: req.socket.remoteAddress ?? '' } };
  }

  function checkWrite(req: IncomingMessage, session: ConsoleSession | undefined): void {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.headers.host) throw new ConsoleHttpError(403, 'CrossOrigin', 'cross-origin writes are refused');
    }
    if (session) {
      const token = req.headers['x-appmeshd-csrf'];
      if (typeof token !== 'string' || !sameToken(token, session.csrf))
        throw new ConsoleHttpError(403, 'CsrfTokenMismatch', 'the x-appmeshd-csrf header is missing or wrong');
    }
  }

  const whoami = (s: Signed) => ({
    principalArn: s.caller.identity.principalArn,
    userName: s.caller.identity.userName ?? null,
    isRoot: s.caller.identity.isRoot,
    signedInWith: s.session.principal.kind,
    csrf: s.session.csrf,
  });

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
    query: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const route = parts.join('/');
    if (route === 'session' && method === 'POST') {
      checkWrite(req, undefined);
      const body = await readJsonBody(req, 4096);
      const principal = await signIn.authenticate(body, req.socket.remoteAddress ?? '');
      const session = sessions.create(principal);
      const identity = (await signIn.identityOf(principal))!;
      deps.log.info({ principal: identity.principalArn, with: principal.kind }, 'console sign-in');
      return sendJson(req, res, 200, whoami({ session, caller: { identity, sourceIp: '' } }), {
        'set-cookie': cookieHeader(req, session.token, 12 * 3600),
      });
    }
    const signed = await signedIn(req);
    if (!signed) {
      if (route === 'session' && method === 'DELETE')
        return sendJson(req, res, 200, {}, { 'set-cookie': cookieHeader(req, '', 0) });
      throw new ConsoleHttpError(401, 'NotSignedIn', 'Sign in first; the session is missing or expired');
    }
    const { caller, session } = signed;
    if (method !== 'GET') checkWrite(req, session);

    if (route === 'session') {
      if (method === 'GET') return sendJson(req, res, 200, whoami(signed));
      if (method === 'DELETE') {
        sessions.end(session.token);
        return sendJson(req, res, 200, {}, { 'set-cookie': cookieHeader(req, '', 0) });
      }
    }
    if (method === 'GET' && route === 'events') {
      return deps.events.open(req, res, async () => (await signedIn(req)) !== undefined);
    }
    if (method === 'GET' && route === 'meshes') return sendJson(req, res, 200, await meshList(caller));
    if (method === 'GET' && parts[0] === 'meshes' && parts.length === 3 && parts[2] === 'topology') {
      const contents = await meshes.read(caller, parts[1]!);
      const views = deps.proxies ? await deps.proxies.visible(caller, parts[1]) : [];
      const summary = ProxyDirectory.summarize(views);
      return sendJson(req, res, 200, {
        mesh: contents.mesh ?? null,
        topology: buildTopology(contents, summary.byResource),
        problems: contents.problems,
        contents,
      });
    }
    if (method === 'GET' && parts[0] === 'meshes' && parts[2] === 'resources' && parts.length === 5) {
      return resourceDetail(req, res, caller, parts[1]!, parts[3]!, parts[4]!, query.get('parent') ?? undefined);
    }
    if (method === 'GET' && route === 'proxies') {
      const mesh = query.get('mesh');
      return sendJson(req, res, 200, {
        proxies: deps.proxies ? await deps.proxies.visible(caller, mesh ?? undefined) : [],
        xds: deps.proxies !== undefined,
      });
    }
    if (method === 'GET' && parts[0] === 'proxies' && parts.length === 2) {
      const detail = deps.proxies ? await deps.proxies.detail(caller, parts[1]!) : undefined;
      if (!detail) throw new ConsoleHttpError(404, 'NotFound', 'no such connected proxy (or not one you may describe)');
      return sendJson(req, res, 200, detail);
    }
    if (method === 'GET' && route === 'endpoints')
      return sendJson(req, res, 200, await deps.inventory.endpoints(caller));
    if (method === 'GET' && route === 'cloudmap') return sendJson(req, res, 200, await deps.inventory.cloudMap(caller));
    if (method === 'GET' && parts[0] === 'schema' && parts.length === 2) {
      const schema = inputSchema(gateway.service('appmesh')!.model, parts[1]!);
      if (!schema) throw new ConsoleHttpError(404, 'NotFound', `no operation ${parts[1]}`);
      return sendJson(req, res, 200, schema);
    }
    if (method === 'POST' && (route === 'call' || route === 'validate')) {
      const body = await readJsonBody(req, MAX_BODY);
      const operation = body.operation;
      const input = body.input;
      if (typeof operation !== 'string' || !isRecord(input)) {
        throw new ConsoleHttpError(400, 'BadRequest', 'send {"operation": "<App Mesh operation>", "input": {...}}');
      }
      if (route === 'validate') {
        const problem = deps.preview
          ? await deps.preview.validate(caller, operation, input)
          : await gateway.check(caller, 'appmesh', operation, input);
        return sendJson(req, res, 200, problem ? { ok: false, error: errorJson(problem) } : { ok: true });
      }
      const r = await gateway.call(caller, 'appmesh', operation, input);
      return sendJson(
        req,
        res,
        r.ok ? 200 : r.error.status,
        r.ok ? { ok: true, output: r.output } : { ok: false, error: errorJson(r.error) },
      );
    }
    if (method === 'POST' && route === 'preview') {
      if (!deps.preview)
        throw new ConsoleHttpError(503, 'Unavailable', 'the Envoy management service is not running in this process');
      const body = await readJsonBody(req, MAX_BODY);
      const proxy = typeof body.nodeId === 'string' ? parseNodeId(body.nodeId) : undefined;
      if (typeof body.operation !== 'string' || !isObject(body.input) || !proxy) {
        throw new ConsoleHttpError(
          400,
          'BadRequest',
          'send {"operation", "input", "nodeId": "mesh/<mesh>/virtualNode/<name>", "apiListeners": []}',
        );
      }
      const apiListeners = Array.isArray(body.apiListeners)
        ? body.apiListeners.filter((x): x is string => typeof x === 'string').slice(0, 100)
        : [];
      return sendJson(
        req,
        res,
        200,
        await deps.preview.preview(caller, {
          operation: body.operation,
          input: body.input,
          proxy,
          apiListeners,
        }),
      );
    }
    throw new ConsoleHttpError(404, 'NotFound', `no console API ${method} /${route}`);
  }

  async function meshList(caller: Caller) {
    const problems: ReadProblem[] = [];
    const names = await meshes.listMeshNames(caller, problems);
    const views = deps.proxies ? await deps.proxies.visible(caller) : [];
    const out = [];
    for (const meshName of names) {
      const counts: Record<string, number | null> = {};
      for (const kind of ['virtualNode', 'virtualService', 'virtualRouter', 'virtualGateway'] as const) {
        const p: ReadProblem[] = [];
        const n = await meshes.names(caller, meshName, kind, p);
        counts[kind] = p.length ? null : n.length;
        problems.push(...p);
      }
      const summary = ProxyDirectory.summarize(views.filter((v) => v.identity.meshName === meshName));
      out.push({ meshName, counts, proxies: { connected: summary.connected, nacking: summary.nacking } });
    }
    return { meshes: out, problems };
  }

  async function resourceDetail(
    req: IncomingMessage,
    res: ServerResponse,
    caller: Caller,
    meshName: string,
    kind: string,
    name: string,
    parent: string | undefined,
  ) {
    if (kind !== 'mesh' && !isChildKind(kind)) throw new ConsoleHttpError(404, 'NotFound', `no resource kind ${kind}`);
    if (kind !== 'mesh' && 'parent' in KINDS[kind] && parent === undefined)
      throw new ConsoleHttpError(400, 'BadRequest', 'parent is required');
    const d = await meshes.describe(caller, meshName, kind, name, parent);
    if (!d.data) return sendJson(req, res, d.problem!.status, { error: d.problem });
    const scope = kind === 'mesh' ? '' : parent === undefined ? meshName : `${meshName}/${parent}`;
    deps.history.note(kind, scope, name, {
      version: d.data.metadata.version,
      updatedAt: d.data.metadata.lastUpdatedAt * 1000,
      spec: d.data.spec,
      op: 'put',
    });
    return sendJson(req, res, 200, {
      kind,
      meshName,
      ...d.data,
      references: referencesOf(kind, d.data.spec, parent),
      referencedBy: await referencedBy(deps.store, kind, meshName, kind === Kind.mesh ? meshName : name),
      history: deps.history.versions(kind, scope, name),
    });
  }

  /** Serves /console/… ; returns false for every other path. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === '/console') {
      res.writeHead(308, { location: CONSOLE_PREFIX });
      res.end();
      return true;
    }
    if (!path.startsWith(CONSOLE_PREFIX)) return false;
    const rest = path.slice(CONSOLE_PREFIX.length);
    if (!rest.startsWith('api/')) {
      req.resume();
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' });
        res.end();
        return true;
      }
      deps.assets.serve(req, res, rest.includes('/') ? '\0' : rest);
      return true;
    }
    const parts = segments(rest.slice('api/'.length));
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const fail = (err: unknown) => {
      if (err instanceof ConsoleHttpError)
        return sendJson(req, res, err.status, {
          error: { code: err.code, message: err.message, status: err.status, denied: false },
        });
      if (err instanceof PasswordHashBusy)
        return sendJson(
          req,
          res,
          503,
          { error: { code: 'Busy', message: err.message, status: 503, denied: false } },
          { 'retry-after': '1' },
        );
      deps.log.error({ err }, 'console failure');
      return sendJson(req, res, 500, {
        error: { code: 'InternalFailure', message: 'An internal error occurred', status: 500, denied: false },
      });
    };
    if (!parts) {
      fail(new ConsoleHttpError(400, 'BadRequest', 'malformed path'));
      return true;
    }
    api(req, res, parts, query).catch(fail);
    return true;
  };
}

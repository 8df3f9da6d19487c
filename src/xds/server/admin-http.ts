// The management service's admin endpoints on the API port:
//   GET /admin/proxies                    every connected proxy (identity, since, ACKed versions, last NACK)
//   GET /admin/config-dump?node=<node-id>[&listener=<vs>:<port>…]  the configuration that proxy would get
// Requests must be SigV4-signed (service appmesh, this region) by the root credentials: the
// API port may face the network, and this shows every proxy and configuration.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialResolver } from '../../api/service.js';
import { SigV4Error, checkClockSkew, parseAuthorization, sha256Hex, verifySignature } from '../../auth/sigv4.js';
import type { MeshSnapshotFeed } from '../../mesh/feed.js';
import type { ProxyConfigCache } from '../cache/proxy-config-cache.js';
import { ConfigDumpError, configDump } from './config-dump.js';
import type { SessionStatus } from './session.js';

export interface AdminDeps {
  region: string;
  credentials: CredentialResolver;
  feed: MeshSnapshotFeed;
  cache: ProxyConfigCache;
  proxies: () => SessionStatus[];
}

/** Serves the request when it is an admin path; returns false to let the edge handle it. */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function requireRoot(deps: AdminDeps, req: IncomingMessage, path: string, rawQuery: string): Promise<void> {
  const parsed = parseAuthorization(req.headers);
  if (parsed.scope.region !== deps.region || parsed.scope.service !== 'appmesh') {
    throw new SigV4Error('InvalidSignatureException', `sign admin requests for service appmesh in ${deps.region}`);
  }
  checkClockSkew(parsed.amzDate);
  const cred = await deps.credentials.resolve(parsed.scope.accessKeyId);
  if (!cred)
    throw new SigV4Error('InvalidSignatureException', 'The security token included in the request is invalid.');
  verifySignature(
    cred.secretAccessKey,
    { method: req.method ?? 'GET', path, rawQuery, headers: req.headers, payloadHash: sha256Hex('') },
    parsed,
  );
  if (!cred.identity.isRoot) throw new ConfigDumpError(403, 'admin endpoints are for the root credentials');
}

export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string) => {
    try {
      await requireRoot(deps, req, path, rawQuery);
      if (path === '/admin/proxies') return json(res, 200, { proxies: deps.proxies() });
      const query = new URLSearchParams(rawQuery);
      const node = query.get('node');
      if (!node) return json(res, 400, { message: 'node is required' });
      return json(res, 200, await configDump(deps.feed, deps.cache, node, query.getAll('listener')));
    } catch (err) {
      if (err instanceof SigV4Error) return json(res, 403, { message: err.message });
      if (err instanceof ConfigDumpError) return json(res, err.status, { message: err.message });
      return json(res, 500, { message: err instanceof Error ? err.message : undefined });
    }
  };
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (req.method !== 'GET' || (path !== '/admin/proxies' && path !== '/admin/config-dump')) return false;
    req.resume();
    void serve(req, res, path, q < 0 ? '' : url.slice(q + 1));
    return true;
  };
}

// A client for the management service's admin endpoints (/admin/proxies, /admin/config-dump),
// signed with the server's root credentials as the endpoints require.
import assert from 'node:assert/strict';
import { signRequest } from '../../src/auth/sigv4.js';
import type { RunningServer } from './server.js';

/** GETs an admin path (with its query string) and returns the parsed JSON; the answer must be a 200. */
export async function adminGet(server: RunningServer, path: string): Promise<any> {
  const [p, q] = path.split('?') as [string, string | undefined];
  const headers = signRequest({
    method: 'GET',
    host: `127.0.0.1:${server.apiPort}`,
    path: p,
    rawQuery: q ?? '',
    ...server.credentials,
    region: server.region,
    service: 'appmesh',
  });
  const res = await fetch(`${server.endpoint}${path}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

/** The proxies connected to the server, as /admin/proxies lists them. */
export async function connectedProxies(server: RunningServer): Promise<{ nodeId: string }[]> {
  return (await adminGet(server, '/admin/proxies')).proxies;
}

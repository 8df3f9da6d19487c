// App Mesh REST calls the benchmarks use, and the synthetic mesh they seed.
import type { Call } from './http.js';

const enc = encodeURIComponent;
export const meshesPath = '/v20190125/meshes';
export const nodesPath = (mesh: string) => `${meshesPath}/${enc(mesh)}/virtualNodes`;
export const nodePath = (mesh: string, vn: string) => `${nodesPath(mesh)}/${enc(vn)}`;
export const servicesPath = (mesh: string) => `${meshesPath}/${enc(mesh)}/virtualServices`;
export const routersPath = (mesh: string) => `${meshesPath}/${enc(mesh)}/virtualRouters`;
export const routesPath = (mesh: string, vr: string) => `${meshesPath}/${enc(mesh)}/virtualRouter/${enc(vr)}/routes`;
export const routePath = (mesh: string, vr: string, route: string) => `${routesPath(mesh, vr)}/${enc(route)}`;

export const PORT = 8080;
export const vnName = (i: number) => `vn-${i}`;
export const vsName = (i: number) => `vs-${i}.bench.local`;
export const vrName = (i: number) => `vr-${i}`;
export const ROUTE = 'default';

export const createMesh = (mesh: string): Call => ({
  method: 'PUT',
  path: meshesPath,
  body: { meshName: mesh, spec: { egressFilter: { type: 'DROP_ALL' } } },
});

/** A virtual node as a typical service has it: one HTTP listener with a health check, DNS discovery, an access log, and backends. */
export function nodeSpec(i: number, backends: readonly string[] = []): Record<string, unknown> {
  return {
    listeners: [
      {
        portMapping: { port: PORT, protocol: 'http' },
        healthCheck: {
          protocol: 'http',
          path: '/health',
          healthyThreshold: 2,
          unhealthyThreshold: 3,
          intervalMillis: 5000,
          timeoutMillis: 2000,
        },
      },
    ],
    serviceDiscovery: { dns: { hostname: `${vnName(i)}.bench.svc.cluster.local` } },
    logging: { accessLog: { file: { path: '/dev/stdout' } } },
    ...(backends.length ? { backends: backends.map((vs) => ({ virtualService: { virtualServiceName: vs } })) } : {}),
  };
}

export const createNode = (mesh: string, name: string, spec: Record<string, unknown>): Call => ({
  method: 'PUT',
  path: nodesPath(mesh),
  body: { virtualNodeName: name, spec },
});
export const describeNode = (mesh: string, name: string): Call => ({ method: 'GET', path: nodePath(mesh, name) });
export const listNodes = (mesh: string, limit: number): Call => ({
  method: 'GET',
  path: nodesPath(mesh),
  rawQuery: `limit=${limit}`,
});

export const createRouter = (mesh: string, i: number): Call => ({
  method: 'PUT',
  path: routersPath(mesh),
  body: { virtualRouterName: vrName(i), spec: { listeners: [{ portMapping: { port: PORT, protocol: 'http' } }] } },
});
export const createService = (mesh: string, i: number): Call => ({
  method: 'PUT',
  path: servicesPath(mesh),
  body: { virtualServiceName: vsName(i), spec: { provider: { virtualRouter: { virtualRouterName: vrName(i) } } } },
});

/** Route of router i: all traffic split between node i and node i+1 (mod m). */
export function routeSpec(i: number, m: number, weightA: number): Record<string, unknown> {
  return {
    httpRoute: {
      match: { prefix: '/' },
      action: {
        weightedTargets: [
          { virtualNode: vnName(i), weight: weightA },
          { virtualNode: vnName((i + 1) % m), weight: 100 - weightA },
        ],
      },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 2000 },
        httpRetryEvents: ['server-error', 'gateway-error'],
      },
    },
  };
}
export const createRoute = (mesh: string, i: number, m: number, weightA: number): Call => ({
  method: 'PUT',
  path: routesPath(mesh, vrName(i)),
  body: { routeName: ROUTE, spec: routeSpec(i, m, weightA) },
});
export const updateRoute = (mesh: string, i: number, m: number, weightA: number): Call => ({
  method: 'PUT',
  path: routePath(mesh, vrName(i), ROUTE),
  body: { spec: routeSpec(i, m, weightA) },
});

/**
 * The backends of node i: service 0 (a dependency every node shares, the one whose route the xDS benchmark changes)
 * and `count - 1` others spread over the mesh.
 */
export function backendsOf(i: number, m: number, count: number): string[] {
  const out = [vsName(0)];
  for (let k = 1; out.length < Math.min(count, m) && k < 3 * m; k++) {
    const j = k < m ? (i + k * 7) % m : (i + k) % m;
    const name = vsName(j);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

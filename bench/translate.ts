// Translation cost: microseconds for the pure translate(snapshot, proxy) to build one sidecar's config, in-process on
// a synthetic MeshSnapshot. Two series: the mesh grows (M = 100, 1,000, 10,000) while the proxy sees 10 backends, and
// the proxy's backends grow (1, 10, 50) in a mesh of 1,000. "cold" calls use a new snapshot object each time (what the
// first proxy of a new snapshot pays: translation memoizes per snapshot object); "warm" calls reuse one snapshot (what
// every further proxy of that snapshot pays).
import type { MeshSnapshot, SnapshotResource } from '../src/mesh/snapshot.js';
import type { ProxyConfig, ProxyIdentity } from '../src/xds/translate/types.js';
import { ROUTE, backendsOf, nodeSpec, routeSpec, vnName, vrName, vsName, PORT } from './lib/appmesh.js';
import { BENCH_ACCOUNT_ID, BENCH_REGION } from './lib/servers.js';
import { log, median } from './lib/util.js';

type Translate = (s: MeshSnapshot, p: ProxyIdentity) => ProxyConfig;

export interface TranslateOptions {
  meshSizes: number[];
  backendCounts: number[];
  backendSeriesMesh: number;
  batchMs: number;
  batches: number;
}

export interface TranslatePoint {
  series: 'mesh' | 'backends';
  meshSize: number;
  backends: number;
  /** Best batch (µs per call); the medians are kept for reference. */
  coldUs: number;
  warmUs: number;
  coldMedianUs: number;
  warmMedianUs: number;
  resources: { listeners: number; routes: number; clusters: number; endpoints: number };
}

export interface TranslateResult {
  options: TranslateOptions;
  available: boolean;
  note?: string;
  points: TranslatePoint[];
}

const MESH = 'bench-translate';
const arn = (path: string) => `arn:aws:appmesh:${BENCH_REGION}:${BENCH_ACCOUNT_ID}:mesh/${MESH}${path}`;
const res = <S>(name: string, path: string, spec: unknown): SnapshotResource<S> => ({
  name,
  arn: arn(path),
  spec: spec as S,
  version: 1,
});

/** A mesh of m virtual nodes, services, routers and routes, node i having `backends` backends (as the xDS benchmark seeds it). */
export function syntheticSnapshot(m: number, backends: number): MeshSnapshot {
  const virtualNodes = new Map<string, SnapshotResource<never>>();
  const virtualServices = new Map<string, SnapshotResource<never>>();
  const virtualRouters = new Map<string, SnapshotResource<never>>();
  const routes = new Map<string, Map<string, SnapshotResource<never>>>();
  for (let i = 0; i < m; i++) {
    virtualNodes.set(vnName(i), res(vnName(i), `/virtualNode/${vnName(i)}`, nodeSpec(i, backendsOf(i, m, backends))));
    virtualServices.set(
      vsName(i),
      res(vsName(i), `/virtualService/${vsName(i)}`, { provider: { virtualRouter: { virtualRouterName: vrName(i) } } }),
    );
    virtualRouters.set(
      vrName(i),
      res(vrName(i), `/virtualRouter/${vrName(i)}`, { listeners: [{ portMapping: { port: PORT, protocol: 'http' } }] }),
    );
    routes.set(
      vrName(i),
      new Map([[ROUTE, res(ROUTE, `/virtualRouter/${vrName(i)}/route/${ROUTE}`, routeSpec(i, m, 50))]]),
    );
  }
  return {
    meshName: MESH,
    meshOwner: BENCH_ACCOUNT_ID,
    region: BENCH_REGION,
    mesh: res(MESH, '', { egressFilter: { type: 'DROP_ALL' } }),
    virtualNodes,
    virtualServices,
    virtualRouters,
    routes,
    virtualGateways: new Map(),
    gatewayRoutes: new Map(),
    cloudMapInstances: new Map(),
  } as unknown as MeshSnapshot;
}

/** Calls per batch so that one batch lasts about `batchMs` (estimated from a short trial). */
function calibrate(fn: () => void, batchMs: number): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < Math.min(50, batchMs)) {
    fn();
    n++;
  }
  return Math.max(5, Math.round((n * batchMs) / Math.max(1, performance.now() - t0)));
}

function batch(fn: () => void, calls: number): number {
  const t0 = performance.now();
  for (let k = 0; k < calls; k++) fn();
  return ((performance.now() - t0) * 1000) / calls;
}

interface Case {
  series: TranslatePoint['series'];
  m: number;
  backends: number;
  cold: () => void;
  warm: () => void;
  resources: TranslatePoint['resources'];
}

function makeCase(translate: Translate, series: TranslatePoint['series'], m: number, backends: number): Case {
  const snap = syntheticSnapshot(m, backends);
  const proxy: ProxyIdentity = { kind: 'virtualNode', meshName: MESH, name: vnName(Math.floor(m / 2)) };
  const out = translate(snap, proxy);
  const resources = {
    listeners: out.listeners.length,
    routes: out.routes.length,
    clusters: out.clusters.length,
    endpoints: out.endpoints.length,
  };
  if (resources.listeners === 0) throw new Error(`translate returned no listener for ${proxy.name} (M=${m})`);
  let sink = 0;
  return {
    series,
    m,
    backends,
    resources,
    // A shallow copy is a new snapshot object: translation's per-snapshot memo starts empty.
    cold: () => {
      sink += translate({ ...snap }, proxy).clusters.length;
    },
    warm: () => {
      sink += translate(snap, proxy).clusters.length + (sink < 0 ? 1 : 0);
    },
  };
}

export async function runTranslate(o: TranslateOptions): Promise<TranslateResult> {
  let translate: Translate;
  try {
    const spec = '../src/xds/translate/index.js';
    translate = ((await import(spec)) as { translate: Translate }).translate;
    if (typeof translate !== 'function') throw new Error('no translate export');
  } catch (err) {
    const note = `translate is not available in this build (${(err as Error).message.split('\n')[0]})`;
    log(`translate: skipped: ${note}`);
    return { options: o, available: false, note, points: [] };
  }
  const cases: Case[] = [
    ...o.meshSizes.map((m) => makeCase(translate, 'mesh', m, 10)),
    ...o.backendCounts.map((b) => makeCase(translate, 'backends', o.backendSeriesMesh, b)),
  ];
  // Warm the JIT on every case, size the batches, then interleave the cases batch by batch (noise hits all alike).
  const sizes = cases.map((c) => ({ cold: calibrate(c.cold, o.batchMs), warm: calibrate(c.warm, o.batchMs) }));
  const cold: number[][] = cases.map(() => []);
  const warm: number[][] = cases.map(() => []);
  for (let b = 0; b < o.batches; b++) {
    cases.forEach((c, i) => {
      cold[i]!.push(batch(c.cold, sizes[i]!.cold));
      warm[i]!.push(batch(c.warm, sizes[i]!.warm));
    });
  }
  // Best of the batches: on a shared machine noise only ever adds time, so the minimum is the steadiest estimate.
  const points: TranslatePoint[] = cases.map((c, i) => ({
    series: c.series,
    meshSize: c.m,
    backends: c.backends,
    coldUs: Math.min(...cold[i]!),
    warmUs: Math.min(...warm[i]!),
    coldMedianUs: median(cold[i]!),
    warmMedianUs: median(warm[i]!),
    resources: c.resources,
  }));
  for (const p of points) {
    log(
      `translate: M=${p.meshSize} backends=${p.backends}: cold ${p.coldUs.toFixed(1)} µs, warm ${p.warmUs.toFixed(1)} µs (${p.resources.clusters} clusters, ${p.resources.routes} route configs)`,
    );
  }
  return { options: o, available: true, points };
}

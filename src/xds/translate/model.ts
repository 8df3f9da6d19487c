// Lookups over a MeshSnapshot used by translation, with per-snapshot memoization.
//
// Translation must cost what one proxy sees (its backends), not the size of the mesh. Everything here is a direct map
// lookup or a memoized computation keyed by the (immutable) snapshot object, so translate() stays a pure function of
// (snapshot, proxy) while sharing work between the proxies of one snapshot. Memoized fragments are shared between
// results: callers must treat returned resources as immutable.
import { type MeshSnapshot, SNAPSHOT_TRACKER, type SnapshotResource } from '../../mesh/snapshot.js';
import type {
  GatewayRouteSpec,
  IpPreference,
  Listener,
  PortProtocol,
  RouteSpec,
  VirtualNodeSpec,
} from '../../protocols/generated/appmesh-types.js';
import { cmpStr } from './envoy.js';

export interface ServicePort {
  port: number;
  protocol: PortProtocol;
}

/** A weighted-target / provider node and the listener traffic reaches. */
export interface TargetRef {
  vn: SnapshotResource<VirtualNodeSpec>;
  listener: Listener;
}

export interface ServiceProvider {
  kind: 'virtualRouter' | 'virtualNode' | 'none';
  name: string;
  ports: ServicePort[];
}

interface Memoized {
  value: unknown;
  /** What the computation read, when the snapshot tracks reads (replayed on every hit). */
  deps?: ReadonlySet<string>;
}

const memos = new WeakMap<MeshSnapshot, Map<string, Memoized>>();

/**
 * Memoizes `compute()` under `key` for this snapshot. On a snapshot that tracks reads, a hit reports the reads the
 * first computation made, so every proxy that uses a fragment depends on what the fragment was made from — which is
 * why `compute` must read every snapshot object it uses through the snapshot's maps (an object passed in from
 * outside must be looked up again inside), and `key` must hold every other input.
 */
export function memo<T>(s: MeshSnapshot, key: string, compute: () => T): T {
  let m = memos.get(s);
  if (!m) memos.set(s, (m = new Map()));
  const tracker = s[SNAPSHOT_TRACKER];
  const hit = m.get(key);
  if (hit) {
    if (hit.deps) tracker?.replay(hit.deps);
    return hit.value as T;
  }
  if (!tracker) {
    const value = compute();
    m.set(key, { value });
    return value;
  }
  const carried = tracker.carried(key);
  if (carried) {
    m.set(key, carried);
    tracker.replay(carried.deps);
    return carried.value as T;
  }
  const { value, deps } = tracker.capture(compute);
  m.set(key, { value, deps });
  return value;
}

/** What `memo` holds under `key` for this snapshot, with the reads it was made from (tracked snapshots only). */
export function memoized(s: MeshSnapshot, key: string): { value: unknown; deps: ReadonlySet<string> } | undefined {
  const entry = memos.get(s)?.get(key);
  return entry?.deps ? { value: entry.value, deps: entry.deps } : undefined;
}

/** App Mesh route order: priority 0 (highest) … 1000, then routes without priority; ties by route name. */
export function compareByPriority(
  a: { name: string; spec: { priority?: number } },
  b: { name: string; spec: { priority?: number } },
): number {
  const pa = a.spec.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.spec.priority ?? Number.POSITIVE_INFINITY;
  return pa !== pb ? (pa < pb ? -1 : 1) : cmpStr(a.name, b.name);
}

/** A router's routes in matching order. */
export function routesOf(s: MeshSnapshot, router: string): readonly SnapshotResource<RouteSpec>[] {
  return memo(s, `sortedRoutes\0${router}`, () => [...(s.routes.get(router)?.values() ?? [])].sort(compareByPriority));
}

/** A gateway's routes (unsorted; the gateway translation orders them per listener). */
export function gatewayRoutesOf(s: MeshSnapshot, gateway: string): readonly SnapshotResource<GatewayRouteSpec>[] {
  return memo(s, `gatewayRoutes\0${gateway}`, () =>
    [...(s.gatewayRoutes.get(gateway)?.values() ?? [])].sort((a, b) => cmpStr(a.name, b.name)),
  );
}

/** The provider of a virtual service and the ports it is reachable on (router listeners or node listeners). */
export function providerOf(s: MeshSnapshot, vsName: string): ServiceProvider {
  const vs = s.virtualServices.get(vsName);
  const p = vs?.spec.provider;
  if (p?.virtualRouter) {
    const r = s.virtualRouters.get(p.virtualRouter.virtualRouterName);
    if (r)
      return {
        kind: 'virtualRouter',
        name: r.name,
        ports: (r.spec.listeners ?? []).map((l) => ({ ...l.portMapping })),
      };
  } else if (p?.virtualNode) {
    const n = s.virtualNodes.get(p.virtualNode.virtualNodeName);
    if (n)
      return { kind: 'virtualNode', name: n.name, ports: (n.spec.listeners ?? []).map((l) => ({ ...l.portMapping })) };
  }
  return { kind: 'none', name: '', ports: [] };
}

/** A node's listener: the one on `port`, or its first listener when no port is given. */
export function resolveTarget(s: MeshSnapshot, vnName: string, port: number | undefined): TargetRef | undefined {
  const vn = s.virtualNodes.get(vnName);
  if (!vn) return undefined;
  const listeners = vn.spec.listeners ?? [];
  const listener = port === undefined ? listeners[0] : listeners.find((l) => l.portMapping.port === port);
  return listener ? { vn, listener } : undefined;
}

/** IP preference of a node's service discovery, else the mesh's. */
export function ipPreferenceOf(s: MeshSnapshot, vn: VirtualNodeSpec): IpPreference | undefined {
  const sd = vn.serviceDiscovery;
  return sd?.dns?.ipPreference ?? sd?.awsCloudMap?.ipPreference ?? s.mesh.spec.serviceDiscovery?.ipPreference;
}

/** Does the route kind fit a listener protocol (http ↔ httpRoute, …)? */
export function routeFitsProtocol(spec: RouteSpec, protocol: PortProtocol): boolean {
  switch (protocol) {
    case 'http':
      return spec.httpRoute !== undefined;
    case 'http2':
      return spec.http2Route !== undefined;
    case 'grpc':
      return spec.grpcRoute !== undefined;
    case 'tcp':
      return spec.tcpRoute !== undefined;
    default:
      return false;
  }
}

/** Match port of a route (undefined = all listeners of the router). */
export function routeMatchPort(spec: RouteSpec): number | undefined {
  return (
    spec.httpRoute?.match.port ??
    spec.http2Route?.match.port ??
    spec.grpcRoute?.match.port ??
    spec.tcpRoute?.match?.port
  );
}

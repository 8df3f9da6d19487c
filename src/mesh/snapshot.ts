// An immutable view of one mesh, the only input (with a proxy identity) of translation.
import type {
  GatewayRouteSpec,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';

export interface SnapshotResource<S> {
  name: string;
  arn: string;
  spec: S;
  version: number;
}

/** A Cloud Map instance as the mesh sees it. */
export interface DiscoveredInstance {
  instanceId: string;
  attributes: Readonly<Record<string, string>>;
  healthy: boolean;
}

export interface MeshSnapshot {
  meshName: string;
  meshOwner: string;
  region: string;
  mesh: SnapshotResource<MeshSpec>;
  virtualNodes: ReadonlyMap<string, SnapshotResource<VirtualNodeSpec>>;
  virtualServices: ReadonlyMap<string, SnapshotResource<VirtualServiceSpec>>;
  virtualRouters: ReadonlyMap<string, SnapshotResource<VirtualRouterSpec>>;
  /** router name → route name → route */
  routes: ReadonlyMap<string, ReadonlyMap<string, SnapshotResource<RouteSpec>>>;
  virtualGateways: ReadonlyMap<string, SnapshotResource<VirtualGatewaySpec>>;
  /** gateway name → gateway route name → gateway route */
  gatewayRoutes: ReadonlyMap<string, ReadonlyMap<string, SnapshotResource<GatewayRouteSpec>>>;
  /** `${namespaceName}/${serviceName}` → instances registered in Cloud Map */
  cloudMapInstances: ReadonlyMap<string, readonly DiscoveredInstance[]>;
  readonly [SNAPSHOT_TRACKER]?: DependencyTracker;
}

export const cloudMapKey = (namespaceName: string, serviceName: string) => `${namespaceName}/${serviceName}`;

/**
 * What translation read, for incremental pushes. A snapshot may carry a tracker (`trackedView` in the xDS cache
 * adds one): its maps report every key read, and memoized fragments replay the reads they made, so the cache knows
 * which parts of the mesh each proxy's configuration depends on. Translation's output never depends on it.
 */
export const SNAPSHOT_TRACKER: unique symbol = Symbol('appmeshd.snapshot-tracker');

export interface DependencyTracker {
  /** Runs `compute`, returning its value and every dependency read meanwhile (also added to enclosing captures). */
  capture<T>(compute: () => T): { value: T; deps: ReadonlySet<string> };
  /** Records dependencies read by someone else on the current computation's behalf (a memo hit). */
  replay(deps: Iterable<string>): void;
  /**
   * The value the previous snapshot memoized under `key`, when nothing it read has changed since: translation then
   * returns the very same object, so whatever was derived from it (encoded bytes, hashes) is reused too.
   */
  carried(key: string): { value: unknown; deps: ReadonlySet<string> } | undefined;
}

/** Dependency keys: one per resource or per group a lookup reads (`routes:<router>` is all of a router's routes). */
export const dependencyKey = {
  mesh: 'mesh',
  virtualNode: (name: string) => `vn:${name}`,
  virtualService: (name: string) => `vs:${name}`,
  virtualRouter: (name: string) => `vr:${name}`,
  routesOf: (router: string) => `routes:${router}`,
  virtualGateway: (name: string) => `vg:${name}`,
  gatewayRoutesOf: (gateway: string) => `gr:${gateway}`,
  cloudMapInstances: (key: string) => `cm:${key}`,
} as const;

const fingerprintsBySnapshot = new WeakMap<MeshSnapshot, ReadonlyMap<string, string>>();

/** The builder's record of what each dependency key held (ids and versions), to tell two snapshots apart. */
export function setSnapshotFingerprints(snapshot: MeshSnapshot, fingerprints: ReadonlyMap<string, string>): void {
  fingerprintsBySnapshot.set(snapshot, fingerprints);
}

export function snapshotFingerprints(snapshot: MeshSnapshot): ReadonlyMap<string, string> | undefined {
  return fingerprintsBySnapshot.get(snapshot);
}

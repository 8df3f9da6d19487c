// Reads one mesh from the store into an immutable MeshSnapshot, with a content hash that
// is the same on every replica reading the same rows.
import { createHash } from 'node:crypto';
import { Kind } from '../appmesh/kinds.js';
import type {
  GatewayRouteSpec,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';
import type { StoredResource, Store, StoreReader } from '../store/types.js';
import type { CloudMapSource, CloudMapServiceKey } from './cloud-map.js';
import {
  cloudMapKey,
  dependencyKey,
  type DiscoveredInstance,
  type MeshSnapshot,
  setSnapshotFingerprints,
  type SnapshotResource,
} from './snapshot.js';

export interface BuiltSnapshot {
  snapshot: MeshSnapshot;
  /** The store revision read before the rows: every change up to it is included. */
  revision: number;
  /** Content hash of the rows and instances the snapshot was built from. */
  hash: string;
  /** Cloud Map services the mesh's virtual nodes discover through. */
  cloudMapServices: CloudMapServiceKey[];
}

export interface BuildContext {
  store: Store;
  region: string;
  accountId: string;
  cloudMap: CloudMapSource;
}

const toSnapshot = <S>(r: StoredResource<S>): SnapshotResource<S> =>
  Object.freeze({ name: r.name, arn: r.arn, spec: r.spec, version: r.version });

function byName<S>(rows: readonly StoredResource<S>[]): ReadonlyMap<string, SnapshotResource<S>> {
  return new Map(rows.map((r) => [r.name, toSnapshot(r)]));
}

/** Groups rows scoped '<mesh>/<parent>' by parent name. */
function byParent<S>(
  rows: readonly StoredResource<S>[],
): ReadonlyMap<string, ReadonlyMap<string, SnapshotResource<S>>> {
  const out = new Map<string, Map<string, SnapshotResource<S>>>();
  for (const r of rows) {
    const parent = r.scope.slice(r.scope.indexOf('/') + 1);
    let group = out.get(parent);
    if (!group) out.set(parent, (group = new Map()));
    group.set(r.name, toSnapshot(r));
  }
  return out;
}

interface MeshRows {
  mesh: StoredResource<MeshSpec>;
  nodes: readonly StoredResource<VirtualNodeSpec>[];
  services: readonly StoredResource<VirtualServiceSpec>[];
  routers: readonly StoredResource<VirtualRouterSpec>[];
  routes: StoredResource<RouteSpec>[];
  gateways: readonly StoredResource<VirtualGatewaySpec>[];
  gatewayRoutes: StoredResource<GatewayRouteSpec>[];
}

async function readRows(reader: StoreReader, meshName: string): Promise<MeshRows | undefined> {
  const mesh = await reader.get<MeshSpec>(Kind.mesh, '', meshName);
  if (!mesh) return undefined;
  return {
    mesh,
    nodes: await reader.list<VirtualNodeSpec>(Kind.virtualNode, meshName),
    services: await reader.list<VirtualServiceSpec>(Kind.virtualService, meshName),
    routers: await reader.list<VirtualRouterSpec>(Kind.virtualRouter, meshName),
    routes: await reader.listKind<RouteSpec>(Kind.route, meshName),
    gateways: await reader.list<VirtualGatewaySpec>(Kind.virtualGateway, meshName),
    gatewayRoutes: await reader.listKind<GatewayRouteSpec>(Kind.gatewayRoute, meshName),
  };
}

function cloudMapServicesOf(nodes: readonly StoredResource<VirtualNodeSpec>[]): CloudMapServiceKey[] {
  const seen = new Map<string, CloudMapServiceKey>();
  for (const n of nodes) {
    const cm = n.spec.serviceDiscovery?.awsCloudMap;
    if (cm)
      seen.set(cloudMapKey(cm.namespaceName, cm.serviceName), {
        namespaceName: cm.namespaceName,
        serviceName: cm.serviceName,
      });
  }
  return [...seen.values()];
}

export async function buildMeshSnapshot(ctx: BuildContext, meshName: string): Promise<BuiltSnapshot | undefined> {
  const revision = await ctx.store.revision();
  // One transaction so the rows are one consistent view of the mesh.
  const rows = await ctx.store.transact((tx) => readRows(tx, meshName));
  if (!rows) return undefined;
  const cloudMapServices = cloudMapServicesOf(rows.nodes);
  const instances = new Map<string, readonly DiscoveredInstance[]>();
  for (const s of cloudMapServices) {
    const found = await ctx.cloudMap.instancesFor(s.namespaceName, s.serviceName);
    const sorted = [...found].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    instances.set(
      cloudMapKey(s.namespaceName, s.serviceName),
      Object.freeze(sorted.map((i) => Object.freeze({ ...i }))),
    );
  }

  const hash = createHash('sha256');
  const all: StoredResource[] = [
    rows.mesh,
    ...rows.nodes,
    ...rows.services,
    ...rows.routers,
    ...rows.routes,
    ...rows.gateways,
    ...rows.gatewayRoutes,
  ];
  for (const r of all) hash.update(`${r.kind}\0${r.scope}\0${r.name}\0${r.uid}\0${r.version}\n`);
  for (const [key, list] of instances) hash.update(`cloudmap\0${key}\0${JSON.stringify(list)}\n`);

  const meshOwner = /^arn:aws:appmesh:[^:]*:(\d{12}):/.exec(rows.mesh.arn)?.[1] ?? ctx.accountId;
  const snapshot: MeshSnapshot = Object.freeze({
    meshName,
    meshOwner,
    region: ctx.region,
    mesh: toSnapshot(rows.mesh),
    virtualNodes: byName(rows.nodes),
    virtualServices: byName(rows.services),
    virtualRouters: byName(rows.routers),
    routes: byParent(rows.routes),
    virtualGateways: byName(rows.gateways),
    gatewayRoutes: byParent(rows.gatewayRoutes),
    cloudMapInstances: instances,
  });
  setSnapshotFingerprints(snapshot, fingerprints(rows, instances, meshOwner, ctx.region));
  return { snapshot, revision, hash: hash.digest('hex').slice(0, 32), cloudMapServices };
}

/** What each dependency key of the snapshot held: row ids and versions, Cloud Map instance lists. */
function fingerprints(
  rows: MeshRows,
  instances: ReadonlyMap<string, readonly DiscoveredInstance[]>,
  meshOwner: string,
  region: string,
): Map<string, string> {
  const id = (r: StoredResource) => `${r.uid}:${r.version}`;
  const out = new Map<string, string>([[dependencyKey.mesh, `${id(rows.mesh)}:${meshOwner}:${region}`]]);
  for (const r of rows.nodes) out.set(dependencyKey.virtualNode(r.name), id(r));
  for (const r of rows.services) out.set(dependencyKey.virtualService(r.name), id(r));
  for (const r of rows.routers) out.set(dependencyKey.virtualRouter(r.name), id(r));
  for (const r of rows.gateways) out.set(dependencyKey.virtualGateway(r.name), id(r));
  const group = (list: readonly StoredResource[], key: (parent: string) => string) => {
    for (const r of list) {
      const k = key(r.scope.slice(r.scope.indexOf('/') + 1));
      out.set(k, `${out.get(k) ?? ''}${r.name}=${id(r)};`);
    }
  };
  group(rows.routes, dependencyKey.routesOf);
  group(rows.gatewayRoutes, dependencyKey.gatewayRoutesOf);
  for (const [key, list] of instances) out.set(dependencyKey.cloudMapInstances(key), JSON.stringify(list));
  return out;
}

// Builders of small MeshSnapshots for translation tests.
import type { DiscoveredInstance, MeshSnapshot, SnapshotResource } from '../../../src/mesh/snapshot.js';
import type {
  GatewayRouteSpec,
  Listener,
  MeshSpec,
  PortProtocol,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../../../src/protocols/generated/appmesh-types.js';
import type { ProxyIdentity } from '../../../src/xds/translate/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export interface SnapshotInput {
  mesh?: string;
  meshSpec?: MeshSpec;
  nodes?: Record<string, VirtualNodeSpec>;
  services?: Record<string, VirtualServiceSpec>;
  routers?: Record<string, VirtualRouterSpec>;
  routes?: Record<string, Record<string, RouteSpec>>;
  gateways?: Record<string, VirtualGatewaySpec>;
  gatewayRoutes?: Record<string, Record<string, GatewayRouteSpec>>;
  /** `${namespace}/${service}` → instances */
  cloudMap?: Record<string, DiscoveredInstance[]>;
}

function res<S>(mesh: string, path: string, name: string, spec: S): SnapshotResource<S> {
  return { name, arn: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/${mesh}/${path}`, spec, version: 1 };
}

function map<S>(mesh: string, kind: string, rec: Record<string, S> | undefined): Map<string, SnapshotResource<S>> {
  return new Map(Object.entries(rec ?? {}).map(([n, spec]) => [n, res(mesh, `${kind}/${n}`, n, spec)]));
}

export function snapshot(input: SnapshotInput): MeshSnapshot {
  const mesh = input.mesh ?? 'm';
  return {
    meshName: mesh,
    meshOwner: ACCOUNT,
    region: REGION,
    mesh: {
      name: mesh,
      arn: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/${mesh}`,
      spec: input.meshSpec ?? {},
      version: 1,
    },
    virtualNodes: map(mesh, 'virtualNode', input.nodes),
    virtualServices: map(mesh, 'virtualService', input.services),
    virtualRouters: map(mesh, 'virtualRouter', input.routers),
    routes: new Map(
      Object.entries(input.routes ?? {}).map(([r, routes]) => [r, map(mesh, `virtualRouter/${r}/route`, routes)]),
    ),
    virtualGateways: map(mesh, 'virtualGateway', input.gateways),
    gatewayRoutes: new Map(
      Object.entries(input.gatewayRoutes ?? {}).map(([g, routes]) => [
        g,
        map(mesh, `virtualGateway/${g}/gatewayRoute`, routes),
      ]),
    ),
    cloudMapInstances: new Map(Object.entries(input.cloudMap ?? {})),
  };
}

export const vnProxy = (name: string, mesh = 'm'): ProxyIdentity => ({ kind: 'virtualNode', meshName: mesh, name });
export const vgProxy = (name: string, mesh = 'm'): ProxyIdentity => ({ kind: 'virtualGateway', meshName: mesh, name });

export const listener = (protocol: PortProtocol, port: number, extra: Partial<Listener> = {}): Listener => ({
  portMapping: { port, protocol },
  ...extra,
});

/** A node with DNS discovery `<name>.local`. */
export function dnsNode(name: string, listeners: Listener[], extra: Partial<VirtualNodeSpec> = {}): VirtualNodeSpec {
  return { listeners, serviceDiscovery: { dns: { hostname: `${name}.local` } }, ...extra };
}

export const backends = (...names: string[]) =>
  names.map((virtualServiceName) => ({ virtualService: { virtualServiceName } }));
export const byNode = (virtualNodeName: string): VirtualServiceSpec => ({
  provider: { virtualNode: { virtualNodeName } },
});
export const byRouter = (virtualRouterName: string): VirtualServiceSpec => ({
  provider: { virtualRouter: { virtualRouterName } },
});
export const routerOn = (protocol: PortProtocol, ...ports: number[]): VirtualRouterSpec => ({
  listeners: ports.map((port) => ({ portMapping: { port, protocol } })),
});

export const instance = (id: string, attributes: Record<string, string>, healthy = true): DiscoveredInstance => ({
  instanceId: id,
  attributes,
  healthy,
});

// An immutable view of one mesh, the only input (with a proxy identity) of translation.
import type {
  GatewayRouteSpec, MeshSpec, RouteSpec, VirtualGatewaySpec, VirtualNodeSpec, VirtualRouterSpec, VirtualServiceSpec,
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
}

export const cloudMapKey = (namespaceName: string, serviceName: string) => `${namespaceName}/${serviceName}`;

// What must be gone before a resource may be deleted.
import { resourceInUse } from '../api/errors.js';
import type {
  GatewayRouteSpec, RouteSpec, VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';
import type { StoreReader } from '../store/types.js';
import { Kind, type MeshKind } from './kinds.js';

function targetsOf(spec: RouteSpec): string[] {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute ?? spec.tcpRoute;
  return r ? r.action.weightedTargets.map((t) => t.virtualNode) : [];
}

function gatewayTargetOf(spec: GatewayRouteSpec): string | undefined {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute;
  return r?.action.target.virtualService.virtualServiceName;
}

export async function assertDeletable(reader: StoreReader, kind: MeshKind, meshName: string, name: string): Promise<void> {
  switch (kind) {
    case Kind.mesh: {
      for (const child of [Kind.virtualService, Kind.virtualRouter, Kind.virtualNode, Kind.virtualGateway]) {
        if (await reader.count(child, meshName)) {
          throw resourceInUse(`Mesh ${meshName} still has ${child}s; delete every virtual service, route, virtual router, virtual node and virtual gateway first`);
        }
      }
      return;
    }
    case Kind.virtualRouter: {
      if (await reader.count(Kind.route, `${meshName}/${name}`)) throw resourceInUse(`VirtualRouter ${name} still has routes; delete them first`);
      const services = await reader.list<VirtualServiceSpec>(Kind.virtualService, meshName);
      const user = services.find((s) => s.spec.provider?.virtualRouter?.virtualRouterName === name);
      if (user) throw resourceInUse(`VirtualRouter ${name} provides virtual service ${user.name}`);
      return;
    }
    case Kind.virtualNode: {
      const services = await reader.list<VirtualServiceSpec>(Kind.virtualService, meshName);
      const user = services.find((s) => s.spec.provider?.virtualNode?.virtualNodeName === name);
      if (user) throw resourceInUse(`VirtualNode ${name} provides virtual service ${user.name}`);
      const routes = await reader.listKind<RouteSpec>(Kind.route, meshName);
      const route = routes.find((r) => targetsOf(r.spec).includes(name));
      if (route) throw resourceInUse(`VirtualNode ${name} is a target of route ${route.name} of virtual router ${route.scope.slice(meshName.length + 1)}`);
      return;
    }
    case Kind.virtualGateway: {
      if (await reader.count(Kind.gatewayRoute, `${meshName}/${name}`)) throw resourceInUse(`VirtualGateway ${name} still has gateway routes; delete them first`);
      return;
    }
    case Kind.virtualService: {
      const routes = await reader.listKind<GatewayRouteSpec>(Kind.gatewayRoute, meshName);
      const user = routes.find((r) => gatewayTargetOf(r.spec) === name);
      if (user) throw resourceInUse(`VirtualService ${name} is the target of gateway route ${user.name}`);
      return;
    }
    default:
      return;
  }
}

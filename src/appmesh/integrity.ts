// What must be gone before a resource may be deleted: the ResourceInUse rules, as a list
// (the console shows every blocker before a delete is tried) and as the check the Delete
// handlers run (the first blocker becomes the ResourceInUseException).
import { resourceInUse } from '../api/errors.js';
import type { GatewayRouteSpec, RouteSpec, VirtualServiceSpec } from '../protocols/generated/appmesh-types.js';
import type { StoreReader } from '../store/types.js';
import { Kind, type MeshKind } from './kinds.js';

/** A resource that keeps another from being deleted, and why. */
export interface Blocker {
  kind: MeshKind;
  /** The blocking resource's scope ('<mesh>' or '<mesh>/<parent>') and name; absent for a whole class ("still has routes"). */
  scope?: string;
  name?: string;
  message: string;
}

export function targetsOf(spec: RouteSpec): string[] {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute ?? spec.tcpRoute;
  return r ? r.action.weightedTargets.map((t) => t.virtualNode) : [];
}

export function gatewayTargetOf(spec: GatewayRouteSpec): string | undefined {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute;
  return r?.action.target.virtualService.virtualServiceName;
}

/** Every resource that blocks deleting (kind, mesh, name), in the order the Delete handler checks them. */
export async function blockersOf(
  reader: StoreReader,
  kind: MeshKind,
  meshName: string,
  name: string,
): Promise<Blocker[]> {
  const out: Blocker[] = [];
  switch (kind) {
    case Kind.mesh: {
      for (const child of [Kind.virtualService, Kind.virtualRouter, Kind.virtualNode, Kind.virtualGateway]) {
        for (const row of await reader.list(child, meshName)) {
          out.push({
            kind: child,
            scope: meshName,
            name: row.name,
            message: `Mesh ${meshName} still has ${child}s; delete every virtual service, route, virtual router, virtual node and virtual gateway first`,
          });
        }
      }
      break;
    }
    case Kind.virtualRouter: {
      for (const route of await reader.list(Kind.route, `${meshName}/${name}`)) {
        out.push({
          kind: Kind.route,
          scope: route.scope,
          name: route.name,
          message: `VirtualRouter ${name} still has routes; delete them first`,
        });
      }
      for (const s of await reader.list<VirtualServiceSpec>(Kind.virtualService, meshName)) {
        if (s.spec.provider?.virtualRouter?.virtualRouterName === name) {
          out.push({
            kind: Kind.virtualService,
            scope: meshName,
            name: s.name,
            message: `VirtualRouter ${name} provides virtual service ${s.name}`,
          });
        }
      }
      break;
    }
    case Kind.virtualNode: {
      for (const s of await reader.list<VirtualServiceSpec>(Kind.virtualService, meshName)) {
        if (s.spec.provider?.virtualNode?.virtualNodeName === name) {
          out.push({
            kind: Kind.virtualService,
            scope: meshName,
            name: s.name,
            message: `VirtualNode ${name} provides virtual service ${s.name}`,
          });
        }
      }
      for (const r of await reader.listKind<RouteSpec>(Kind.route, meshName)) {
        if (r.scope.startsWith(`${meshName}/`) && targetsOf(r.spec).includes(name)) {
          out.push({
            kind: Kind.route,
            scope: r.scope,
            name: r.name,
            message: `VirtualNode ${name} is a target of route ${r.name} of virtual router ${r.scope.slice(meshName.length + 1)}`,
          });
        }
      }
      break;
    }
    case Kind.virtualGateway: {
      for (const r of await reader.list(Kind.gatewayRoute, `${meshName}/${name}`)) {
        out.push({
          kind: Kind.gatewayRoute,
          scope: r.scope,
          name: r.name,
          message: `VirtualGateway ${name} still has gateway routes; delete them first`,
        });
      }
      break;
    }
    case Kind.virtualService: {
      for (const r of await reader.listKind<GatewayRouteSpec>(Kind.gatewayRoute, meshName)) {
        if (r.scope.startsWith(`${meshName}/`) && gatewayTargetOf(r.spec) === name) {
          out.push({
            kind: Kind.gatewayRoute,
            scope: r.scope,
            name: r.name,
            message: `VirtualService ${name} is the target of gateway route ${r.name}`,
          });
        }
      }
      break;
    }
    default:
      break;
  }
  return out;
}

export async function assertDeletable(
  reader: StoreReader,
  kind: MeshKind,
  meshName: string,
  name: string,
): Promise<void> {
  const [first] = await blockersOf(reader, kind, meshName, name);
  if (first) throw resourceInUse(first.message);
}

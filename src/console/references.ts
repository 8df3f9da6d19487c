// What a resource refers to (from its spec) and what refers to it: the ResourceInUse rules
// of appmesh/integrity.ts (blocking a delete) plus the references that do not block one
// (virtual nodes that use a virtual service as a backend).
import { blockersOf, gatewayTargetOf, targetsOf } from '../appmesh/integrity.js';
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import type { VirtualNodeSpec } from '../protocols/generated/appmesh-types.js';
import type { StoreReader } from '../store/types.js';
import { isSpecOf } from './specs.js';

export interface Reference {
  kind: MeshKind | 'cloudMapService';
  name: string;
  /** Router or gateway of a route or gateway route. */
  parent?: string;
  relation: string;
  /** For "referenced by": whether it keeps the resource from being deleted, and the message the delete would fail with. */
  blocksDelete?: boolean;
  message?: string;
}

/** What `spec` (as Describe* returned it) refers to; a spec that is not valid for `kind` names nothing. */
export function referencesOf(kind: MeshKind, spec: unknown, parent?: string): Reference[] {
  const out: Reference[] = [];
  switch (kind) {
    case Kind.virtualNode: {
      if (!isSpecOf(kind, spec)) break;
      for (const b of spec.backends ?? [])
        if (b.virtualService)
          out.push({ kind: Kind.virtualService, name: b.virtualService.virtualServiceName, relation: 'backend' });
      const cm = spec.serviceDiscovery?.awsCloudMap;
      if (cm)
        out.push({
          kind: 'cloudMapService',
          name: `${cm.namespaceName}/${cm.serviceName}`,
          relation: 'service discovery',
        });
      break;
    }
    case Kind.virtualService: {
      if (!isSpecOf(kind, spec)) break;
      const p = spec.provider;
      if (p?.virtualRouter)
        out.push({ kind: Kind.virtualRouter, name: p.virtualRouter.virtualRouterName, relation: 'provider' });
      if (p?.virtualNode)
        out.push({ kind: Kind.virtualNode, name: p.virtualNode.virtualNodeName, relation: 'provider' });
      break;
    }
    case Kind.route: {
      out.push({ kind: Kind.virtualRouter, name: parent!, relation: 'router' });
      if (!isSpecOf(kind, spec)) break;
      for (const t of targetsOf(spec)) out.push({ kind: Kind.virtualNode, name: t, relation: 'weighted target' });
      break;
    }
    case Kind.gatewayRoute: {
      out.push({ kind: Kind.virtualGateway, name: parent!, relation: 'gateway' });
      if (!isSpecOf(kind, spec)) break;
      const t = gatewayTargetOf(spec);
      if (t) out.push({ kind: Kind.virtualService, name: t, relation: 'target' });
      break;
    }
    default:
      break;
  }
  return out;
}

export async function referencedBy(
  reader: StoreReader,
  kind: MeshKind,
  meshName: string,
  name: string,
): Promise<Reference[]> {
  const out: Reference[] = (await blockersOf(reader, kind, meshName, name)).map((b) => {
    const slash = b.scope?.indexOf('/') ?? -1;
    return {
      kind: b.kind,
      name: b.name ?? '',
      ...(slash >= 0 ? { parent: b.scope!.slice(slash + 1) } : {}),
      relation:
        b.kind === Kind.route || b.kind === Kind.gatewayRoute
          ? kind === Kind.virtualNode || kind === Kind.virtualService
            ? 'targets it'
            : 'child'
          : kind === Kind.mesh
            ? 'member'
            : 'uses it as provider',
      blocksDelete: true,
      message: b.message,
    };
  });
  if (kind === Kind.virtualService) {
    for (const vn of await reader.list<VirtualNodeSpec>(Kind.virtualNode, meshName)) {
      if ((vn.spec.backends ?? []).some((b) => b.virtualService?.virtualServiceName === name)) {
        out.push({ kind: Kind.virtualNode, name: vn.name, relation: 'uses it as a backend', blocksDelete: false });
      }
    }
  }
  return out;
}

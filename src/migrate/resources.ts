// What every source format is turned into: the App Mesh resources it declares, by name,
// with their spec in the API's shape. Plans, applies and exports work on these alone.
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { types } from '../appmesh/resources.js';
import type { Tag } from '../store/types.js';

export interface Desired {
  kind: MeshKind;
  meshName: string;
  /** The virtual router (routes) or virtual gateway (gateway routes). */
  parentName?: string;
  name: string;
  spec: Record<string, unknown>;
  /** undefined: the source format carries no tags, so import leaves the resource's tags alone. */
  tags?: Tag[];
  meshOwner?: string;
  /** Where it was declared: file and logical id / object name, for messages. */
  origin: string;
}

/** A declaration the importer read but does not turn into an App Mesh resource. */
export interface Skipped {
  origin: string;
  type: string;
  reason: string;
}

export interface SourceResult {
  resources: Desired[];
  skipped: Skipped[];
}

/** Create order; deletes run in reverse. Services come after the routers and nodes they name as providers. */
export const APPLY_ORDER: readonly MeshKind[] = [
  Kind.mesh,
  Kind.virtualNode,
  Kind.virtualRouter,
  Kind.route,
  Kind.virtualService,
  Kind.virtualGateway,
  Kind.gatewayRoute,
];

export const SPEC_SHAPE: Readonly<Record<MeshKind, string>> = {
  mesh: 'MeshSpec',
  virtualNode: 'VirtualNodeSpec',
  virtualService: 'VirtualServiceSpec',
  virtualRouter: 'VirtualRouterSpec',
  route: 'RouteSpec',
  virtualGateway: 'VirtualGatewaySpec',
  gatewayRoute: 'GatewayRouteSpec',
};

export const titleOf = (kind: MeshKind): string => types[kind].title;

export function keyOf(r: { kind: MeshKind; meshName: string; parentName?: string | undefined; name: string }): string {
  return [r.kind, r.meshName, r.parentName ?? '', r.name].join('\0');
}

/** `mesh/virtualRouter/route` style display path. */
export function pathOf(r: { kind: MeshKind; meshName: string; parentName?: string | undefined; name: string }): string {
  if (r.kind === Kind.mesh) return r.meshName;
  return r.parentName === undefined ? `${r.meshName}/${r.name}` : `${r.meshName}/${r.parentName}/${r.name}`;
}

/** Reserved tag keys (aws:…) cannot be set through the API; sources that carry them keep the rest. */
export const userTags = (tags: Tag[]): Tag[] => tags.filter((t) => !t.key.startsWith('aws:'));

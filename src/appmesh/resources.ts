// How each App Mesh resource type is named, scoped, counted and shown on the wire.
import type { AppmeshOperations } from '../protocols/generated/appmesh-operations.js';
import type { AppMeshQuotas } from './quotas.js';
import type { StoredResource } from '../store/types.js';
import { Kind, type MeshKind } from './kinds.js';

export interface ResourceType {
  kind: MeshKind;
  /** Name used in messages: VirtualNode, GatewayRoute … */
  title: string;
  /** Input/output member holding the resource's own name. */
  nameField: string;
  /** For routes and gateway routes: the parent kind and its name member. */
  parent?: { kind: MeshKind; nameField: string; title: string };
  /** Member of List* output holding the refs. */
  listField: string;
  /** The List operation: ListMeshes, ListVirtualNodes … */
  listOperation: string;
  quota?: keyof AppMeshQuotas;
}

export type Title =
  | 'Mesh'
  | 'VirtualNode'
  | 'VirtualService'
  | 'VirtualRouter'
  | 'Route'
  | 'VirtualGateway'
  | 'GatewayRoute';
export type ListOperation = Extract<keyof AppmeshOperations, `List${string}s`>;
type InputOf<K extends keyof AppmeshOperations> = Parameters<AppmeshOperations[K]>[0];
type OutputOf<K extends keyof AppmeshOperations> = Awaited<ReturnType<AppmeshOperations[K]>>;

/**
 * A descriptor checked against the generated contract: its five operations exist, its kind is the payload member
 * of their outputs, its name fields are members of their inputs and its list field a member of the List output.
 */
export interface CheckedResourceType<T extends Title, L extends ListOperation> extends ResourceType {
  kind: MeshKind & keyof OutputOf<`Describe${T}`>;
  title: T;
  nameField: keyof InputOf<`Describe${T}`> & string;
  parent?: { kind: MeshKind; nameField: keyof InputOf<`Describe${T}`> & keyof InputOf<L> & string; title: string };
  listField: keyof OutputOf<L> & string;
  listOperation: L;
}

/** The operations a descriptor generates. */
export type ResourceOperations<T extends Title, L extends ListOperation> = Pick<
  AppmeshOperations,
  `Create${T}` | `Describe${T}` | `Update${T}` | `Delete${T}` | L
>;

const described = <T extends Title, L extends ListOperation>(t: CheckedResourceType<T, L>) => t;

/** The descriptors with the types they were checked against (for generating their operations). */
export const checkedTypes = {
  mesh: described({
    kind: Kind.mesh,
    title: 'Mesh',
    nameField: 'meshName',
    listField: 'meshes',
    listOperation: 'ListMeshes',
    quota: 'meshesPerAccount',
  }),
  virtualNode: described({
    kind: Kind.virtualNode,
    title: 'VirtualNode',
    nameField: 'virtualNodeName',
    listField: 'virtualNodes',
    listOperation: 'ListVirtualNodes',
    quota: 'virtualNodesPerMesh',
  }),
  virtualService: described({
    kind: Kind.virtualService,
    title: 'VirtualService',
    nameField: 'virtualServiceName',
    listField: 'virtualServices',
    listOperation: 'ListVirtualServices',
    quota: 'virtualServicesPerMesh',
  }),
  virtualRouter: described({
    kind: Kind.virtualRouter,
    title: 'VirtualRouter',
    nameField: 'virtualRouterName',
    listField: 'virtualRouters',
    listOperation: 'ListVirtualRouters',
    quota: 'virtualRoutersPerMesh',
  }),
  route: described({
    kind: Kind.route,
    title: 'Route',
    nameField: 'routeName',
    listField: 'routes',
    listOperation: 'ListRoutes',
    quota: 'routesPerVirtualRouter',
    parent: { kind: Kind.virtualRouter, nameField: 'virtualRouterName', title: 'VirtualRouter' },
  }),
  virtualGateway: described({
    kind: Kind.virtualGateway,
    title: 'VirtualGateway',
    nameField: 'virtualGatewayName',
    listField: 'virtualGateways',
    listOperation: 'ListVirtualGateways',
    quota: 'virtualGatewaysPerMesh',
  }),
  gatewayRoute: described({
    kind: Kind.gatewayRoute,
    title: 'GatewayRoute',
    nameField: 'gatewayRouteName',
    listField: 'gatewayRoutes',
    listOperation: 'ListGatewayRoutes',
    quota: 'gatewayRoutesPerVirtualGateway',
    parent: { kind: Kind.virtualGateway, nameField: 'virtualGatewayName', title: 'VirtualGateway' },
  }),
} satisfies Record<MeshKind, ResourceType>;

export const types: Record<MeshKind, ResourceType> = checkedTypes;

/** Operation name → the resource type it acts on. */
export const typeOfOperation = new Map<string, ResourceType>();
for (const t of Object.values(types)) {
  for (const verb of ['Create', 'Describe', 'Update', 'Delete']) typeOfOperation.set(`${verb}${t.title}`, t);
  typeOfOperation.set(t.listOperation, t);
}

/** Where a resource lives in the store, from the request's names. */
export interface Location {
  type: ResourceType;
  meshName: string;
  parentName?: string;
  name: string;
}

export function scopeOf(loc: Omit<Location, 'name'>): string {
  if (loc.type.kind === Kind.mesh) return '';
  return loc.parentName === undefined ? loc.meshName : `${loc.meshName}/${loc.parentName}`;
}

function names(loc: Location): Record<string, string> {
  const out: Record<string, string> = { meshName: loc.meshName };
  if (loc.type.parent && loc.parentName !== undefined) out[loc.type.parent.nameField] = loc.parentName;
  if (loc.type.kind !== Kind.mesh) out[loc.type.nameField] = loc.name;
  return out;
}

export function locationOf(type: ResourceType, row: StoredResource): Location {
  if (type.kind === Kind.mesh) return { type, meshName: row.name, name: row.name };
  const slash = row.scope.indexOf('/');
  return slash < 0
    ? { type, meshName: row.scope, name: row.name }
    : { type, meshName: row.scope.slice(0, slash), parentName: row.scope.slice(slash + 1), name: row.name };
}

/** The *Data shape: names, metadata, spec and status. */
export function toData(
  type: ResourceType,
  row: StoredResource,
  accountId: string,
  status = row.status,
): Record<string, unknown> {
  return {
    ...names(locationOf(type, row)),
    metadata: {
      arn: row.arn,
      createdAt: row.createdAt,
      lastUpdatedAt: row.updatedAt,
      meshOwner: accountId,
      resourceOwner: accountId,
      uid: row.uid,
      version: row.version,
    },
    spec: row.spec,
    status: { status },
  };
}

/** The *Ref shape used by List operations. */
export function toRef(type: ResourceType, row: StoredResource, accountId: string): Record<string, unknown> {
  return {
    ...names(locationOf(type, row)),
    arn: row.arn,
    createdAt: row.createdAt,
    lastUpdatedAt: row.updatedAt,
    meshOwner: accountId,
    resourceOwner: accountId,
    version: row.version,
  };
}

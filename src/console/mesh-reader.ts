// Reads a whole mesh through the pipeline as the caller: List* then Describe* for every
// resource, so what the caller may not read is missing, and says so (denials are kept).
import type {
  GatewayRouteSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';
import { isRecord, optionalString, propertyOf, recordsIn } from '../runtime/guards.js';
import { errorJson, type Caller, type ConsoleGateway } from './caller.js';
import { isSpecOf, type SpecOf } from './specs.js';

export interface ResourceMetadata {
  arn: string;
  version: number;
  createdAt: number;
  lastUpdatedAt: number;
  uid: string;
}

export interface ResourceData<S> {
  name: string;
  /** The router or gateway of a route or gateway route. */
  parent?: string;
  spec: S;
  metadata: ResourceMetadata;
  status: string;
}

/** The metadata of a Describe* output (kept whole: the page shows its other members too). */
const isMetadata = (v: unknown): v is ResourceMetadata =>
  isRecord(v) &&
  typeof v.arn === 'string' &&
  typeof v.version === 'number' &&
  typeof v.createdAt === 'number' &&
  typeof v.lastUpdatedAt === 'number' &&
  typeof v.uid === 'string';

const malformed = (what: string, message: string): ReadProblem => ({
  what,
  code: 'InternalFailure',
  message,
  status: 500,
  denied: false,
});

export interface ReadProblem {
  what: string;
  code: string;
  message: string;
  status: number;
  denied: boolean;
}

export interface MeshContents {
  meshName: string;
  mesh?: ResourceData<unknown>;
  virtualNodes: ResourceData<VirtualNodeSpec>[];
  virtualServices: ResourceData<VirtualServiceSpec>[];
  virtualRouters: ResourceData<VirtualRouterSpec>[];
  routes: ResourceData<RouteSpec>[];
  virtualGateways: ResourceData<VirtualGatewaySpec>[];
  gatewayRoutes: ResourceData<GatewayRouteSpec>[];
  problems: ReadProblem[];
}

export interface KindInfo {
  title: string;
  list: string;
  listField: string;
  nameField: string;
  parent?: 'virtualRouter' | 'virtualGateway';
}

export const KINDS = {
  virtualNode: {
    title: 'VirtualNode',
    list: 'ListVirtualNodes',
    listField: 'virtualNodes',
    nameField: 'virtualNodeName',
  },
  virtualService: {
    title: 'VirtualService',
    list: 'ListVirtualServices',
    listField: 'virtualServices',
    nameField: 'virtualServiceName',
  },
  virtualRouter: {
    title: 'VirtualRouter',
    list: 'ListVirtualRouters',
    listField: 'virtualRouters',
    nameField: 'virtualRouterName',
  },
  route: { title: 'Route', list: 'ListRoutes', listField: 'routes', nameField: 'routeName', parent: 'virtualRouter' },
  virtualGateway: {
    title: 'VirtualGateway',
    list: 'ListVirtualGateways',
    listField: 'virtualGateways',
    nameField: 'virtualGatewayName',
  },
  gatewayRoute: {
    title: 'GatewayRoute',
    list: 'ListGatewayRoutes',
    listField: 'gatewayRoutes',
    nameField: 'gatewayRouteName',
    parent: 'virtualGateway',
  },
} as const satisfies Record<string, KindInfo>;
export type ChildKind = keyof typeof KINDS;

export const isChildKind = (k: string): k is ChildKind => Object.hasOwn(KINDS, k);

/** At most this many pages per listing (100 each): the mesh quotas keep real meshes far below. */
const MAX_PAGES = 50;

export class MeshReader {
  constructor(private readonly gw: ConsoleGateway) {}

  async listMeshNames(caller: Caller, problems: ReadProblem[]): Promise<string[]> {
    const refs = await this.listAll(caller, 'ListMeshes', {}, 'meshes', 'meshes', problems);
    return refs.map((r) => String(r.meshName));
  }

  /** Names of a kind in a mesh (under `parent` for routes and gateway routes). */
  async names(
    caller: Caller,
    meshName: string,
    kind: ChildKind,
    problems: ReadProblem[],
    parent?: string,
  ): Promise<string[]> {
    const info: KindInfo = KINDS[kind];
    const input: Record<string, unknown> = { meshName };
    if (info.parent) input[KINDS[info.parent].nameField] = parent;
    const refs = await this.listAll(
      caller,
      info.list,
      input,
      info.listField,
      `${info.title}s of ${meshName}${parent ? `/${parent}` : ''}`,
      problems,
    );
    return refs.map((r) => String(r[info.nameField]));
  }

  async describe(
    caller: Caller,
    meshName: string,
    kind: ChildKind | 'mesh',
    name: string,
    parent?: string,
  ): Promise<{ data?: ResourceData<unknown>; problem?: ReadProblem }> {
    const input: Record<string, unknown> = { meshName };
    let op = 'DescribeMesh';
    if (kind !== 'mesh') {
      const info: KindInfo = KINDS[kind];
      op = `Describe${info.title}`;
      input[info.nameField] = name;
      if (info.parent) input[KINDS[info.parent].nameField] = parent;
    }
    const r = await this.gw.call(caller, 'appmesh', op, input);
    if (!r.ok) return { problem: { what: `${kind} ${name}`, ...errorJson(r.error) } };
    // The handlers return the *Data shape itself (the wire protocol makes it the payload).
    const d = r.output;
    const metadata = propertyOf(d, 'metadata');
    if (!isMetadata(metadata)) return { problem: malformed(`${kind} ${name}`, `${op} returned no resource metadata`) };
    return {
      data: {
        name,
        ...(parent !== undefined ? { parent } : {}),
        spec: propertyOf(d, 'spec'),
        metadata,
        status: String(propertyOf(propertyOf(d, 'status'), 'status') ?? ''),
      },
    };
  }

  async read(caller: Caller, meshName: string): Promise<MeshContents> {
    const problems: ReadProblem[] = [];
    const out: MeshContents = {
      meshName,
      virtualNodes: [],
      virtualServices: [],
      virtualRouters: [],
      routes: [],
      virtualGateways: [],
      gatewayRoutes: [],
      problems,
    };
    const mesh = await this.describe(caller, meshName, 'mesh', meshName);
    if (mesh.problem) problems.push(mesh.problem);
    if (mesh.data) out.mesh = mesh.data;
    const all = async <K extends ChildKind>(kind: K, target: ResourceData<SpecOf[K]>[], parent?: string) => {
      for (const name of await this.names(caller, meshName, kind, problems, parent)) {
        const d = await this.describe(caller, meshName, kind, name, parent);
        if (d.problem) problems.push(d.problem);
        if (!d.data) continue;
        const { spec } = d.data;
        if (isSpecOf(kind, spec)) target.push({ ...d.data, spec });
        else problems.push(malformed(`${kind} ${name}`, `the spec of ${kind} ${name} does not match the model`));
      }
    };
    await all('virtualNode', out.virtualNodes);
    await all('virtualService', out.virtualServices);
    await all('virtualRouter', out.virtualRouters);
    await all('virtualGateway', out.virtualGateways);
    for (const router of await this.names(caller, meshName, 'virtualRouter', []))
      await all('route', out.routes, router);
    for (const gateway of await this.names(caller, meshName, 'virtualGateway', []))
      await all('gatewayRoute', out.gatewayRoutes, gateway);
    return out;
  }

  private async listAll(
    caller: Caller,
    op: string,
    input: Record<string, unknown>,
    field: string,
    what: string,
    problems: ReadProblem[],
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await this.gw.call(caller, 'appmesh', op, {
        ...input,
        limit: 100,
        ...(nextToken ? { nextToken } : {}),
      });
      if (!r.ok) {
        problems.push({ what, ...errorJson(r.error) });
        break;
      }
      out.push(...recordsIn(propertyOf(r.output, field)));
      nextToken = optionalString(propertyOf(r.output, 'nextToken'));
      if (!nextToken) break;
    }
    return out;
  }
}

// App Mesh rules the model cannot express: defaults, cross-field constraints and the
// references a spec makes to other resources of the mesh.
import { badRequest, limitExceeded, notFound } from '../api/errors.js';
import type {
  GatewayRouteSpec,
  HttpRoute,
  Listener,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';
import type { AppMeshQuotas } from './quotas.js';
import type { StoreReader } from '../store/types.js';
import { Kind, type MeshKind } from './kinds.js';

export interface RuleContext {
  reader: StoreReader;
  meshName: string;
  parentName?: string;
  accountId: string;
  quotas: AppMeshQuotas;
}

const notPresent = (title: string, name: string, mesh: string, account: string) =>
  notFound(`${title} with name ${name} is not present under mesh ${mesh} for account ${account}`);

/** The spec each kind's Create and Update inputs carry (a mesh's is optional). */
interface SpecOf {
  mesh: MeshSpec | undefined;
  virtualNode: VirtualNodeSpec;
  virtualService: VirtualServiceSpec;
  virtualRouter: VirtualRouterSpec;
  route: RouteSpec;
  virtualGateway: VirtualGatewaySpec;
  gatewayRoute: GatewayRouteSpec;
}

const SPEC_RULES: { [K in MeshKind]: (spec: SpecOf[K], ctx: RuleContext) => unknown } = {
  mesh: (spec) => meshSpec(spec),
  virtualNode: virtualNodeSpec,
  virtualService: virtualServiceSpec,
  virtualRouter: (spec) => virtualRouterSpec(spec),
  route: routeSpec,
  virtualGateway: (spec) => virtualGatewaySpec(spec),
  gatewayRoute: gatewayRouteSpec,
};

/** Returns the spec as stored: defaults applied, after every rule passed. */
export async function checkSpec(kind: MeshKind, spec: unknown, ctx: RuleContext): Promise<unknown> {
  // The model has validated the spec against the kind's spec shape (SpecOf[kind]).
  const rule = SPEC_RULES[kind] as (spec: unknown, ctx: RuleContext) => unknown;
  return rule(spec, ctx);
}

function meshSpec(spec: MeshSpec | undefined): MeshSpec {
  return { ...(spec ?? {}), egressFilter: spec?.egressFilter ?? { type: 'DROP_ALL' } };
}

function uniquePorts(listeners: { portMapping: { port: number } }[], what: string): void {
  const seen = new Set<number>();
  for (const [i, l] of listeners.entries()) {
    if (seen.has(l.portMapping.port))
      throw badRequest(`${what}[${i}].portMapping.port: port ${l.portMapping.port} is used by another listener`);
    seen.add(l.portMapping.port);
  }
}

function checkListener(l: Listener, i: number): void {
  const where = `spec.listeners[${i}]`;
  const proto = l.portMapping.protocol;
  const hc = l.healthCheck;
  if (hc) {
    if (hc.port !== undefined && hc.port !== l.portMapping.port)
      throw badRequest(`${where}.healthCheck.port must equal the listener port ${l.portMapping.port}`);
    if ((hc.protocol === 'http' || hc.protocol === 'http2') && !hc.path)
      throw badRequest(`${where}.healthCheck.path is required for protocol ${hc.protocol}`);
    if ((hc.protocol === 'tcp' || hc.protocol === 'grpc') && hc.path)
      throw badRequest(`${where}.healthCheck.path applies only to http and http2 health checks`);
  }
  const pool = l.connectionPool;
  if (pool) {
    const set = Object.entries(pool)
      .filter(([, v]) => v != null)
      .map(([k]) => k);
    if (set.length !== 1 || set[0] !== proto)
      throw badRequest(`${where}.connectionPool must be the ${proto} pool, matching the listener protocol`);
  }
  const timeout = l.timeout;
  if (timeout) {
    const set = Object.entries(timeout)
      .filter(([, v]) => v != null)
      .map(([k]) => k);
    if (set.length !== 1 || set[0] !== proto)
      throw badRequest(`${where}.timeout must be the ${proto} timeout, matching the listener protocol`);
  }
}

async function virtualNodeSpec(spec: VirtualNodeSpec, ctx: RuleContext): Promise<VirtualNodeSpec> {
  const listeners = spec.listeners ?? [];
  const backends = spec.backends ?? [];
  if (listeners.length && !spec.serviceDiscovery)
    throw badRequest('spec.serviceDiscovery is required when the virtual node has listeners');
  uniquePorts(listeners, 'spec.listeners');
  listeners.forEach(checkListener);
  const names = new Set<string>();
  for (const [i, b] of backends.entries()) {
    const name = b.virtualService?.virtualServiceName;
    if (name === undefined) throw badRequest(`spec.backends[${i}].virtualService is required`);
    if (names.has(name)) throw badRequest(`spec.backends[${i}]: virtual service ${name} is listed more than once`);
    names.add(name);
  }
  if (backends.length > ctx.quotas.backendsPerVirtualNode) {
    throw limitExceeded(`A virtual node can have at most ${ctx.quotas.backendsPerVirtualNode} backends`);
  }
  return { ...spec, backends, listeners };
}

async function virtualServiceSpec(spec: VirtualServiceSpec, ctx: RuleContext): Promise<VirtualServiceSpec> {
  const p = spec.provider;
  if (p?.virtualNode && !(await ctx.reader.get(Kind.virtualNode, ctx.meshName, p.virtualNode.virtualNodeName))) {
    throw notPresent('VirtualNode', p.virtualNode.virtualNodeName, ctx.meshName, ctx.accountId);
  }
  if (
    p?.virtualRouter &&
    !(await ctx.reader.get(Kind.virtualRouter, ctx.meshName, p.virtualRouter.virtualRouterName))
  ) {
    throw notPresent('VirtualRouter', p.virtualRouter.virtualRouterName, ctx.meshName, ctx.accountId);
  }
  return spec;
}

function virtualRouterSpec(spec: VirtualRouterSpec): VirtualRouterSpec {
  uniquePorts(spec.listeners ?? [], 'spec.listeners');
  return spec;
}

function virtualGatewaySpec(spec: VirtualGatewaySpec): VirtualGatewaySpec {
  uniquePorts(spec.listeners, 'spec.listeners');
  return spec;
}

const ROUTE_KINDS = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;
const PROTOCOL_OF: Record<string, string> = {
  httpRoute: 'http',
  http2Route: 'http2',
  grpcRoute: 'grpc',
  tcpRoute: 'tcp',
};

function oneRouteKind<K extends string>(spec: Partial<Record<K, unknown>>, kinds: readonly K[]): K {
  const set = kinds.filter((k) => spec[k] != null);
  if (set.length !== 1) throw badRequest(`spec must set exactly one of ${kinds.join(', ')} (${set.length} set)`);
  return set[0]!;
}

function checkHttpMatch(match: HttpRoute['match'] | undefined, where: string): void {
  if (!match) return;
  if (match.prefix !== undefined && match.path !== undefined)
    throw badRequest(`${where}: set prefix or path, not both`);
  if (match.prefix !== undefined && !match.prefix.startsWith('/'))
    throw badRequest(`${where}.prefix must start with /`);
  if (match.prefix === undefined && match.path === undefined)
    throw badRequest(`${where}: a prefix or a path is required`);
  if (match.path && (match.path.exact === undefined) === (match.path.regex === undefined))
    throw badRequest(`${where}.path must set exactly one of exact, regex`);
  if (match.path?.regex !== undefined) {
    try {
      new RegExp(match.path.regex);
    } catch {
      throw badRequest(`${where}.path.regex is not a valid regular expression`);
    }
  }
}

async function routeSpec(spec: RouteSpec, ctx: RuleContext): Promise<RouteSpec> {
  const routeKind = oneRouteKind(spec, ROUTE_KINDS);
  const route = spec[routeKind]!;
  const router = await ctx.reader.get<VirtualRouterSpec>(Kind.virtualRouter, ctx.meshName, ctx.parentName!);
  const listeners = router?.spec.listeners ?? [];
  const protocol = PROTOCOL_OF[routeKind]!;
  if (listeners.length && !listeners.some((l) => l.portMapping.protocol === protocol)) {
    throw badRequest(`Route protocol ${protocol} does not match any listener of virtual router ${ctx.parentName}`);
  }
  if (listeners.length > 1 && route.match?.port === undefined) {
    throw badRequest('Route must define a port match criteria if the Virtual Router has multiple listeners');
  }
  if (routeKind === 'httpRoute' || routeKind === 'http2Route')
    checkHttpMatch(spec[routeKind]?.match, `spec.${routeKind}.match`);
  if (routeKind === 'grpcRoute') {
    const m = spec.grpcRoute!.match ?? {};
    if (m.methodName !== undefined && m.serviceName === undefined)
      throw badRequest('spec.grpcRoute.match.methodName requires serviceName');
  }
  const retry = 'retryPolicy' in route ? route.retryPolicy : undefined;
  if (retry && routeKind !== 'tcpRoute') {
    const events = Object.entries(retry).filter(([k, v]) => RETRY_EVENTS.includes(k) && v != null);
    if (!events.length) throw badRequest(`spec.${routeKind}.retryPolicy must list at least one kind of retry event`);
  }
  for (const [i, t] of route.action.weightedTargets.entries()) {
    const node = await ctx.reader.get<VirtualNodeSpec>(Kind.virtualNode, ctx.meshName, t.virtualNode);
    if (!node) throw notPresent('VirtualNode', t.virtualNode, ctx.meshName, ctx.accountId);
    if ((node.spec.listeners ?? []).length > 1 && t.port === undefined) {
      throw badRequest(
        `spec.${routeKind}.action.weightedTargets[${i}].port is required: virtual node ${t.virtualNode} has several listeners`,
      );
    }
  }
  return spec;
}

const RETRY_EVENTS = ['httpRetryEvents', 'tcpRetryEvents', 'grpcRetryEvents'];

const GATEWAY_ROUTE_KINDS = ['httpRoute', 'http2Route', 'grpcRoute'] as const;

async function gatewayRouteSpec(spec: GatewayRouteSpec, ctx: RuleContext): Promise<GatewayRouteSpec> {
  const routeKind = oneRouteKind(spec, GATEWAY_ROUTE_KINDS);
  const route = spec[routeKind]!;
  const gateway = await ctx.reader.get<VirtualGatewaySpec>(Kind.virtualGateway, ctx.meshName, ctx.parentName!);
  if ((gateway?.spec.listeners ?? []).length > 1 && route.match?.port === undefined) {
    throw badRequest('Gateway route must define a port match criteria if the Virtual Gateway has multiple listeners');
  }
  const prefix = route.match && 'prefix' in route.match ? route.match.prefix : undefined;
  if (prefix !== undefined && !prefix.startsWith('/'))
    throw badRequest(`spec.${routeKind}.match.prefix must start with /`);
  const target = route.action.target.virtualService.virtualServiceName;
  if (!(await ctx.reader.get(Kind.virtualService, ctx.meshName, target)))
    throw notPresent('VirtualService', target, ctx.meshName, ctx.accountId);
  return spec;
}

/** Name rules beyond the model: virtual service names are DNS-style names with no model limit. */
export function checkName(kind: MeshKind, name: string): void {
  if (name.includes('/')) throw badRequest(`${kind}Name must not contain '/'`);
  if (kind === Kind.virtualService && (name.length < 1 || name.length > 255)) {
    throw badRequest('virtualServiceName must have between 1 and 255 characters');
  }
}

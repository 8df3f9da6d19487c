// App Mesh routes → Envoy routes. Routes first become a small intermediate form (RouteIR) so that the sidecar, the
// proxyless and the gateway translations (which combines a gateway route with the target's routes) share one matcher
// translation.
import type { MeshSnapshot } from '../../mesh/snapshot.js';
import type {
  GrpcRetryPolicy,
  GrpcRouteMetadata,
  HeaderMatchMethod,
  HttpQueryParameter,
  HttpRetryPolicy,
  HttpRouteHeader,
  HttpRouteMatch,
  GrpcRouteMatch,
  Listener,
  PortProtocol,
  RouteSpec,
  WeightedTarget,
} from '../../protocols/generated/appmesh-types.js';
import { apiClusterName, defaultRouteEntryName, egressClusterName, routeEntryName } from '../names.js';
import { DEFAULTS, durationMs, pbDuration, reEscape, T, type Json } from './envoy.js';
import {
  memo,
  providerOf,
  resolveTarget,
  routeFitsProtocol,
  routeMatchPort,
  routesOf,
  type ServicePort,
  type TargetRef,
} from './model.js';

export type Flavour = 'sidecar' | 'proxyless';

export type PathSpec = { kind: 'prefix' | 'exact' | 'regex'; value: string };

export interface MatchIR {
  path: PathSpec;
  /** Envoy HeaderMatchers (App Mesh headers / gRPC metadata). */
  headers: Json[];
  query: Json[];
  method?: string;
  scheme?: string;
}

export interface ActionIR {
  targets: { target: TargetRef; weight: number }[];
  /** App Mesh route (weighted_clusters even for one target, as App Mesh emits) vs. a node provider's single cluster. */
  weighted: boolean;
  /** undefined when the App Mesh route had weighted targets but none resolved (→ 503 / dropped). */
  timeoutMs: number;
  idleMs?: number;
  retry?: Json;
}

export interface RouteIR {
  name: string;
  match: MatchIR;
  action: ActionIR;
}

// ---------------------------------------------------------------------------------------------------------------------
// Matches

export const isTrivialPath = (p: PathSpec) => p.kind === 'prefix' && p.value === '/';
export const isTrivialMatch = (m: MatchIR) =>
  isTrivialPath(m.path) && !m.headers.length && !m.query.length && !m.method && !m.scheme;

export function headerMatcher(name: string, m: HeaderMatchMethod | undefined, invert: boolean | undefined): Json {
  const h: Json = { name };
  if (m?.exact !== undefined) h.string_match = { exact: m.exact };
  else if (m?.prefix !== undefined) h.string_match = { prefix: m.prefix };
  else if (m?.suffix !== undefined) h.string_match = { suffix: m.suffix };
  else if (m?.regex !== undefined) h.string_match = { safe_regex: { regex: m.regex } };
  else if (m?.range !== undefined) h.range_match = { start: m.range.start, end: m.range.end };
  else h.present_match = true;
  if (invert) h.invert_match = true;
  return h;
}

export function queryMatcher(q: HttpQueryParameter): Json {
  return q.match?.exact !== undefined
    ? { name: q.name, string_match: { exact: q.match.exact } }
    : { name: q.name, present_match: true };
}

export function httpPath(m: { prefix?: string; path?: { exact?: string; regex?: string } }): PathSpec {
  if (m.path?.exact !== undefined) return { kind: 'exact', value: m.path.exact };
  if (m.path?.regex !== undefined) return { kind: 'regex', value: m.path.regex };
  return { kind: 'prefix', value: m.prefix ?? '/' };
}

export function httpMatchIR(m: HttpRouteMatch): MatchIR {
  return {
    path: httpPath(m),
    headers: (m.headers ?? []).map((h: HttpRouteHeader) => headerMatcher(h.name, h.match, h.invert)),
    query: (m.queryParameters ?? []).map(queryMatcher),
    ...(m.method ? { method: m.method } : {}),
    ...(m.scheme ? { scheme: m.scheme } : {}),
  };
}

/** gRPC: `/<service>/<method>` paths; metadata are headers. */
export function grpcPath(serviceName: string | undefined, methodName: string | undefined): PathSpec {
  if (serviceName && methodName) return { kind: 'exact', value: `/${serviceName}/${methodName}` };
  if (serviceName) return { kind: 'prefix', value: `/${serviceName}/` };
  if (methodName) return { kind: 'regex', value: `/[^/]+/${reEscape(methodName)}` };
  return { kind: 'prefix', value: '/' };
}

export function grpcMatchIR(m: GrpcRouteMatch): MatchIR {
  return {
    path: grpcPath(m.serviceName, m.methodName),
    headers: (m.metadata ?? []).map((md: GrpcRouteMetadata) => headerMatcher(md.name, md.match, md.invert)),
    query: [],
  };
}

export function pathJson(p: PathSpec): Json {
  switch (p.kind) {
    case 'prefix':
      return { prefix: p.value };
    case 'exact':
      return { path: p.value };
    default:
      return { safe_regex: { regex: p.value } };
  }
}

export function matchJson(m: MatchIR): Json {
  const out: Json = pathJson(m.path);
  const headers = [...m.headers];
  if (m.method) headers.push({ name: ':method', string_match: { exact: m.method } });
  if (m.scheme) headers.push({ name: ':scheme', string_match: { exact: m.scheme } });
  if (headers.length) out.headers = headers;
  if (m.query.length) out.query_parameters = m.query;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Retries

const HTTP_EVENT_CODES = new Map<string, number[]>([
  ['server-error', [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]],
  ['gateway-error', [502, 503, 504]],
  ['client-error', [409]],
]);
const RETRY_ON_ORDER = [
  'connect-failure',
  'refused-stream',
  'reset',
  'retriable-status-codes',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];
const GRPC_EVENTS = new Set(['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable']);

function retryJson(
  on: Set<string>,
  codes: Set<number>,
  numRetries: number,
  perTryMs: number | undefined,
): Json | undefined {
  if (codes.size) on.add('retriable-status-codes');
  if (!on.size || numRetries < 1) return undefined;
  const r: Json = { retry_on: RETRY_ON_ORDER.filter((t) => on.has(t)).join(','), num_retries: numRetries };
  if (perTryMs !== undefined && perTryMs > 0) r.per_try_timeout = pbDuration(perTryMs);
  r.retry_host_predicate = [
    { name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': T.previousHosts } },
  ];
  r.host_selection_retry_max_attempts = 5;
  if (codes.size) r.retriable_status_codes = [...codes].sort((a, b) => a - b);
  return r;
}

/**
 * An App Mesh retry policy as an Envoy RetryPolicy. server-error / gateway-error → their status codes plus `reset` and
 * `refused-stream` (as App Mesh emits them), client-error → 409, stream-error → `refused-stream`, tcp connection-error →
 * `connect-failure`, gRPC events → the same-named Envoy (and grpc-js) retry_on values. maxRetries 0 → no policy.
 * Without a policy: App Mesh's default (2 retries on connect-failure, refused-stream, reset, and 503 / UNAVAILABLE).
 */
export function retryPolicy(
  protocol: PortProtocol,
  policy: HttpRetryPolicy | GrpcRetryPolicy | undefined,
): Json | undefined {
  const on = new Set<string>();
  const codes = new Set<number>();
  if (!policy) {
    for (const t of ['connect-failure', 'refused-stream', 'reset']) on.add(t);
    if (protocol === 'grpc') on.add('unavailable');
    else codes.add(503);
    return retryJson(on, codes, DEFAULTS.maxRetries, undefined);
  }
  for (const e of policy.httpRetryEvents ?? []) {
    const c = HTTP_EVENT_CODES.get(e);
    if (c) {
      for (const x of c) codes.add(x);
      if (e !== 'client-error') {
        on.add('reset');
        on.add('refused-stream');
      }
    } else if (e === 'stream-error') on.add('refused-stream');
  }
  if (policy.tcpRetryEvents?.includes('connection-error')) on.add('connect-failure');
  for (const e of (policy as GrpcRetryPolicy).grpcRetryEvents ?? []) if (GRPC_EVENTS.has(e)) on.add(e);
  return retryJson(on, codes, policy.maxRetries, durationMs(policy.perRetryTimeout));
}

// ---------------------------------------------------------------------------------------------------------------------
// Actions

function weightedTargets(s: MeshSnapshot, targets: readonly WeightedTarget[]): ActionIR['targets'] {
  const out: ActionIR['targets'] = [];
  for (const t of targets) {
    const target = resolveTarget(s, t.virtualNode, t.port);
    if (target) out.push({ target, weight: t.weight });
  }
  return out;
}

/** perRequest / idle of a listener's timeout for its protocol. */
export function listenerTimeouts(l: Listener): { perRequestMs?: number; idleMs?: number } {
  const t = l.timeout;
  const proto = l.portMapping.protocol;
  const pt = proto === 'http' ? t?.http : proto === 'http2' ? t?.http2 : proto === 'grpc' ? t?.grpc : undefined;
  const idle = proto === 'tcp' ? t?.tcp?.idle : pt?.idle;
  const out: { perRequestMs?: number; idleMs?: number } = {};
  const pr = durationMs(pt?.perRequest);
  const id = durationMs(idle);
  if (pr !== undefined) out.perRequestMs = pr;
  if (id !== undefined) out.idleMs = id;
  return out;
}

/** One App Mesh route (http/http2/grpc) as RouteIR; undefined for tcp routes. */
export function routeIR(s: MeshSnapshot, router: string, name: string, spec: RouteSpec): RouteIR | undefined {
  const http = spec.httpRoute ?? spec.http2Route;
  if (http) {
    const protocol: PortProtocol = spec.httpRoute ? 'http' : 'http2';
    const action: ActionIR = {
      targets: weightedTargets(s, http.action.weightedTargets),
      weighted: true,
      timeoutMs: durationMs(http.timeout?.perRequest) ?? DEFAULTS.perRequestTimeoutMs,
    };
    const idle = durationMs(http.timeout?.idle);
    if (idle !== undefined) action.idleMs = idle;
    const retry = retryPolicy(protocol, http.retryPolicy);
    if (retry) action.retry = retry;
    return { name: routeEntryName(router, name), match: httpMatchIR(http.match), action };
  }
  const grpc = spec.grpcRoute;
  if (grpc) {
    const action: ActionIR = {
      targets: weightedTargets(s, grpc.action.weightedTargets),
      weighted: true,
      timeoutMs: durationMs(grpc.timeout?.perRequest) ?? DEFAULTS.perRequestTimeoutMs,
    };
    const idle = durationMs(grpc.timeout?.idle);
    if (idle !== undefined) action.idleMs = idle;
    const retry = retryPolicy('grpc', grpc.retryPolicy);
    if (retry) action.retry = retry;
    return { name: routeEntryName(router, name), match: grpcMatchIR(grpc.match), action };
  }
  return undefined;
}

/** The single catch-all route of a virtual service provided directly by a virtual node. */
export function nodeProviderRouteIR(target: TargetRef): RouteIR {
  const t = listenerTimeouts(target.listener);
  const action: ActionIR = {
    targets: [{ target, weight: 1 }],
    weighted: false,
    timeoutMs: t.perRequestMs ?? DEFAULTS.perRequestTimeoutMs,
  };
  if (t.idleMs !== undefined) action.idleMs = t.idleMs;
  const retry = retryPolicy(target.listener.portMapping.protocol, undefined);
  if (retry) action.retry = retry;
  return {
    name: defaultRouteEntryName(target.vn.name),
    match: { path: { kind: 'prefix', value: '/' }, headers: [], query: [] },
    action,
  };
}

export function clusterNameOf(mesh: string, t: TargetRef, flavour: Flavour): string {
  const { protocol, port } = t.listener.portMapping;
  return flavour === 'sidecar'
    ? egressClusterName(mesh, t.vn.name, protocol, port)
    : apiClusterName(mesh, t.vn.name, protocol, port);
}

export interface RouteExtras {
  prefixRewrite?: string;
  pathRewrite?: string;
  hostRewrite?: string;
}

/**
 * RouteIR → Envoy Route. Sidecar: a route whose targets all failed to resolve answers 503 (keeps App Mesh's order:
 * a later route must not catch its traffic). Proxyless: such routes, and routes grpc-js cannot evaluate (query
 * parameters, a method other than POST, scheme https), are dropped (undefined).
 */
export function emitRoute(
  mesh: string,
  ir: RouteIR,
  match: MatchIR,
  flavour: Flavour,
  extras: RouteExtras = {},
): Json | undefined {
  let m = match;
  if (flavour === 'proxyless') {
    if (m.query.length || (m.method && m.method !== 'POST') || m.scheme === 'https') return undefined;
    m = { path: m.path, headers: m.headers, query: [] };
  }
  const targets = ir.action.targets;
  const total = targets.reduce((n, t) => n + t.weight, 0);
  if (!targets.length || total === 0) {
    return flavour === 'sidecar' ? { name: ir.name, match: matchJson(m), direct_response: { status: 503 } } : undefined;
  }
  const route: Json = {};
  const only = targets[0];
  if (!ir.action.weighted && targets.length === 1 && only) route.cluster = clusterNameOf(mesh, only.target, flavour);
  else
    route.weighted_clusters = {
      clusters: targets.map((t) => ({ name: clusterNameOf(mesh, t.target, flavour), weight: t.weight })),
    };
  if (extras.prefixRewrite !== undefined) route.prefix_rewrite = extras.prefixRewrite;
  if (extras.pathRewrite !== undefined)
    route.regex_rewrite = { pattern: { regex: '^/.*$' }, substitution: extras.pathRewrite };
  if (extras.hostRewrite !== undefined) route.host_rewrite_literal = extras.hostRewrite;
  if (flavour === 'sidecar') {
    route.timeout = pbDuration(ir.action.timeoutMs);
    if (ir.action.idleMs !== undefined) route.idle_timeout = pbDuration(ir.action.idleMs);
  } else if (ir.action.timeoutMs > 0) {
    route.max_stream_duration = { max_stream_duration: pbDuration(ir.action.timeoutMs) };
  }
  if (ir.action.retry) route.retry_policy = ir.action.retry;
  return { name: ir.name, match: matchJson(m), route };
}

// ---------------------------------------------------------------------------------------------------------------------
// A virtual service on one port

export interface ServiceRoutes {
  /** Routes in match order (IR, before emission). */
  irs: RouteIR[];
  /** The TCP route's targets, for a tcp port (highest-priority tcp route only). */
  tcp?: { targets: ActionIR['targets']; idleMs?: number };
}

/** The routes of a virtual service on one of its ports, memoized per snapshot. */
export function serviceRoutes(s: MeshSnapshot, vsName: string, sp: ServicePort): ServiceRoutes {
  return memo(s, `svc\0${vsName}\0${sp.port}\0${sp.protocol}`, () => {
    const provider = providerOf(s, vsName);
    if (provider.kind === 'virtualNode') {
      const target = resolveTarget(s, provider.name, sp.port);
      if (!target) return { irs: [] };
      if (sp.protocol === 'tcp') {
        const idle = listenerTimeouts(target.listener).idleMs;
        return {
          irs: [],
          tcp:
            idle === undefined
              ? { targets: [{ target, weight: 1 }] }
              : { targets: [{ target, weight: 1 }], idleMs: idle },
        };
      }
      return { irs: [nodeProviderRouteIR(target)] };
    }
    if (provider.kind === 'none') return { irs: [] };
    const out: ServiceRoutes = { irs: [] };
    for (const r of routesOf(s, provider.name)) {
      if (!routeFitsProtocol(r.spec, sp.protocol)) continue;
      const mp = routeMatchPort(r.spec);
      if (mp !== undefined && mp !== sp.port) continue;
      if (r.spec.tcpRoute) {
        if (!out.tcp) {
          const idle = durationMs(r.spec.tcpRoute.timeout?.idle);
          const targets = weightedTargets(s, r.spec.tcpRoute.action.weightedTargets);
          out.tcp = idle === undefined ? { targets } : { targets, idleMs: idle };
        }
        continue;
      }
      const ir = routeIR(s, provider.name, r.name, r.spec);
      if (ir) out.irs.push(ir);
    }
    return out;
  });
}

/** Envoy routes of a virtual service on a port, plus the targets they reference. */
export function serviceVirtualHostRoutes(
  s: MeshSnapshot,
  vsName: string,
  sp: ServicePort,
  flavour: Flavour,
): { routes: Json[]; targets: TargetRef[] } {
  return memo(s, `vh\0${flavour}\0${vsName}\0${sp.port}\0${sp.protocol}`, () => {
    const { irs } = serviceRoutes(s, vsName, sp);
    const routes: Json[] = [];
    const targets: TargetRef[] = [];
    for (const ir of irs) {
      const r = emitRoute(s.meshName, ir, ir.match, flavour);
      if (!r) continue;
      routes.push(r);
      if (r.route) for (const t of ir.action.targets) targets.push(t.target);
    }
    return { routes, targets };
  });
}

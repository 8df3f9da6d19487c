// A virtual gateway's Envoy: one listener per gateway listener, gateway routes straight to the target's clusters.
//
// App Mesh loops every gateway request back through the gateway's own egress listener (`self_redirect` cluster →
// 127.0.0.1:15001) so the target virtual service's routes run on the rewritten request. We route in one hop instead:
// each gateway route G is combined with each route r of the target virtual service (in order) into one Envoy route
// whose match is "G matches the request and r matches the request after G's rewrite":
//   - no path rewrite: both path conditions must hold; literal prefixes/paths are intersected, otherwise r's path is the
//     route's path matcher and G's becomes a `:path` header matcher (`(\?.*)?` admits the query string);
//   - prefix rewrite P → Q: r's prefix / exact path is mapped back through the rewrite (Q+s ⇐ P+s) and the Envoy
//     prefix_rewrite is adjusted; an r with a path regex cannot be mapped back and is skipped (documented limitation);
//   - path rewrite → X: r's path condition is evaluated on X once, here; G's match is kept.
// Headers, query parameters and methods of both are required. A request that G matches but none of the target's routes
// gets 404 (as App Mesh, where the egress side finds no route) instead of falling through to the next gateway route.
// Known differences: r's header matches on `host`/`:authority` see the original host (not the rewritten one); the
// gateway listener's health check is not translated (App Mesh applies it to the self-redirect cluster, which does not
// exist here); the listener's connection pool becomes the circuit breakers of the clusters its routes reach (the
// smallest limit wins when listeners share a cluster).
import type { MeshSnapshot, SnapshotResource } from '../../mesh/snapshot.js';
import type {
  GatewayRouteHostnameMatch,
  GatewayRouteSpec,
  HttpGatewayRoute,
  GrpcGatewayRoute,
  VirtualGatewayListener,
  VirtualGatewaySpec,
  VirtualGatewayPortProtocol,
} from '../../protocols/generated/appmesh-types.js';
import {
  ANY_ADDRESS,
  gatewayListenerName,
  gatewayRouteEntryName,
  gatewayVirtualHostName,
  ingressFilterChainName,
  routeConfigName,
} from '../names.js';
import { TypeUrl, type ProxyConfig, type TranslateOptions } from './types.js';
import { cmpStr, reEscape, socketAddress, T, type Json } from './envoy.js';
import { egressCluster, type CircuitLimits } from './clusters.js';
import { compareByPriority, gatewayRoutesOf, providerOf, resolveTarget, type TargetRef } from './model.js';
import {
  clusterNameOf,
  emitRoute,
  grpcPath,
  headerMatcher,
  httpPath,
  isTrivialMatch,
  isTrivialPath,
  matchJson,
  nodeProviderRouteIR,
  queryMatcher,
  serviceRoutes,
  type MatchIR,
  type PathSpec,
  type RouteExtras,
  type RouteIR,
} from './routes.js';
import { accessLogCluster, accessLogs, httpConnectionManager, tlsFilterChains } from './sidecar.js';
import {
  acmClientWarning,
  acmListenerWarning,
  applicableClientTls,
  listenerTlsPlan,
  upstreamTransportSocket,
} from './tls.js';

type Rewrite = { kind: 'none' } | { kind: 'prefix'; from: string; to: string } | { kind: 'path'; to: string };

interface GatewayIR {
  name: string;
  spec: GatewayRouteSpec;
  match: MatchIR;
  rewrite: Rewrite;
  hostRewrite?: string;
  virtualService: string;
  port?: number;
}

function hostnameMatcher(h: GatewayRouteHostnameMatch | undefined): Json[] {
  if (h?.exact !== undefined) return [{ name: ':authority', string_match: { exact: h.exact, ignore_case: true } }];
  if (h?.suffix !== undefined) return [{ name: ':authority', string_match: { suffix: h.suffix, ignore_case: true } }];
  return [];
}

function gatewayIR(name: string, spec: GatewayRouteSpec): GatewayIR | undefined {
  const http: HttpGatewayRoute | undefined = spec.httpRoute ?? spec.http2Route;
  const grpc: GrpcGatewayRoute | undefined = spec.grpcRoute;
  const route = http ?? grpc;
  if (!route) return undefined;
  const target = route.action.target;
  const hostRewrite =
    route.action.rewrite?.hostname?.defaultTargetHostname === 'DISABLED'
      ? undefined
      : target.virtualService.virtualServiceName;
  let match: MatchIR;
  let rewrite: Rewrite = { kind: 'none' };
  if (http) {
    const m = http.match;
    const path = httpPath(m);
    match = {
      path,
      headers: [
        ...hostnameMatcher(m.hostname),
        ...(m.headers ?? []).map((h) => headerMatcher(h.name, h.match, h.invert)),
      ],
      query: (m.queryParameters ?? []).map(queryMatcher),
      ...(m.method ? { method: m.method } : {}),
    };
    const rw = http.action.rewrite;
    if (rw?.path?.exact !== undefined) rewrite = { kind: 'path', to: rw.path.exact };
    else if (path.kind === 'prefix' && m.path === undefined) {
      if (rw?.prefix?.value !== undefined) rewrite = { kind: 'prefix', from: path.value, to: rw.prefix.value };
      else if (rw?.prefix?.defaultPrefix !== 'DISABLED' && path.value !== '/')
        rewrite = { kind: 'prefix', from: path.value, to: '/' };
    }
  } else {
    const m = grpc!.match;
    match = {
      path: grpcPath(m.serviceName, undefined),
      headers: [
        ...hostnameMatcher(m.hostname),
        ...(m.metadata ?? []).map((md) => headerMatcher(md.name, md.match, md.invert)),
      ],
      query: [],
    };
  }
  const ir: GatewayIR = { name, spec, match, rewrite, virtualService: target.virtualService.virtualServiceName };
  if (hostRewrite !== undefined) ir.hostRewrite = hostRewrite;
  if (target.port !== undefined) ir.port = target.port;
  return ir;
}

/** Longest path first within a priority: the length of the literal prefix/path (regex: 0). */
const specificity = (p: PathSpec) => (p.kind === 'regex' ? 0 : p.value.length);

function compareGateway(a: GatewayIR, b: GatewayIR): number {
  const pa = a.spec.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.spec.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  const sa = specificity(a.match.path);
  const sb = specificity(b.match.path);
  if (sa !== sb) return sb - sa;
  return compareByPriority({ name: a.name, spec: {} }, { name: b.name, spec: {} });
}

/** Intersection of two literal path conditions: the narrower one, null when disjoint, undefined when not literal. */
function intersect(a: PathSpec, b: PathSpec): PathSpec | null | undefined {
  if (a.kind === 'regex' || b.kind === 'regex') return undefined;
  if (a.kind === 'prefix' && b.kind === 'prefix')
    return a.value.startsWith(b.value) ? a : b.value.startsWith(a.value) ? b : null;
  if (a.kind === 'exact' && b.kind === 'exact') return a.value === b.value ? a : null;
  const [e, p] = a.kind === 'exact' ? [a, b] : [b, a];
  return e.value.startsWith(p.value) ? e : null;
}

/** A path condition as a `:path` header matcher (`:path` carries the query string). */
function pathHeader(p: PathSpec): Json {
  if (p.kind === 'prefix') return { name: ':path', string_match: { prefix: p.value } };
  const re = p.kind === 'exact' ? reEscape(p.value) : `(?:${p.value})`;
  return { name: ':path', string_match: { safe_regex: { regex: `${re}(?:\\?.*)?` } } };
}

/** Does a (rewritten, constant) path satisfy a path condition? Regexes are evaluated with JavaScript's engine. */
function pathHolds(p: PathSpec, path: string): boolean {
  if (p.kind === 'prefix') return path.startsWith(p.value);
  if (p.kind === 'exact') return path === p.value;
  try {
    return new RegExp(`^(?:${p.value})$`).test(path);
  } catch {
    return false;
  }
}

function combine(g: GatewayIR, r: RouteIR): { match: MatchIR; extras: RouteExtras } | undefined {
  const rm = r.match;
  if (g.match.method && rm.method && g.match.method !== rm.method) return undefined;
  const headers = [...g.match.headers, ...rm.headers];
  const extras: RouteExtras = {};
  if (g.hostRewrite !== undefined) extras.hostRewrite = g.hostRewrite;
  let path: PathSpec;
  const rw = g.rewrite;
  if (rw.kind === 'none') {
    if (isTrivialPath(rm.path)) path = g.match.path;
    else if (isTrivialPath(g.match.path)) path = rm.path;
    else {
      const lit = intersect(g.match.path, rm.path);
      if (lit === null) return undefined;
      if (lit) path = lit;
      else {
        path = rm.path;
        headers.unshift(pathHeader(g.match.path));
      }
    }
  } else if (rw.kind === 'prefix') {
    const p = rm.path;
    if (p.kind === 'regex') return undefined;
    if (p.value.startsWith(rw.to)) {
      path = { kind: p.kind, value: rw.from + p.value.slice(rw.to.length) };
      extras.prefixRewrite = p.value;
    } else if (p.kind === 'prefix' && rw.to.startsWith(p.value)) {
      path = g.match.path;
      extras.prefixRewrite = rw.to;
    } else return undefined;
  } else {
    if (!pathHolds(rm.path, rw.to)) return undefined;
    path = g.match.path;
    extras.pathRewrite = rw.to;
  }
  const method = g.match.method ?? rm.method;
  const match: MatchIR = { path, headers, query: [...g.match.query, ...rm.query] };
  if (method) match.method = method;
  if (rm.scheme) match.scheme = rm.scheme;
  return { match, extras };
}

interface ListenerBuild {
  routes: Json[];
  targets: TargetRef[];
}

function gatewayRoutesForListener(
  s: MeshSnapshot,
  vg: SnapshotResource<VirtualGatewaySpec>,
  l: VirtualGatewayListener,
): ListenerBuild {
  const { port, protocol } = l.portMapping;
  const irs: GatewayIR[] = [];
  for (const gr of gatewayRoutesOf(s, vg.name)) {
    const spec = gr.spec;
    const fits = protocol === 'http' ? spec.httpRoute : protocol === 'http2' ? spec.http2Route : spec.grpcRoute;
    if (!fits) continue;
    if (fits.match.port !== undefined && fits.match.port !== port) continue;
    const ir = gatewayIR(gr.name, spec);
    if (ir) irs.push(ir);
  }
  irs.sort(compareGateway);
  const out: ListenerBuild = { routes: [], targets: [] };
  const mesh = s.meshName;
  for (const g of irs) {
    const provider = providerOf(s, g.virtualService);
    const sp = g.port === undefined ? provider.ports[0] : provider.ports.find((p) => p.port === g.port);
    const targetRoutes: RouteIR[] = [];
    if (sp && provider.kind === 'virtualNode') {
      const t = resolveTarget(s, provider.name, sp.port);
      if (t) targetRoutes.push(nodeProviderRouteIR(t));
    } else if (sp && provider.kind === 'virtualRouter' && sp.protocol !== 'tcp') {
      targetRoutes.push(...serviceRoutes(s, g.virtualService, sp).irs);
    }
    if (!sp || !targetRoutes.length) {
      out.routes.push({
        name: gatewayRouteEntryName(vg.name, g.name),
        match: matchJson(g.match),
        direct_response: { status: 503 },
      });
      continue;
    }
    let coversAll = false;
    for (const r of targetRoutes) {
      const c = combine(g, r);
      if (!c) continue;
      const route = emitRoute(
        mesh,
        { ...r, name: gatewayRouteEntryName(vg.name, g.name, r.name) },
        c.match,
        'sidecar',
        c.extras,
      );
      if (!route) continue;
      out.routes.push(route);
      if (route.route) for (const t of r.action.targets) out.targets.push(t.target);
      if (isTrivialMatch(r.match)) {
        coversAll = true;
        break;
      }
    }
    if (!coversAll)
      out.routes.push({
        name: gatewayRouteEntryName(vg.name, g.name, 'no-route'),
        match: matchJson(g.match),
        direct_response: { status: 404 },
      });
  }
  return out;
}

function limitsOf(l: VirtualGatewayListener): CircuitLimits | undefined {
  const p = l.connectionPool;
  if (p?.http)
    return p.http.maxPendingRequests !== undefined
      ? { maxConnections: p.http.maxConnections, maxPendingRequests: p.http.maxPendingRequests }
      : { maxConnections: p.http.maxConnections };
  if (p?.http2) return { maxRequests: p.http2.maxRequests };
  if (p?.grpc) return { maxRequests: p.grpc.maxRequests };
  return undefined;
}

function minLimits(a: CircuitLimits | undefined, b: CircuitLimits | undefined): CircuitLimits | undefined {
  if (!a) return b;
  if (!b) return a;
  const out: CircuitLimits = {};
  for (const k of ['maxConnections', 'maxPendingRequests', 'maxRequests'] as const) {
    const v = a[k] === undefined ? b[k] : b[k] === undefined ? a[k] : Math.min(a[k]!, b[k]!);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function translateVirtualGateway(
  s: MeshSnapshot,
  vg: SnapshotResource<VirtualGatewaySpec>,
  opts: TranslateOptions = {},
): ProxyConfig {
  const out: ProxyConfig = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  const logs = accessLogs(vg.spec.logging, opts);
  const targets = new Map<string, { target: TargetRef; limits: CircuitLimits | undefined }>();
  const seen = new Set<number>();
  const listeners = [...vg.spec.listeners].sort((a, b) => a.portMapping.port - b.portMapping.port);
  for (const l of listeners) {
    const { port, protocol } = l.portMapping;
    if (seen.has(port)) continue;
    seen.add(port);
    const plan = listenerTlsPlan(l.tls);
    const warning = acmListenerWarning(`virtual gateway ${vg.name}`, port, protocol, plan);
    if (warning) (out.warnings ??= []).push(warning);
    if (plan.kind === 'refused') continue; // no listener on this port: connections to it are refused
    const proto = protocol as VirtualGatewayPortProtocol;
    const rc = routeConfigName('ingress', proto, port);
    const built = gatewayRoutesForListener(s, vg, l);
    out.routes.push({
      name: rc,
      typeUrl: TypeUrl.route,
      resource: {
        name: rc,
        virtual_hosts: [{ name: gatewayVirtualHostName(vg.name), domains: ['*'], routes: built.routes }],
      },
    });
    const limits = limitsOf(l);
    for (const t of built.targets) {
      const name = clusterNameOf(s.meshName, t, 'sidecar');
      const prev = targets.get(name);
      targets.set(name, { target: t, limits: prev ? minLimits(prev.limits, limits) : limits });
    }
    const hcm = httpConnectionManager('ingress', rc, logs, { strip_any_host_port: true });
    const tls = plan.kind === 'tls';
    const name = gatewayListenerName(port);
    out.listeners.push({
      name,
      typeUrl: TypeUrl.listener,
      resource: {
        name,
        address: socketAddress(ANY_ADDRESS, port),
        ...(tls
          ? {
              listener_filters: [
                { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': T.tlsInspector } },
              ],
            }
          : {}),
        traffic_direction: 'INBOUND',
        filter_chains: tlsFilterChains(
          { name: ingressFilterChainName(proto, port), match: { destination_port: port }, filters: [hcm] },
          plan,
          proto,
          ingressFilterChainName(proto, port, 'tls'),
          ingressFilterChainName(proto, port, 'plaintext'),
        ),
      },
    });
  }
  const policy = vg.spec.backendDefaults?.clientPolicy?.tls;
  for (const name of [...targets.keys()].sort(cmpStr)) {
    const { target: t, limits } = targets.get(name)!;
    const { port, protocol } = t.listener.portMapping;
    const applicable = applicableClientTls(policy, port);
    if (applicable === 'acm') {
      // Fails closed: without the cluster, routes to it answer 503 instead of reaching the target unverified.
      (out.warnings ??= []).push(acmClientWarning(`virtual gateway ${vg.name}`, 'backend defaults', name));
      continue;
    }
    const ts = upstreamTransportSocket(applicable, { vn: t.vn.spec, protocol, listenerTls: t.listener.tls });
    const c = egressCluster(s, t, 'sidecar', ts, limits);
    out.clusters.push(c.cluster);
    if (c.endpoints) out.endpoints.push(c.endpoints);
  }
  if (out.listeners.length) accessLogCluster(opts, out);
  return out;
}

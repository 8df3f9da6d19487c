// A small, pure "request walker": follows a request through a ProxyConfig the way Envoy (or grpc-js-xds, for API
// listeners) would — listener → filter chain → route configuration → virtual host → first matching route → clusters —
// so tests can assert where requests land. It implements the Envoy semantics translation relies on (a simplified
// filter-chain match, domain matching, path/header/query matchers, prefix/regex/host rewrites), not all of Envoy.
import type { EnvoyResource, ProxyConfig } from '../../../src/xds/translate/types.js';

type Json = Record<string, any>;

export interface WalkRequest {
  /** Port of the listener the connection arrives on (15000, 15001, a gateway port). */
  listenerPort?: number;
  /** Original destination port (iptables-redirected traffic); defaults to listenerPort. */
  destinationPort?: number;
  /** Proxyless: the API listener name (`<vs>:<port>`). */
  apiListener?: string;
  authority?: string;
  path?: string;
  method?: string;
  scheme?: string;
  headers?: Record<string, string>;
  /** TLS SNI; `tls` selects transport_protocol "tls" (else "raw_buffer"). */
  serverName?: string;
  tls?: boolean;
}

export interface WalkResult {
  failure?: 'no listener' | 'no filter chain' | 'no route config' | 'no virtual host' | 'no route';
  listener?: string;
  filterChain?: string;
  /** 'http' (HCM) or 'tcp' (tcp_proxy). */
  kind?: 'http' | 'tcp';
  transportSocket?: Json;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  routeJson?: Json;
  directResponse?: number;
  /** The clusters the request may go to, with weights (a single cluster has weight 1). */
  clusters: { name: string; weight: number }[];
  /** The request as forwarded (after rewrites). */
  forwarded?: { path: string; authority: string };
}

const byName = (rs: EnvoyResource[], name: string) => rs.find((r) => r.name === name)?.resource as Json | undefined;

export function clusterOf(c: ProxyConfig, name: string): Json | undefined {
  return byName(c.clusters, name);
}
export function endpointsOf(c: ProxyConfig, name: string): Json | undefined {
  return byName(c.endpoints, name);
}

function fullMatch(regex: string, s: string): boolean {
  return new RegExp(`^(?:${regex})$`).test(s);
}

function stringMatch(m: Json, v: string): boolean {
  const ic = m.ignore_case === true;
  const val = ic ? v.toLowerCase() : v;
  const norm = (x: string) => (ic ? x.toLowerCase() : x);
  if (m.exact !== undefined) return val === norm(m.exact);
  if (m.prefix !== undefined) return val.startsWith(norm(m.prefix));
  if (m.suffix !== undefined) return val.endsWith(norm(m.suffix));
  if (m.contains !== undefined) return val.includes(norm(m.contains));
  if (m.safe_regex !== undefined) return fullMatch(m.safe_regex.regex, v);
  throw new Error(`walker: unsupported string matcher ${JSON.stringify(m)}`);
}

function serverNameMatches(pattern: string, sni: string | undefined): boolean {
  if (sni === undefined) return false;
  return pattern.startsWith('*.') ? sni.endsWith(pattern.slice(1)) : pattern === sni;
}

/** Envoy's filter chain match, simplified: destination port, then server names, then transport protocol. */
function selectChain(listener: Json, req: WalkRequest): Json | undefined {
  const chains: Json[] = listener.filter_chains ?? [];
  const dport = req.destinationPort ?? req.listenerPort;
  let cands = chains.filter((c) => c.filter_chain_match?.destination_port === dport);
  if (!cands.length) cands = chains.filter((c) => c.filter_chain_match?.destination_port === undefined);
  const withSni = cands.filter((c) =>
    (c.filter_chain_match?.server_names ?? []).some((p: string) => serverNameMatches(p, req.serverName)),
  );
  cands = withSni.length ? withSni : cands.filter((c) => !(c.filter_chain_match?.server_names ?? []).length);
  const tp = req.tls ? 'tls' : 'raw_buffer';
  const withTp = cands.filter((c) => c.filter_chain_match?.transport_protocol === tp);
  cands = withTp.length ? withTp : cands.filter((c) => c.filter_chain_match?.transport_protocol === undefined);
  return cands[0] ?? listener.default_filter_chain;
}

function domainScore(domain: string, host: string): number {
  if (domain === host) return 1e6;
  if (domain === '*') return 1;
  if (domain.startsWith('*') && host.endsWith(domain.slice(1))) return 1e5 + domain.length;
  if (domain.endsWith('*') && host.startsWith(domain.slice(0, -1))) return 1e4 + domain.length;
  return 0;
}

function selectVirtualHost(rc: Json, host: string): Json | undefined {
  let best: Json | undefined;
  let score = 0;
  for (const vh of rc.virtual_hosts ?? []) {
    for (const d of vh.domains as string[]) {
      const s = domainScore(d, host);
      if (s > score) {
        score = s;
        best = vh;
      }
    }
  }
  return best;
}

interface Req {
  path: string;
  query: Map<string, string>;
  headers: Map<string, string>;
}

function headerMatches(h: Json, req: Req): boolean {
  const v = req.headers.get(String(h.name).toLowerCase());
  let ok: boolean;
  if (h.present_match !== undefined) ok = v !== undefined;
  else if (v === undefined) ok = false;
  else if (h.string_match) ok = stringMatch(h.string_match, v);
  else if (h.range_match) {
    ok = /^-?\d+$/.test(v) && BigInt(v) >= BigInt(h.range_match.start) && BigInt(v) < BigInt(h.range_match.end);
  } else if (h.exact_match !== undefined) ok = v === h.exact_match;
  else throw new Error(`walker: unsupported header matcher ${JSON.stringify(h)}`);
  return h.invert_match === true ? !ok : ok;
}

function routeMatches(m: Json, req: Req): boolean {
  const pathOnly = req.path.split('?')[0]!;
  if (m.prefix !== undefined) {
    if (!req.path.startsWith(m.prefix)) return false;
  } else if (m.path !== undefined) {
    if (pathOnly !== m.path) return false;
  } else if (m.safe_regex !== undefined) {
    if (!fullMatch(m.safe_regex.regex, pathOnly)) return false;
  } else throw new Error(`walker: unsupported path specifier ${JSON.stringify(m)}`);
  for (const h of m.headers ?? []) if (!headerMatches(h, req)) return false;
  for (const q of m.query_parameters ?? []) {
    const v = req.query.get(q.name);
    if (q.present_match !== undefined) {
      if (v === undefined) return false;
    } else if (v === undefined || !stringMatch(q.string_match, v)) return false;
  }
  return true;
}

function rewrite(route: Json, m: Json, path: string, authority: string): { path: string; authority: string } {
  const action = route.route as Json;
  const [p, q] = path.includes('?') ? [path.slice(0, path.indexOf('?')), path.slice(path.indexOf('?'))] : [path, ''];
  let out = path;
  if (action.prefix_rewrite !== undefined) {
    out = m.prefix !== undefined ? action.prefix_rewrite + path.slice(m.prefix.length) : action.prefix_rewrite + q;
  } else if (action.regex_rewrite !== undefined) {
    out = p.replace(new RegExp(action.regex_rewrite.pattern.regex), action.regex_rewrite.substitution) + q;
  }
  return { path: out, authority: action.host_rewrite_literal ?? authority };
}

function httpWalk(config: ProxyConfig, hcm: Json, req: WalkRequest, res: WalkResult): WalkResult {
  const rcName: string | undefined = hcm.rds?.route_config_name;
  const rc = rcName ? byName(config.routes, rcName) : hcm.route_config;
  if (!rc) return { ...res, failure: 'no route config' };
  res.routeConfig = rc.name;
  let authority = req.authority ?? '';
  if (hcm.strip_any_host_port === true) authority = authority.replace(/:\d+$/, '');
  const vh = selectVirtualHost(rc, authority);
  if (!vh) return { ...res, failure: 'no virtual host' };
  res.virtualHost = vh.name;
  const path = req.path ?? '/';
  const query = new Map<string, string>();
  const qs = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  for (const kv of qs.split('&').filter(Boolean)) {
    const [k, v = ''] = kv.split('=');
    if (k !== undefined && !query.has(k)) query.set(decodeURIComponent(k), decodeURIComponent(v));
  }
  const headers = new Map<string, string>(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  headers.set(':authority', authority);
  headers.set(':path', path);
  headers.set(':method', req.method ?? (req.apiListener ? 'POST' : 'GET'));
  headers.set(':scheme', req.scheme ?? 'http');
  const r: Req = { path, query, headers };
  for (const route of vh.routes ?? []) {
    if (!routeMatches(route.match, r)) continue;
    res.route = route.name;
    res.routeJson = route;
    if (route.direct_response) return { ...res, directResponse: route.direct_response.status };
    const a = route.route as Json;
    res.clusters =
      a.cluster !== undefined
        ? [{ name: a.cluster, weight: 1 }]
        : (a.weighted_clusters.clusters as Json[]).map((c) => ({ name: c.name, weight: c.weight ?? 0 }));
    res.forwarded = rewrite(route, route.match, path, authority);
    return res;
  }
  return { ...res, failure: 'no route' };
}

export function walk(config: ProxyConfig, req: WalkRequest): WalkResult {
  const res: WalkResult = { clusters: [] };
  if (req.apiListener !== undefined) {
    const l = byName(config.listeners, req.apiListener);
    if (!l?.api_listener) return { ...res, failure: 'no listener' };
    res.listener = l.name;
    res.kind = 'http';
    return httpWalk(config, l.api_listener.api_listener, { ...req, authority: req.authority ?? req.apiListener }, res);
  }
  const l = config.listeners
    .map((x) => x.resource as Json)
    .find((x) => x.address?.socket_address?.port_value === req.listenerPort);
  if (!l) return { ...res, failure: 'no listener' };
  res.listener = l.name;
  const chain = selectChain(l, req);
  if (!chain) return { ...res, failure: 'no filter chain' };
  res.filterChain = chain.name;
  if (chain.transport_socket) res.transportSocket = chain.transport_socket;
  const filter = (chain.filters as Json[])[0]!;
  const cfg = filter.typed_config as Json;
  if (String(cfg['@type']).endsWith('.TcpProxy')) {
    res.kind = 'tcp';
    res.clusters =
      cfg.cluster !== undefined
        ? [{ name: cfg.cluster, weight: 1 }]
        : (cfg.weighted_clusters.clusters as Json[]).map((c) => ({ name: c.name, weight: c.weight }));
    return res;
  }
  res.kind = 'http';
  return httpWalk(config, cfg, req, res);
}

/** The single cluster a walk ends at (asserts there is exactly one). */
export function landsOn(r: WalkResult): string {
  if (r.failure) return `<${r.failure}>`;
  if (r.directResponse !== undefined) return `<${r.directResponse}>`;
  if (r.clusters.length !== 1)
    throw new Error(`walk ends at ${r.clusters.length} clusters: ${JSON.stringify(r.clusters)}`);
  return r.clusters[0]!.name;
}

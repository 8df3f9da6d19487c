// A virtual node's sidecar Envoy: ingress listener 15000 → local app, egress listener 15001 → backends.
import type { MeshSnapshot, SnapshotResource } from '../../mesh/snapshot.js';
import type {
  ClientPolicyTls,
  LoggingFormat,
  PortProtocol,
  VirtualNodeSpec,
} from '../../protocols/generated/appmesh-types.js';
import {
  ACCESS_LOG_CLUSTER_NAME,
  allowAllClusterName,
  allowAllFilterChainName,
  amazonawsClusterName,
  amazonawsFilterChainName,
  EGRESS_PORT,
  egressFilterChainName,
  egressListenerName,
  ingressClusterName,
  ingressFilterChainName,
  ingressListenerName,
  ingressRouteEntryName,
  ingressVirtualHostName,
  INGRESS_PORT,
  routeConfigName,
  serviceVirtualHostName,
  virtualServiceDomains,
} from '../names.js';
import { TypeUrl, type EnvoyResource, type ProxyConfig, type TranslateOptions } from './types.js';
import { isIP } from 'node:net';
import {
  adsConfigSource,
  circuitBreakers,
  DEFAULTS,
  fileAccessLog,
  grpcAccessLog,
  http2ProtocolOptions,
  lbEndpoint,
  listenAddress,
  loopback,
  pbDuration,
  routerFilter,
  socketAddress,
  T,
  type Json,
} from './envoy.js';
import { egressCluster, healthChecks, type ClusterBuild } from './clusters.js';
import { ipPreferenceOf, memo, providerOf, type ServicePort, type TargetRef } from './model.js';
import { clusterNameOf, listenerTimeouts, serviceRoutes, serviceVirtualHostRoutes } from './routes.js';
import {
  acmClientWarning,
  acmListenerWarning,
  applicableClientTls,
  downstreamTransportSocket,
  listenerTlsPlan,
  upstreamTransportSocket,
  type ListenerTlsPlan,
} from './tls.js';

const isHttp = (p: PortProtocol) => p !== 'tcp';

/** The access logs of one proxy: the file log its spec asks for, and the gRPC service when appmeshd offers one. */
export interface AccessLogs {
  file: Json[];
  grpcCluster?: string;
}

export function accessLogs(
  logging: { accessLog?: { file?: { path: string; format?: LoggingFormat } } } | undefined,
  opts: TranslateOptions = {},
): AccessLogs {
  const f = logging?.accessLog?.file;
  return {
    file: f ? [fileAccessLog(f.path, f.format)] : [],
    ...(opts.accessLogService ? { grpcCluster: ACCESS_LOG_CLUSTER_NAME } : {}),
  };
}

const logsFor = (logs: AccessLogs, kind: 'http' | 'tcp'): Json[] =>
  logs.grpcCluster ? [...logs.file, grpcAccessLog(kind, logs.grpcCluster)] : logs.file;

/** The static cluster the gRPC access loggers stream to (HTTP/2), when the option is on. */
export function accessLogCluster(opts: TranslateOptions, out: ProxyConfig): void {
  const als = opts.accessLogService;
  if (!als) return;
  const ip = isIP(als.address) !== 0;
  out.clusters.push({
    name: ACCESS_LOG_CLUSTER_NAME,
    typeUrl: TypeUrl.cluster,
    resource: {
      name: ACCESS_LOG_CLUSTER_NAME,
      type: ip ? 'STATIC' : 'STRICT_DNS',
      connect_timeout: DEFAULTS.egressConnectTimeout,
      load_assignment: {
        cluster_name: ACCESS_LOG_CLUSTER_NAME,
        endpoints: [{ lb_endpoints: [lbEndpoint(als.address, als.port)] }],
      },
      typed_extension_protocol_options: http2ProtocolOptions(),
    },
  });
}

export function httpConnectionManager(
  statPrefix: string,
  routeConfig: string,
  accessLog: AccessLogs,
  extra: Json = {},
): Json {
  const logs = logsFor(accessLog, 'http');
  const hcm: Json = {
    '@type': T.hcm,
    stat_prefix: statPrefix,
    rds: { config_source: adsConfigSource(), route_config_name: routeConfig },
    http_filters: [routerFilter()],
    stream_idle_timeout: pbDuration(DEFAULTS.idleTimeoutMs),
    upgrade_configs: [{ upgrade_type: 'websocket' }],
    normalize_path: true,
    merge_slashes: true,
    path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
    ...extra,
  };
  if (logs.length) hcm.access_log = logs;
  return { name: 'envoy.filters.network.http_connection_manager', typed_config: hcm };
}

export function tcpProxy(
  statPrefix: string,
  clusters: { name: string; weight: number }[],
  idleMs: number | undefined,
  accessLog: AccessLogs,
): Json {
  const logs = logsFor(accessLog, 'tcp');
  const cfg: Json = { '@type': T.tcpProxy, stat_prefix: statPrefix };
  const only = clusters[0];
  if (clusters.length === 1 && only) cfg.cluster = only.name;
  else cfg.weighted_clusters = { clusters };
  cfg.idle_timeout = pbDuration(idleMs ?? DEFAULTS.idleTimeoutMs);
  if (logs.length) cfg.access_log = logs;
  return { name: 'envoy.filters.network.tcp_proxy', typed_config: cfg };
}

const originalDst = (): Json => ({
  name: 'envoy.filters.listener.original_dst',
  typed_config: { '@type': T.originalDst },
});
const tlsInspector = (): Json => ({
  name: 'envoy.filters.listener.tls_inspector',
  typed_config: { '@type': T.tlsInspector },
});

/**
 * Chains for one listener port: TLS STRICT → one TLS chain; PERMISSIVE → a TLS and a plaintext chain; refused (STRICT
 * with an ACM certificate) → none; else plaintext.
 */
export function tlsFilterChains(
  base: { name: string; match: Json; filters: Json[] },
  plan: ListenerTlsPlan,
  protocol: PortProtocol,
  tlsName: string,
  plainName: string,
): Json[] {
  if (plan.kind === 'refused') return [];
  if (plan.kind === 'plaintext') return [{ name: base.name, filter_chain_match: base.match, filters: base.filters }];
  const eff = plan.tls;
  const ts = downstreamTransportSocket(eff, protocol);
  if (eff.mode === 'STRICT')
    return [{ name: base.name, filter_chain_match: base.match, filters: base.filters, transport_socket: ts }];
  return [
    {
      name: tlsName,
      filter_chain_match: { ...base.match, transport_protocol: 'tls' },
      filters: base.filters,
      transport_socket: ts,
    },
    { name: plainName, filter_chain_match: { ...base.match, transport_protocol: 'raw_buffer' }, filters: base.filters },
  ];
}

function ingress(
  s: MeshSnapshot,
  vn: SnapshotResource<VirtualNodeSpec>,
  out: ProxyConfig,
  opts: TranslateOptions,
): void {
  const listeners = vn.spec.listeners ?? [];
  if (!listeners.length) return;
  const pref = ipPreferenceOf(s, vn.spec);
  const logs = accessLogs(vn.spec.logging, opts);
  const chains: Json[] = [];
  let needsInspector = false;
  const seen = new Set<number>();
  for (const l of listeners) {
    const { port, protocol } = l.portMapping;
    if (seen.has(port)) continue;
    seen.add(port);
    const plan = listenerTlsPlan(l.tls);
    const warning = acmListenerWarning(`virtual node ${vn.name}`, port, protocol, plan);
    if (warning) (out.warnings ??= []).push(warning);
    if (plan.kind === 'refused') continue; // nothing listens on this port: connections to it are refused
    const cluster = ingressClusterName(s.meshName, vn.name, protocol, port);
    const timeouts = listenerTimeouts(l);
    let filters: Json[];
    if (isHttp(protocol)) {
      const rc = routeConfigName('ingress', protocol, port);
      filters = [httpConnectionManager('ingress', rc, logs)];
      const route: Json = { cluster, timeout: pbDuration(timeouts.perRequestMs ?? DEFAULTS.perRequestTimeoutMs) };
      if (timeouts.idleMs !== undefined) route.idle_timeout = pbDuration(timeouts.idleMs);
      out.routes.push({
        name: rc,
        typeUrl: TypeUrl.route,
        resource: {
          name: rc,
          virtual_hosts: [
            {
              name: ingressVirtualHostName(vn.name),
              domains: ['*'],
              routes: [{ name: ingressRouteEntryName(vn.name, port), match: { prefix: '/' }, route }],
            },
          ],
        },
      });
    } else {
      filters = [tcpProxy('ingress', [{ name: cluster, weight: 1 }], timeouts.idleMs, logs)];
    }
    if (plan.kind === 'tls') needsInspector = true;
    chains.push(
      ...tlsFilterChains(
        { name: ingressFilterChainName(protocol, port), match: { destination_port: port }, filters },
        plan,
        protocol,
        ingressFilterChainName(protocol, port, 'tls'),
        ingressFilterChainName(protocol, port, 'plaintext'),
      ),
    );
    const c: Json = {
      name: cluster,
      type: 'STATIC',
      connect_timeout: DEFAULTS.ingressConnectTimeout,
      load_assignment: { cluster_name: cluster, endpoints: [{ lb_endpoints: [lbEndpoint(loopback(pref), port)] }] },
      circuit_breakers: circuitBreakers({
        ...(l.connectionPool?.tcp ? { maxConnections: l.connectionPool.tcp.maxConnections } : {}),
        ...(l.connectionPool?.http ? { maxConnections: l.connectionPool.http.maxConnections } : {}),
        ...(l.connectionPool?.http?.maxPendingRequests !== undefined
          ? { maxPendingRequests: l.connectionPool.http.maxPendingRequests }
          : {}),
        ...(l.connectionPool?.http2 ? { maxRequests: l.connectionPool.http2.maxRequests } : {}),
        ...(l.connectionPool?.grpc ? { maxRequests: l.connectionPool.grpc.maxRequests } : {}),
      }),
    };
    if (protocol === 'http2' || protocol === 'grpc') c.typed_extension_protocol_options = http2ProtocolOptions();
    if (l.healthCheck) c.health_checks = healthChecks(l.healthCheck);
    out.clusters.push({ name: cluster, typeUrl: TypeUrl.cluster, resource: c });
  }
  if (!chains.length) return; // every port refused: Envoy rejects a listener without filter chains
  const addr = listenAddress(pref);
  const name = ingressListenerName();
  out.listeners.push({
    name,
    typeUrl: TypeUrl.listener,
    resource: {
      name,
      address: socketAddress(addr.address, INGRESS_PORT, addr.ipv4Compat),
      listener_filters: needsInspector ? [originalDst(), tlsInspector()] : [originalDst()],
      traffic_direction: 'INBOUND',
      filter_chains: chains,
    },
  });
}

interface PortGroup {
  protocol: PortProtocol;
  services: string[];
}

/**
 * Upstream TLS for a target reached through a backend: per-backend client policy, else backend defaults; `'acm'` when
 * the applicable policy trusts ACM (the cluster must be left out).
 */
function transportFor(policy: ClientPolicyTls | undefined, t: TargetRef): Json | undefined | 'acm' {
  const { protocol, port } = t.listener.portMapping;
  const applicable = applicableClientTls(policy, port);
  if (applicable === 'acm') return 'acm';
  return upstreamTransportSocket(applicable, { vn: t.vn.spec, protocol, listenerTls: t.listener.tls });
}

function egress(
  s: MeshSnapshot,
  vn: SnapshotResource<VirtualNodeSpec>,
  out: ProxyConfig,
  opts: TranslateOptions,
): void {
  const mesh = s.meshName;
  const logs = accessLogs(vn.spec.logging, opts);
  const policies = new Map<string, ClientPolicyTls | undefined>();
  for (const b of vn.spec.backends ?? []) {
    const v = b.virtualService;
    if (v && !policies.has(v.virtualServiceName))
      policies.set(v.virtualServiceName, v.clientPolicy?.tls ?? vn.spec.backendDefaults?.clientPolicy?.tls);
  }
  const backends = [...policies.keys()].sort();
  // Backend ports: one protocol per port (the first backend, in name order, decides; App Mesh rejects mixes).
  const ports = new Map<number, PortGroup>();
  for (const vs of backends) {
    for (const sp of providerOf(s, vs).ports) {
      const g = ports.get(sp.port);
      if (!g) ports.set(sp.port, { protocol: sp.protocol, services: [vs] });
      else if (g.protocol === sp.protocol && !g.services.includes(vs)) g.services.push(vs);
    }
  }
  const clusters = new Map<string, ClusterBuild>();
  // Clusters an enforced ACM client policy applies to (through any backend), with the first such backend: left out, so
  // requests routed to them fail (HTTP 503, TCP connection closed) instead of going out unverified.
  const acmBlocked = new Map<string, string>();
  const addTarget = (t: TargetRef, backend: string) => {
    const name = clusterNameOf(mesh, t, 'sidecar');
    if (acmBlocked.has(name)) return;
    const ts = transportFor(policies.get(backend), t);
    if (ts === 'acm') {
      acmBlocked.set(name, backend);
      clusters.delete(name);
      return;
    }
    if (!clusters.has(name)) clusters.set(name, egressCluster(s, t, 'sidecar', ts));
  };
  const chains: Json[] = [];
  for (const port of [...ports.keys()].sort((a, b) => a - b)) {
    const g = ports.get(port)!;
    const sp: ServicePort = { port, protocol: g.protocol };
    if (g.protocol === 'tcp') {
      // TCP: a port carries one service (App Mesh cannot share a TCP port); its highest-priority tcp route.
      for (const vs of g.services) {
        const tcp = serviceRoutes(s, vs, sp).tcp;
        const targets = (tcp?.targets ?? []).filter((t) => t.weight > 0);
        if (!tcp || !targets.length) continue;
        for (const t of targets) addTarget(t.target, vs);
        chains.push({
          name: egressFilterChainName('tcp', port),
          filter_chain_match: { destination_port: port },
          filters: [
            tcpProxy(
              'egress',
              targets.map((t) => ({ name: clusterNameOf(mesh, t.target, 'sidecar'), weight: t.weight })),
              tcp.idleMs,
              logs,
            ),
          ],
        });
        break;
      }
      continue;
    }
    const rc = routeConfigName('egress', g.protocol, port);
    const virtualHosts: Json[] = [];
    for (const vs of g.services) {
      const { routes, targets } = serviceVirtualHostRoutes(s, vs, sp, 'sidecar');
      for (const t of targets) addTarget(t, vs);
      virtualHosts.push({ name: serviceVirtualHostName(vs), domains: virtualServiceDomains(vs, port), routes });
    }
    out.routes.push({ name: rc, typeUrl: TypeUrl.route, resource: { name: rc, virtual_hosts: virtualHosts } });
    chains.push({
      name: egressFilterChainName(g.protocol, port),
      filter_chain_match: { destination_port: port },
      filters: [httpConnectionManager('egress', rc, logs)],
    });
  }
  // AWS APIs are always reachable (App Mesh: even with DROP_ALL); the rest only with ALLOW_ALL (default filter chain).
  const aws = amazonawsClusterName(mesh);
  chains.push({
    name: amazonawsFilterChainName(),
    filter_chain_match: { destination_port: 443, server_names: ['*.amazonaws.com'] },
    filters: [tcpProxy('egress', [{ name: aws, weight: 1 }], undefined, logs)],
  });
  out.clusters.push(passthroughCluster(aws));
  const allowAll = s.mesh.spec.egressFilter?.type === 'ALLOW_ALL';
  const pref = ipPreferenceOf(s, vn.spec);
  const addr = listenAddress(pref);
  const name = egressListenerName();
  const listener: Json = {
    name,
    address: socketAddress(addr.address, EGRESS_PORT, addr.ipv4Compat),
    listener_filters: [originalDst(), tlsInspector()],
    traffic_direction: 'OUTBOUND',
    filter_chains: chains,
  };
  if (allowAll) {
    const all = allowAllClusterName(mesh);
    listener.default_filter_chain = {
      name: allowAllFilterChainName(),
      filters: [tcpProxy('egress', [{ name: all, weight: 1 }], undefined, logs)],
    };
    out.clusters.push(passthroughCluster(all));
  }
  out.listeners.push({ name, typeUrl: TypeUrl.listener, resource: listener });
  for (const [cluster, backend] of acmBlocked)
    (out.warnings ??= []).push(acmClientWarning(`virtual node ${vn.name}`, `backend ${backend}`, cluster));
  for (const c of clusters.values()) {
    out.clusters.push(c.cluster);
    if (c.endpoints) out.endpoints.push(c.endpoints);
  }
}

/** Original-destination pass-through cluster. */
function passthroughCluster(name: string): EnvoyResource {
  return {
    name,
    typeUrl: TypeUrl.cluster,
    resource: {
      name,
      type: 'ORIGINAL_DST',
      connect_timeout: DEFAULTS.egressConnectTimeout,
      lb_policy: 'CLUSTER_PROVIDED',
    },
  };
}

export function translateVirtualNode(
  s: MeshSnapshot,
  vn: SnapshotResource<VirtualNodeSpec>,
  opts: TranslateOptions = {},
): ProxyConfig {
  const out: ProxyConfig = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  // The ingress side depends on the node (and the options) alone: memoized, so a change elsewhere (a backend's route)
  // leaves its resources the same objects (looked up again inside, so the memo records that it read the node).
  const inbound = memo(s, `sidecar-ingress\0${vn.name}\0${JSON.stringify(opts)}`, () => {
    const part: ProxyConfig = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
    ingress(s, s.virtualNodes.get(vn.name) ?? vn, part, opts);
    return part;
  });
  for (const k of ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const) out[k].push(...inbound[k]);
  if (inbound.warnings) out.warnings = [...inbound.warnings];
  egress(s, vn, out, opts);
  if (out.listeners.length) accessLogCluster(opts, out);
  return out;
}

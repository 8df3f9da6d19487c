// Small builders for Envoy proto3-JSON fragments shared by the sidecar, gateway and proxyless translations.
import type { Duration, IpPreference, LoggingFormat } from '../../protocols/generated/appmesh-types.js';
import { ANY_ADDRESS, SDS_CLUSTER_NAME } from '../names.js';

export type Json = Record<string, unknown>;

/** Typed-config type URLs. */
export const T = {
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  tcpProxy: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  originalDst: 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  tlsInspector: 'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  fileAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  httpGrpcAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig',
  tcpGrpcAccessLog: 'type.googleapis.com/envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig',
  httpProtocolOptions: 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  downstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  upstreamTls: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  previousHosts: 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
} as const;

/** App Mesh hidden defaults (reference/appmesh.md §2.6). */
export const DEFAULTS = {
  perRequestTimeoutMs: 15_000,
  idleTimeoutMs: 300_000,
  maxRetries: 2,
  circuitBreaker: 2_147_483_647,
  ingressConnectTimeout: '0.250s',
  egressConnectTimeout: '1s',
} as const;

/** Milliseconds of an App Mesh Duration (undefined when the value is missing). */
export function durationMs(d: Duration | undefined): number | undefined {
  if (!d || d.value === undefined) return undefined;
  return d.unit === 'ms' ? d.value : d.value * 1000;
}

/** proto3-JSON Duration string from milliseconds: 1500 → "1.500s", 15000 → "15s". */
export function pbDuration(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = Math.round(ms - whole * 1000);
  return frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, '0')}s`;
}

export const adsConfigSource = (): Json => ({ ads: {}, resource_api_version: 'V3' });

export const routerFilter = (): Json => ({ name: 'envoy.filters.http.router', typed_config: { '@type': T.router } });

export function fileAccessLog(path: string, format: LoggingFormat | undefined): Json {
  const cfg: Json = { '@type': T.fileAccessLog, path };
  if (format?.text !== undefined) {
    cfg.log_format = {
      text_format_source: { inline_string: format.text.endsWith('\n') ? format.text : `${format.text}\n` },
    };
  } else if (format?.json !== undefined) {
    const fields: Json = {};
    for (const { key, value } of format.json) fields[key] = value;
    cfg.log_format = { json_format: fields };
  }
  return { name: 'envoy.access_loggers.file', typed_config: cfg };
}

/** A gRPC access logger streaming to the access-log service cluster: http_grpc in HTTP connection managers, tcp_grpc in TCP proxies. */
export function grpcAccessLog(kind: 'http' | 'tcp', clusterName: string): Json {
  return {
    name: kind === 'http' ? 'envoy.access_loggers.http_grpc' : 'envoy.access_loggers.tcp_grpc',
    typed_config: {
      '@type': kind === 'http' ? T.httpGrpcAccessLog : T.tcpGrpcAccessLog,
      common_config: {
        log_name: `appmeshd-${kind}`,
        grpc_service: { envoy_grpc: { cluster_name: clusterName } },
        transport_api_version: 'V3',
      },
    },
  };
}

export const sdsSecretConfig = (name: string): Json => ({
  name,
  sds_config: {
    api_config_source: {
      api_type: 'GRPC',
      transport_api_version: 'V3',
      grpc_services: [{ envoy_grpc: { cluster_name: SDS_CLUSTER_NAME } }],
    },
    resource_api_version: 'V3',
  },
});

export const socketAddress = (address: string, port: number, ipv4Compat = false): Json => ({
  socket_address: ipv4Compat ? { address, port_value: port, ipv4_compat: true } : { address, port_value: port },
});

export const lbEndpoint = (address: string, port: number): Json => ({
  endpoint: { address: socketAddress(address, port) },
});

export const circuitBreakers = (
  t: { maxConnections?: number; maxPendingRequests?: number; maxRequests?: number } = {},
): Json => ({
  thresholds: [
    {
      max_connections: t.maxConnections ?? DEFAULTS.circuitBreaker,
      max_pending_requests: t.maxPendingRequests ?? DEFAULTS.circuitBreaker,
      max_requests: t.maxRequests ?? DEFAULTS.circuitBreaker,
      max_retries: DEFAULTS.circuitBreaker,
    },
  ],
});

export const http2ProtocolOptions = (): Json => ({
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
    '@type': T.httpProtocolOptions,
    explicit_http_config: { http2_protocol_options: {} },
  },
});

/** Whether a listener is dual-stack / IPv6 per the IP preference (App Mesh binds `::` with ipv4_compat when one is set). */
export const listenAddress = (pref: IpPreference | undefined): { address: string; ipv4Compat: boolean } =>
  pref ? { address: '::', ipv4Compat: true } : { address: ANY_ADDRESS, ipv4Compat: false };

/** Loopback address of the local application (IPv6 loopback when IPv6 is preferred or required). */
export const loopback = (pref: IpPreference | undefined) =>
  pref === 'IPv6_ONLY' || pref === 'IPv6_PREFERRED' ? '::1' : '127.0.0.1';

/** Envoy DNS lookup family for an IP preference (undefined = Envoy's default, AUTO). */
export function dnsLookupFamily(pref: IpPreference | undefined): string | undefined {
  switch (pref) {
    case 'IPv4_ONLY':
      return 'V4_ONLY';
    case 'IPv6_ONLY':
      return 'V6_ONLY';
    case 'IPv4_PREFERRED':
      return 'V4_PREFERRED';
    case 'IPv6_PREFERRED':
      return 'AUTO';
    default:
      return undefined;
  }
}

/** Escapes a literal for use inside an RE2 regular expression. */
export const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
export const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

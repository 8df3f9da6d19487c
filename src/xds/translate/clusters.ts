// Egress clusters (one per target virtual-node listener) and their ClusterLoadAssignments.
import { isIPv4, isIPv6 } from 'node:net';
import { cloudMapKey, type DiscoveredInstance, type MeshSnapshot } from '../../mesh/snapshot.js';
import type {
  HealthCheckPolicy,
  OutlierDetection,
  VirtualGatewayHealthCheckPolicy,
  IpPreference,
} from '../../protocols/generated/appmesh-types.js';
import { TypeUrl, type EnvoyResource } from './types.js';
import {
  adsConfigSource,
  circuitBreakers,
  DEFAULTS,
  dnsLookupFamily,
  durationMs,
  http2ProtocolOptions,
  lbEndpoint,
  pbDuration,
  type Json,
} from './envoy.js';
import { ipPreferenceOf, memo, type TargetRef } from './model.js';
import { clusterNameOf, type Flavour } from './routes.js';

export interface ClusterBuild {
  cluster: EnvoyResource;
  endpoints?: EnvoyResource;
}

export interface CircuitLimits {
  maxConnections?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
}

export function healthChecks(hc: HealthCheckPolicy | VirtualGatewayHealthCheckPolicy): Json[] {
  const check: Json = {
    timeout: pbDuration(hc.timeoutMillis),
    interval: pbDuration(hc.intervalMillis),
    unhealthy_threshold: hc.unhealthyThreshold,
    healthy_threshold: hc.healthyThreshold,
  };
  switch (hc.protocol) {
    case 'http':
      check.http_health_check = { path: hc.path || '/' };
      break;
    case 'http2':
      check.http_health_check = { path: hc.path || '/', codec_client_type: 'HTTP2' };
      break;
    case 'grpc':
      check.grpc_health_check = {};
      break;
    default:
      check.tcp_health_check = {};
      break;
  }
  return [check];
}

/** App Mesh ejects on consecutive server errors only (success-rate ejection, on by default in Envoy, is disabled). */
export function outlierDetection(od: OutlierDetection): Json {
  return {
    consecutive_5xx: od.maxServerErrors,
    interval: pbDuration(durationMs(od.interval) ?? 10_000),
    base_ejection_time: pbDuration(durationMs(od.baseEjectionDuration) ?? 30_000),
    max_ejection_percent: od.maxEjectionPercent,
    enforcing_consecutive_5xx: 100,
    enforcing_success_rate: 0,
  };
}

const ATTR_IPV4 = 'AWS_INSTANCE_IPV4';
const ATTR_IPV6 = 'AWS_INSTANCE_IPV6';
const ATTR_PORT = 'AWS_INSTANCE_PORT';

function instanceAddress(i: DiscoveredInstance, pref: IpPreference | undefined): string | undefined {
  const v4 = i.attributes[ATTR_IPV4];
  const v6 = i.attributes[ATTR_IPV6];
  const ok4 = v4 !== undefined && isIPv4(v4) ? v4 : undefined;
  const ok6 = v6 !== undefined && isIPv6(v6) ? v6 : undefined;
  switch (pref) {
    case 'IPv4_ONLY':
      return ok4;
    case 'IPv6_ONLY':
      return ok6;
    case 'IPv6_PREFERRED':
      return ok6 ?? ok4;
    default:
      return ok4 ?? ok6;
  }
}

function instancePort(i: DiscoveredInstance, fallback: number): number {
  const p = i.attributes[ATTR_PORT];
  if (p !== undefined && /^\d{1,5}$/.test(p)) {
    const n = Number(p);
    if (n >= 1 && n <= 65535) return n;
  }
  return fallback;
}

/**
 * Cloud Map instances of a node as an endpoint list: instances carrying every attribute of the node's filter; address
 * per IP preference (node, else mesh; IPv4 first by default); port from AWS_INSTANCE_PORT else the listener port;
 * unhealthy instances kept with health_status UNHEALTHY; instances without a usable literal IP skipped; ordered by
 * instance id, duplicates (same address and port) dropped.
 */
export function cloudMapEndpoints(s: MeshSnapshot, t: TargetRef): Json[] {
  const cm = t.vn.spec.serviceDiscovery?.awsCloudMap;
  if (!cm) return [];
  const pref = ipPreferenceOf(s, t.vn.spec);
  const attrs = cm.attributes ?? [];
  const instances = [...(s.cloudMapInstances.get(cloudMapKey(cm.namespaceName, cm.serviceName)) ?? [])]
    .filter((i) => attrs.every((a) => Object.hasOwn(i.attributes, a.key) && i.attributes[a.key] === a.value))
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const i of instances) {
    const address = instanceAddress(i, pref);
    if (!address) continue;
    const port = instancePort(i, t.listener.portMapping.port);
    const key = `${address}|${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...lbEndpoint(address, port), health_status: i.healthy ? 'HEALTHY' : 'UNHEALTHY' });
  }
  return out;
}

/**
 * The cluster for a target node listener. Sidecar: LOGICAL_DNS (DNS, LOADBALANCER) / STRICT_DNS (DNS, ENDPOINTS) /
 * EDS (Cloud Map, or no service discovery → empty assignment), circuit breakers, HTTP/2 for http2/grpc, health checks
 * and outlier detection of the target listener, TLS per client policy. Proxyless (grpc-js-xds accepts only EDS,
 * LOGICAL_DNS and aggregate clusters, and only certificate-provider TLS): EDS or LOGICAL_DNS, no TLS, no health checks.
 */
export function egressCluster(
  s: MeshSnapshot,
  t: TargetRef,
  flavour: Flavour,
  transportSocket?: Json,
  limits?: CircuitLimits,
): ClusterBuild {
  const key = `cl\0${flavour}\0${t.vn.name}\0${t.listener.portMapping.port}\0${transportSocket ? JSON.stringify(transportSocket) : ''}\0${limits ? JSON.stringify(limits) : ''}`;
  return memo(s, key, () => {
    // The target node arrives as an argument: read it through the snapshot so the memo records that it depends on it.
    s.virtualNodes.get(t.vn.name);
    const name = clusterNameOf(s.meshName, t, flavour);
    const { protocol, port } = t.listener.portMapping;
    const sd = t.vn.spec.serviceDiscovery;
    const pref = ipPreferenceOf(s, t.vn.spec);
    const c: Json = { name };
    let endpoints: EnvoyResource | undefined;
    if (sd?.dns) {
      c.type = flavour === 'sidecar' && sd.dns.responseType === 'ENDPOINTS' ? 'STRICT_DNS' : 'LOGICAL_DNS';
      c.connect_timeout = DEFAULTS.egressConnectTimeout;
      const family = dnsLookupFamily(pref);
      if (family && flavour === 'sidecar') c.dns_lookup_family = family;
      const locality = flavour === 'proxyless' ? { locality: {} } : {};
      c.load_assignment = {
        cluster_name: name,
        endpoints: [{ ...locality, lb_endpoints: [lbEndpoint(sd.dns.hostname, port)] }],
      };
    } else {
      c.type = 'EDS';
      c.connect_timeout = DEFAULTS.egressConnectTimeout;
      c.eds_cluster_config = { eds_config: adsConfigSource() };
      const lbs = cloudMapEndpoints(s, t);
      endpoints = {
        name,
        typeUrl: TypeUrl.endpoint,
        // grpc-js-xds ignores localities without a load_balancing_weight (Envoy ignores the weight by default).
        resource: {
          cluster_name: name,
          endpoints: lbs.length ? [{ locality: {}, lb_endpoints: lbs, load_balancing_weight: 1 }] : [],
        },
      };
    }
    c.circuit_breakers = circuitBreakers(limits);
    if (protocol === 'http2' || protocol === 'grpc') c.typed_extension_protocol_options = http2ProtocolOptions();
    const l = t.listener;
    if (l.healthCheck && flavour === 'sidecar') c.health_checks = healthChecks(l.healthCheck);
    if (l.outlierDetection) c.outlier_detection = outlierDetection(l.outlierDetection);
    if (transportSocket && flavour === 'sidecar') c.transport_socket = transportSocket;
    const out: ClusterBuild = { cluster: { name, typeUrl: TypeUrl.cluster, resource: c } };
    if (endpoints) out.endpoints = endpoints;
    return out;
  });
}

// Proxyless gRPC (@grpc/grpc-js-xds): API listeners named `<vs>:<port>` / `<vs>` (the target of `xds:///<vs>[:<port>]`).
//
// What grpc-js-xds 1.14 accepts (build/src/xds-resource-type/*.js): an api_listener whose HttpConnectionManager uses RDS
// over ADS and ends with the router filter; routes with prefix/path/safe_regex and header matchers (query parameters
// are ignored by it, so routes using them are dropped rather than over-matching); cluster_specifier cluster or
// weighted_clusters with a positive weight sum; retry_on codes cancelled/deadline-exceeded/internal/resource-exhausted/
// unavailable with num_retries ≥ 1; per-route deadlines from max_stream_duration (route `timeout` is ignored);
// clusters of type EDS (ads) or LOGICAL_DNS (exactly one locality with one host:port endpoint) — STRICT_DNS is rejected,
// so DNS targets are LOGICAL_DNS whatever their responseType; ClusterLoadAssignments with a locality and literal IPs.
// TLS to targets is not configured (grpc-js-xds only accepts certificate-provider TLS, which App Mesh cannot express);
// a target whose enforced client policy trusts ACM fails closed like the sidecar's: its cluster is left out (the client
// then finds the cluster does not exist and fails the RPCs with UNAVAILABLE), with a warning.
import type { MeshSnapshot, SnapshotResource } from '../../mesh/snapshot.js';
import type { VirtualNodeSpec } from '../../protocols/generated/appmesh-types.js';
import { apiRouteConfigName, parseApiListenerName, serviceVirtualHostName, virtualServiceDomains } from '../names.js';
import { TypeUrl, type EnvoyResource, type ProxyConfig } from './types.js';
import { adsConfigSource, routerFilter, T } from './envoy.js';
import { egressCluster } from './clusters.js';
import { providerOf } from './model.js';
import { clusterNameOf, serviceVirtualHostRoutes } from './routes.js';
import { acmClientWarning, applicableClientTls } from './tls.js';

/**
 * The API listener `name` for a proxyless client running as virtual node `vn`, with its route configuration, clusters
 * and endpoints; undefined when `name` is not a backend virtual service of the node (or the port is not one of the
 * service's ports, or the port is tcp). Without a port, the service's first listener port is used.
 */
export function translateApiListenerFor(
  s: MeshSnapshot,
  vn: SnapshotResource<VirtualNodeSpec>,
  name: string,
): ProxyConfig | undefined {
  const candidates = [parseApiListenerName(name)];
  if (candidates[0]?.port !== undefined) candidates.push({ virtualService: name });
  const backends = vn.spec.backends ?? [];
  for (const { virtualService, port } of candidates) {
    const backend = backends.find((b) => b.virtualService?.virtualServiceName === virtualService);
    if (!backend) continue;
    const policy = backend.virtualService?.clientPolicy?.tls ?? vn.spec.backendDefaults?.clientPolicy?.tls;
    const provider = providerOf(s, virtualService);
    const sp = port === undefined ? provider.ports[0] : provider.ports.find((p) => p.port === port);
    if (!sp || sp.protocol === 'tcp') continue;
    const rcName = apiRouteConfigName(virtualService, sp.port);
    const listener: EnvoyResource = {
      name,
      typeUrl: TypeUrl.listener,
      resource: {
        name,
        api_listener: {
          api_listener: {
            '@type': T.hcm,
            stat_prefix: 'proxyless',
            rds: { config_source: adsConfigSource(), route_config_name: rcName },
            http_filters: [routerFilter()],
          },
        },
      },
    };
    const { routes, targets } = serviceVirtualHostRoutes(s, virtualService, sp, 'proxyless');
    const rc: EnvoyResource = {
      name: rcName,
      typeUrl: TypeUrl.route,
      resource: {
        name: rcName,
        virtual_hosts: [
          {
            name: serviceVirtualHostName(virtualService),
            domains: virtualServiceDomains(virtualService, sp.port),
            routes,
          },
        ],
      },
    };
    const out: ProxyConfig = { listeners: [listener], routes: [rc], clusters: [], endpoints: [], secrets: [] };
    const seen = new Set<string>();
    for (const t of targets) {
      const cname = clusterNameOf(s.meshName, t, 'proxyless');
      if (seen.has(cname)) continue;
      seen.add(cname);
      if (applicableClientTls(policy, t.listener.portMapping.port) === 'acm') {
        (out.warnings ??= []).push(acmClientWarning(`virtual node ${vn.name}`, `backend ${virtualService}`, cname));
        continue;
      }
      const c = egressCluster(s, t, 'proxyless');
      out.clusters.push(c.cluster);
      if (c.endpoints) out.endpoints.push(c.endpoints);
    }
    return out;
  }
  return undefined;
}

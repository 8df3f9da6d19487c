// Every Envoy resource name translation emits, in one place (App Mesh naming, see reference/appmesh.md §2.1).
import type { PortProtocol } from '../protocols/generated/appmesh-types.js';

export type Direction = 'ingress' | 'egress';

/** Sidecar ports (App Mesh fixed values). */
export const INGRESS_PORT = 15000;
export const EGRESS_PORT = 15001;
export const ANY_ADDRESS = '0.0.0.0';

/** `lds_<direction>_<ip>_<port>`: `lds_ingress_0.0.0.0_15000`, `lds_egress_0.0.0.0_15001`, a gateway's `lds_ingress_0.0.0.0_<port>`. */
export const listenerName = (direction: Direction, port: number, ip: string = ANY_ADDRESS) =>
  `lds_${direction}_${ip}_${port}`;
export const ingressListenerName = () => listenerName('ingress', INGRESS_PORT);
export const egressListenerName = () => listenerName('egress', EGRESS_PORT);
export const gatewayListenerName = (port: number) => listenerName('ingress', port);

/** `rds_<direction>_<proto>_<port>`. */
export const routeConfigName = (direction: Direction, protocol: PortProtocol, port: number) =>
  `rds_${direction}_${protocol}_${port}`;

/** `cds_<direction>_<mesh>_<virtualNode>_<proto>_<port>`. */
export const clusterName = (
  direction: Direction,
  mesh: string,
  virtualNode: string,
  protocol: PortProtocol,
  port: number,
) => `cds_${direction}_${mesh}_${virtualNode}_${protocol}_${port}`;
export const ingressClusterName = (mesh: string, vn: string, protocol: PortProtocol, port: number) =>
  clusterName('ingress', mesh, vn, protocol, port);
export const egressClusterName = (mesh: string, vn: string, protocol: PortProtocol, port: number) =>
  clusterName('egress', mesh, vn, protocol, port);
/** Original-destination pass-through for AWS APIs (`*.amazonaws.com:443`), present even with DROP_ALL. */
export const amazonawsClusterName = (mesh: string) => `cds_egress_${mesh}_amazonaws`;
/** Original-destination pass-through when the mesh egress filter is ALLOW_ALL. */
export const allowAllClusterName = (mesh: string) => `cds_egress_${mesh}_mesh-allow-all`;

/** Filter chain names (informational in Envoy; used by tests and stats). */
export const ingressFilterChainName = (protocol: PortProtocol, port: number, variant?: 'tls' | 'plaintext') =>
  `ingress_${protocol}_${port}${variant ? `_${variant}` : ''}`;
export const egressFilterChainName = (protocol: PortProtocol, port: number) => `egress_${protocol}_${port}`;
export const amazonawsFilterChainName = () => 'egress_amazonaws';
export const allowAllFilterChainName = () => 'egress_mesh-allow-all';

/** Virtual host of an ingress route configuration. */
export const ingressVirtualHostName = (vn: string) => `${vn}`;
/** Virtual host of a gateway listener's route configuration (all hostnames; matching is per route). */
export const gatewayVirtualHostName = (gateway: string) => `${gateway}`;
/** Virtual host of a virtual service (egress and proxyless route configurations): `<vs>`. */
export const serviceVirtualHostName = (vs: string) => vs;
/** Virtual host domains of a virtual service on a port: `<vs>` and `<vs>:<port>`. */
export const virtualServiceDomains = (vs: string, port: number) => [vs, `${vs}:${port}`];

/** Envoy route names: the App Mesh route (`<router>/<route>`), a virtual-node provider's default route, a gateway route. */
export const routeEntryName = (router: string, route: string) => `${router}/${route}`;
export const defaultRouteEntryName = (vn: string) => `${vn}/default`;
export const ingressRouteEntryName = (vn: string, port: number) => `${vn}/ingress_${port}`;
export const gatewayRouteEntryName = (gateway: string, gatewayRoute: string, suffix?: string) =>
  `${gateway}/${gatewayRoute}${suffix ? `/${suffix}` : ''}`;

// Proxyless gRPC (grpc-js-xds): the client asks LDS for the name in its target URI `xds:///<vs>[:<port>]`.
/** API listener name for `xds:///<vs>:<port>` (or `xds:///<vs>` when port is undefined). */
export const apiListenerName = (vs: string, port?: number) => (port === undefined ? vs : `${vs}:${port}`);
/** Parses an API listener name into virtual service name and optional port (the last `:<digits>` is the port). */
export function parseApiListenerName(name: string): { virtualService: string; port?: number } {
  const m = /^(.*):(\d{1,5})$/.exec(name);
  if (m?.[1]) {
    const port = Number(m[2]);
    if (port >= 1 && port <= 65535) return { virtualService: m[1], port };
  }
  return { virtualService: name };
}
/** Route configuration / clusters for proxyless clients (different from the sidecar's: EDS or LOGICAL_DNS only, no TLS). */
export const apiRouteConfigName = (vs: string, port: number) => `rds_proxyless_${vs}_${port}`;
export const apiClusterName = (mesh: string, vn: string, protocol: PortProtocol, port: number) =>
  `cds_proxyless_${mesh}_${vn}_${protocol}_${port}`;

/** The cluster through which proxies stream access logs to appmeshd (--access-log-service). */
export const ACCESS_LOG_CLUSTER_NAME = 'appmeshd_access_log_service';

/** The SDS cluster the App Mesh Envoy bootstrap defines when APPMESH_SDS_SOCKET_PATH is set. */
export const SDS_CLUSTER_NAME = 'static_cluster_sds_unix_socket';

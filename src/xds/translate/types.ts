// The contract between translation (pure) and the xDS server.

export const TypeUrl = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;
export type TypeUrlValue = (typeof TypeUrl)[keyof typeof TypeUrl];
const TYPE_URLS = new Set<string>(Object.values(TypeUrl));
export const isTypeUrl = (typeUrl: string): typeUrl is TypeUrlValue => TYPE_URLS.has(typeUrl);

/** Who is asking: parsed from node.id (see ../identity.ts). */
export interface ProxyIdentity {
  kind: 'virtualNode' | 'virtualGateway';
  meshName: string;
  name: string;
  /** Account that owns the mesh (from an ARN or the <mesh>@<owner> form); undefined = this deployment's account. */
  meshOwner?: string;
}

/** Inputs of translation besides the snapshot and the proxy: deployment-wide switches. */
export interface TranslateOptions {
  /**
   * Envoy's gRPC access-log service (appmeshd serve --access-log-service): every listener also streams its access
   * log to this address, through a static cluster added to the configuration.
   */
  accessLogService?: { address: string; port: number };
}

/** One Envoy resource in proto3 JSON form; typed Any fields carry '@type'. */
export interface EnvoyResource {
  name: string;
  typeUrl: TypeUrlValue;
  resource: Record<string, unknown>;
}

/** Everything one proxy gets, by type. Proxyless gRPC clients ask for API listeners by name (`<vs>:<port>`), which translation also answers. */
export interface ProxyConfig {
  listeners: EnvoyResource[];
  routes: EnvoyResource[];
  clusters: EnvoyResource[];
  endpoints: EnvoyResource[];
  secrets: EnvoyResource[];
  /**
   * What the proxy's App Mesh configuration asks for and this translation cannot honour self-hosted (ACM certificates
   * and certificate authorities), each with what was done instead; sorted, present only when not empty. Not a resource.
   */
  warnings?: string[];
}

/** The fields of ProxyConfig that hold resources. */
export type ResourceField = Exclude<keyof ProxyConfig, 'warnings'>;

// Store kinds and the specs of the Cloud Map resources appmeshd keeps.
import type {
  DnsConfig,
  HealthCheckConfig,
  HealthCheckCustomConfig,
  NamespaceType,
  OperationStatus,
  OperationType,
} from '../protocols/generated/servicediscovery-types.js';

/**
 * Namespaces and operations live in scope ''; services in scope '<namespace id>';
 * instances in scope '<service id>'; request ids in scope '<operation name>'.
 * Row names are the resource ids (ns-…, srv-…, the instance id, the operation id).
 */
export const SdKind = {
  namespace: 'sd:namespace',
  service: 'sd:service',
  instance: 'sd:instance',
  operation: 'sd:operation',
  request: 'sd:request',
} as const;

export interface NamespaceSpec {
  name: string;
  type: NamespaceType;
  description?: string;
  /** Private DNS namespaces: the VPC whose resolver answers `<service>.<namespace>`. */
  vpc?: string;
  /** DNS namespaces: the (synthetic) hosted zone and the SOA TTL. */
  hostedZoneId?: string;
  soaTtl?: number;
  creatorRequestId?: string;
}

export interface ServiceSpec {
  name: string;
  namespaceId: string;
  description?: string;
  dnsConfig?: DnsConfig;
  healthCheckConfig?: HealthCheckConfig;
  healthCheckCustomConfig?: HealthCheckCustomConfig;
  /** HTTP: discoverable only through the API; DNS_HTTP: also through DNS. */
  type: 'HTTP' | 'DNS_HTTP' | 'DNS';
  creatorRequestId?: string;
  /** The creating request (without its CreatorRequestId), so that only an identical retry gets this service back. */
  requestFingerprint?: string;
  /** Bumped on every register, deregister and health change (DiscoverInstancesRevision). */
  instancesRevision: number;
}

/** HEALTHY/UNHEALTHY as last reported through UpdateInstanceCustomHealthStatus (or AWS_INIT_HEALTH_STATUS). */
export type CustomHealth = 'HEALTHY' | 'UNHEALTHY';

export interface InstanceSpec {
  attributes: Record<string, string>;
  creatorRequestId?: string;
  customHealth?: CustomHealth;
  createdByAccount: string;
}

export interface OperationSpec {
  type: OperationType;
  status: OperationStatus;
  targets: Record<string, string>;
}

/** Remembers what a CreatorRequestId was used for, so a retry is recognised and a reuse refused. */
export interface RequestSpec {
  fingerprint: string;
  operationId: string;
}

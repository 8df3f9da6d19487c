// What health an instance has, as Cloud Map reports it. appmeshd runs no Route 53 health
// checks, so only custom health (UpdateInstanceCustomHealthStatus) can mark one unhealthy.
import type { HealthStatus } from '../protocols/generated/servicediscovery-types.js';
import type { InstanceSpec, ServiceSpec } from './kinds.js';

export function healthOf(service: ServiceSpec, instance: InstanceSpec): HealthStatus {
  if (service.healthCheckCustomConfig) return instance.customHealth ?? 'HEALTHY';
  return 'UNKNOWN';
}

/** Instances without health checking count as healthy, as in Cloud Map. */
export const isHealthy = (status: HealthStatus) => status !== 'UNHEALTHY';

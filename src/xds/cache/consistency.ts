// A configuration is consistent when every route configuration a listener names (RDS) and
// every load assignment an EDS cluster names exists in it. Publishing an inconsistent one
// would leave Envoy warming forever or routing to nothing.
import type { ProxyConfig } from '../translate/types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Route configuration names referenced through `rds` anywhere in a listener (filter chains, API listeners). */
export function referencedRouteConfigs(listener: Json): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!isObject(v)) return;
    const rds = v.rds;
    if (isObject(rds)) {
      const name = rds.route_config_name ?? rds.routeConfigName;
      if (typeof name === 'string') out.push(name);
    }
    for (const child of Object.values(v)) walk(child);
  };
  walk(listener);
  return out;
}

/** The load assignment an EDS cluster asks for; undefined for other cluster types. */
export function referencedLoadAssignment(cluster: Json): string | undefined {
  if (cluster.type !== 'EDS') return undefined;
  const eds = cluster.eds_cluster_config ?? cluster.edsClusterConfig;
  const serviceName = isObject(eds) ? (eds.service_name ?? eds.serviceName) : undefined;
  return typeof serviceName === 'string' && serviceName !== '' ? serviceName : String(cluster.name);
}

/** Problems that make the configuration unsafe to publish; empty when it is consistent. */
export function consistencyErrors(config: ProxyConfig): string[] {
  const errors: string[] = [];
  const routeNames = new Set(config.routes.map((r) => r.name));
  const endpointNames = new Set(config.endpoints.map((e) => e.name));
  for (const l of config.listeners) {
    for (const name of referencedRouteConfigs(l.resource)) {
      if (!routeNames.has(name)) errors.push(`listener ${l.name} uses route configuration ${name}, which is missing`);
    }
  }
  for (const c of config.clusters) {
    const name = referencedLoadAssignment(c.resource);
    if (name !== undefined && !endpointNames.has(name))
      errors.push(`cluster ${c.name} uses load assignment ${name}, which is missing`);
  }
  for (const [type, list] of Object.entries(config)) {
    if (type === 'warnings') continue; // messages, not resources
    const seen = new Set<string>();
    for (const r of list as { name: string }[]) {
      if (seen.has(r.name)) errors.push(`${type}: ${r.name} appears twice`);
      seen.add(r.name);
    }
  }
  return errors;
}

// The Cloud Map instances the mesh snapshot builder reads, and which store changes alter
// them: register, deregister and health changes reach proxies through the change feed.
import { ApiError } from '../api/errors.js';
import type { CloudMapServiceKey, CloudMapSource } from '../mesh/cloud-map.js';
import type { DiscoveredInstance } from '../mesh/snapshot.js';
import type { Change, Store } from '../store/types.js';
import { healthOf, isHealthy } from './health.js';
import { findServiceByNames } from './instances.js';
import { type InstanceSpec, SdKind } from './kinds.js';

export class StoreCloudMapSource implements CloudMapSource {
  /** Service id → names, learnt while resolving; instance changes are scoped by service id. */
  private readonly keys = new Map<string, CloudMapServiceKey>();

  constructor(private readonly store: Store) {}

  async instancesFor(namespaceName: string, serviceName: string): Promise<DiscoveredInstance[]> {
    let found: Awaited<ReturnType<typeof findServiceByNames>>;
    try {
      found = await findServiceByNames(this.store, namespaceName, serviceName);
    } catch (err) {
      if (err instanceof ApiError) return [];
      throw err;
    }
    const { service } = found;
    this.keys.set(service.name, { namespaceName, serviceName });
    const rows = await this.store.list<InstanceSpec>(SdKind.instance, service.name);
    return rows.map((r) => ({
      instanceId: r.name,
      attributes: { ...r.spec.attributes },
      healthy: isHealthy(healthOf(service.spec, r.spec)),
    }));
  }

  affects(change: Change): CloudMapServiceKey | 'any' | undefined {
    switch (change.kind) {
      // A service no mesh has resolved yet has no instances any snapshot includes.
      case SdKind.instance:
        return this.keys.get(change.scope);
      case SdKind.service:
        return this.keys.get(change.name) ?? 'any';
      case SdKind.namespace:
        return 'any';
      default:
        return undefined;
    }
  }
}

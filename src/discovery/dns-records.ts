// DNS records of Cloud Map DNS namespaces for the built-in DNS server: `<service>.<namespace>`
// answers A/AAAA/SRV (or CNAME) of healthy instances, as Route 53 multivalue records would.
// Private namespaces answer only clients inside their VPC. The index is loaded once and then
// kept current from the change feed: a change re-reads only the one service (or namespace)
// it concerns, so registering an instance costs the same however many others exist, and
// lookups stay synchronous.
import { ipInCidr } from '../ec2/cidr.js';
import type { Ec2Snapshot } from '../endpoints/view.js';
import type { ResourceRecord } from '../endpoints/dns/message.js';
import type { DnsRecordSource, LookupResult } from '../endpoints/dns/record-source.js';
import type { Component } from '../runtime/component.js';
import type { Logger } from '../runtime/logger.js';
import type { Change, Store, StoredResource } from '../store/types.js';
import { Attr } from './attributes.js';
import { healthOf, isHealthy } from './health.js';
import { type InstanceSpec, type NamespaceSpec, SdKind, type ServiceSpec } from './kinds.js';
import { Reloader } from '../runtime/reloader.js';

interface Zone {
  /** Undefined for public namespaces, which answer everyone. */
  vpcId?: string;
  /** The union of its services' names (each name belongs to one service). */
  names: Map<string, ResourceRecord[]>;
}

interface NamespaceEntry {
  apex: string;
  name: string;
  zone: Zone;
  services: Set<string>;
}

/** What one run read from the store: namespaces and services as they are now (undefined: gone). */
interface Update {
  full: boolean;
  namespaces: Map<string, NamespaceSpec | undefined>;
  /** Service id → its namespace id and records, or undefined when it is gone or not in DNS. */
  services: Map<string, { namespaceId: string; names: Map<string, ResourceRecord[]> } | undefined>;
}

type RecordType = 'A' | 'AAAA' | 'SRV' | 'CNAME';

const dnsName = (...labels: string[]) => labels.join('.').toLowerCase();

/** The records one service contributes to its namespace's zone. */
function serviceRecords(
  namespace: string,
  service: ServiceSpec,
  instances: (InstanceSpec & { id: string })[],
): Map<string, ResourceRecord[]> {
  const names = new Map<string, ResourceRecord[]>();
  const add = (name: string, rr: ResourceRecord) => names.set(name, [...(names.get(name) ?? []), rr]);
  const base = dnsName(service.name, namespace);
  const ttl = new Map<RecordType, number>((service.dnsConfig?.DnsRecords ?? []).map((r) => [r.Type, r.TTL]));
  names.set(base, []);
  for (const instance of instances) {
    const a = instance.attributes;
    const ipv4 = a[Attr.ipv4];
    const ipv6 = a[Attr.ipv6];
    if (ipv4 && ttl.has('A')) add(base, { type: 'A', name: base, ttl: ttl.get('A')!, address: ipv4 });
    if (ipv6 && ttl.has('AAAA')) add(base, { type: 'AAAA', name: base, ttl: ttl.get('AAAA')!, address: ipv6 });
    if (a[Attr.cname] && ttl.has('CNAME'))
      add(base, { type: 'CNAME', name: base, ttl: ttl.get('CNAME')!, target: a[Attr.cname]! });
    const port = Number(a[Attr.port]);
    if (ttl.has('SRV') && port && (ipv4 || ipv6)) {
      // SRV targets are per-instance names that resolve to the instance's own addresses.
      const target = dnsName(instance.id, service.name, namespace);
      add(base, { type: 'SRV', name: base, ttl: ttl.get('SRV')!, priority: 1, weight: 1, port, target });
      if (ipv4) add(target, { type: 'A', name: target, ttl: ttl.get('SRV')!, address: ipv4 });
      if (ipv6) add(target, { type: 'AAAA', name: target, ttl: ttl.get('SRV')!, address: ipv6 });
    }
  }
  return names;
}

export class CloudMapRecordSource implements DnsRecordSource, Component {
  readonly name = 'cloud-map-dns';
  private zonesByName = new Map<string, Zone[]>();
  private readonly namespaces = new Map<string, NamespaceEntry>();
  /** Service id → the names it contributes to its namespace's zone. */
  private readonly serviceNames = new Map<string, { namespaceId: string; names: Map<string, ResourceRecord[]> }>();
  private unsubscribe?: () => void;
  /** Namespaces and services changed since the last run. */
  private readonly pendingNamespaces = new Set<string>();
  private readonly pendingServices = new Set<string>();
  private full = true;
  private readonly reloader = new Reloader(
    () => this.read(),
    (update: Update) => this.apply(update),
    (err) => this.log.warn({ err }, 'cloud map dns: store read failed; retrying'),
  );

  constructor(
    private readonly store: Store,
    private readonly ec2: () => Ec2Snapshot,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((changes) => {
      if (changes.map((c) => this.note(c)).some(Boolean)) void this.refresh();
    });
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.reloader.stop();
  }

  zones(): string[] {
    return [...this.zonesByName.keys()];
  }

  lookup(name: string, client: string): LookupResult {
    const apex = [...this.zonesByName.keys()]
      .filter((z) => name === z || name.endsWith(`.${z}`))
      .sort((x, y) => y.length - x.length)[0];
    const views = apex === undefined ? [] : (this.zonesByName.get(apex) ?? []);
    const view = views.find((z) => z.vpcId === undefined || this.inVpc(client, z.vpcId));
    if (!view) return 'refused';
    const records = view.names.get(name);
    return records ? { records } : 'nxdomain';
  }

  private inVpc(client: string, vpcId: string): boolean {
    const vpc = this.ec2().vpcs.get(vpcId);
    return vpc !== undefined && ipInCidr(client, vpc.cidrBlock);
  }

  /** Remembers what a change concerns; false when it concerns no DNS record. */
  private note(c: Change): boolean {
    if (c.kind === SdKind.namespace) this.pendingNamespaces.add(c.name);
    else if (c.kind === SdKind.service) this.pendingServices.add(c.name);
    else if (c.kind === SdKind.instance) this.pendingServices.add(c.scope);
    else return false;
    return true;
  }

  private refresh(): Promise<void> {
    return this.reloader.run();
  }

  private async recordsOf(
    namespaceName: string,
    serviceId: string,
    spec: ServiceSpec,
  ): Promise<Map<string, ResourceRecord[]>> {
    const rows = await this.store.list<InstanceSpec>(SdKind.instance, serviceId);
    const healthy = rows.filter((r) => isHealthy(healthOf(spec, r.spec))).map((r) => ({ ...r.spec, id: r.name }));
    return serviceRecords(namespaceName, spec, healthy);
  }

  private async read(): Promise<Update> {
    const full = this.full;
    this.full = false;
    const namespaceIds = [...this.pendingNamespaces];
    const serviceIds = [...this.pendingServices];
    this.pendingNamespaces.clear();
    this.pendingServices.clear();
    try {
      const update: Update = { full, namespaces: new Map(), services: new Map() };
      const loadNamespace = async (id: string, ns: NamespaceSpec | undefined) => {
        update.namespaces.set(id, ns && ns.type !== 'HTTP' ? ns : undefined);
        if (!ns || ns.type === 'HTTP') return;
        for (const svc of await this.store.list<ServiceSpec>(SdKind.service, id)) {
          update.services.set(
            svc.name,
            svc.spec.dnsConfig
              ? { namespaceId: id, names: await this.recordsOf(ns.name, svc.name, svc.spec) }
              : undefined,
          );
        }
      };
      if (full) {
        for (const ns of await this.store.listKind<NamespaceSpec>(SdKind.namespace))
          await loadNamespace(ns.name, ns.spec);
        return update;
      }
      for (const id of namespaceIds)
        await loadNamespace(id, (await this.store.get<NamespaceSpec>(SdKind.namespace, '', id))?.spec);
      for (const id of serviceIds) {
        if (update.services.has(id)) continue;
        const known = this.serviceNames.get(id)?.namespaceId;
        const svc = await this.findService(id, known);
        const namespaceName = svc
          ? (update.namespaces.get(svc.scope)?.name ?? this.namespaces.get(svc.scope)?.name)
          : undefined;
        update.services.set(
          id,
          svc && namespaceName !== undefined && svc.spec.dnsConfig
            ? { namespaceId: svc.scope, names: await this.recordsOf(namespaceName, id, svc.spec) }
            : undefined,
        );
      }
      return update;
    } catch (err) {
      this.full = true;
      throw err;
    }
  }

  /** A service row by id: services are scoped by their namespace, which a change of its instances does not name. */
  private async findService(
    id: string,
    namespaceId: string | undefined,
  ): Promise<StoredResource<ServiceSpec> | undefined> {
    if (namespaceId !== undefined) {
      const row = await this.store.get<ServiceSpec>(SdKind.service, namespaceId, id);
      if (row) return row;
    }
    for (const nsId of this.namespaces.keys()) {
      const row = await this.store.get<ServiceSpec>(SdKind.service, nsId, id);
      if (row) return row;
    }
    return undefined;
  }

  /** Applies an update in one synchronous step, so lookups never see half of it. */
  private apply(update: Update): void {
    if (update.full) {
      this.namespaces.clear();
      this.serviceNames.clear();
    }
    for (const [id, ns] of update.namespaces) {
      const old = this.namespaces.get(id);
      if (old) for (const svc of old.services) this.serviceNames.delete(svc);
      this.namespaces.delete(id);
      if (ns) {
        const zone: Zone = { names: new Map(), ...(ns.vpc ? { vpcId: ns.vpc } : {}) };
        this.namespaces.set(id, { apex: ns.name.toLowerCase(), name: ns.name, zone, services: new Set() });
      }
    }
    for (const [id, entry] of update.services) {
      const old = this.serviceNames.get(id);
      if (old) {
        const ns = this.namespaces.get(old.namespaceId);
        if (ns) {
          for (const name of old.names.keys()) ns.zone.names.delete(name);
          ns.services.delete(id);
        }
        this.serviceNames.delete(id);
      }
      const ns = entry ? this.namespaces.get(entry.namespaceId) : undefined;
      if (!entry || !ns) continue;
      for (const [name, records] of entry.names) ns.zone.names.set(name, records);
      ns.services.add(id);
      this.serviceNames.set(id, entry);
    }
    if (update.full || update.namespaces.size) {
      const zones = new Map<string, Zone[]>();
      for (const ns of this.namespaces.values()) zones.set(ns.apex, [...(zones.get(ns.apex) ?? []), ns.zone]);
      this.zonesByName = zones;
    }
  }
}

// DNS records of Cloud Map DNS namespaces for the built-in DNS server: `<service>.<namespace>`
// answers A/AAAA/SRV (or CNAME) of healthy instances, as Route 53 multivalue records would.
// Private namespaces answer only clients inside their VPC. The index is rebuilt from the
// store whenever a Cloud Map row changes, so lookups stay synchronous.
import { ipInCidr } from '../ec2/cidr.js';
import type { Ec2Snapshot } from '../endpoints/view.js';
import type { ResourceRecord } from '../endpoints/dns/message.js';
import type { DnsRecordSource, LookupResult } from '../endpoints/dns/record-source.js';
import type { Component } from '../server/app.js';
import type { Logger } from '../server/logger.js';
import type { Store } from '../store/types.js';
import { Attr } from './attributes.js';
import { healthOf, isHealthy } from './health.js';
import { type InstanceSpec, type NamespaceSpec, SdKind, type ServiceSpec } from './kinds.js';
import { Reloader } from '../server/reloader.js';

interface Zone {
  /** Undefined for public namespaces, which answer everyone. */
  vpcId?: string;
  names: Map<string, ResourceRecord[]>;
}

type RecordType = 'A' | 'AAAA' | 'SRV' | 'CNAME';

const dnsName = (...labels: string[]) => labels.join('.').toLowerCase();

/** The records one service contributes to its namespace's zone. */
function serviceRecords(namespace: string, service: ServiceSpec, instances: (InstanceSpec & { id: string })[]): Map<string, ResourceRecord[]> {
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
    if (a[Attr.cname] && ttl.has('CNAME')) add(base, { type: 'CNAME', name: base, ttl: ttl.get('CNAME')!, target: a[Attr.cname]! });
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
  private unsubscribe?: () => void;
  private readonly reloader = new Reloader(
    () => this.load(),
    (zones: Map<string, Zone[]>) => { this.zonesByName = zones; },
    (err) => this.log.warn({ err }, 'cloud map dns: store read failed; retrying'),
  );

  constructor(private readonly store: Store, private readonly ec2: () => Ec2Snapshot, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((changes) => {
      if (changes.some((c) => c.kind === SdKind.namespace || c.kind === SdKind.service || c.kind === SdKind.instance)) void this.refresh();
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
    const apex = [...this.zonesByName.keys()].filter((z) => name === z || name.endsWith(`.${z}`)).sort((x, y) => y.length - x.length)[0];
    const views = apex === undefined ? [] : this.zonesByName.get(apex) ?? [];
    const view = views.find((z) => z.vpcId === undefined || this.inVpc(client, z.vpcId));
    if (!view) return 'refused';
    const records = view.names.get(name);
    return records ? { records } : 'nxdomain';
  }

  private inVpc(client: string, vpcId: string): boolean {
    const vpc = this.ec2().vpcs.get(vpcId);
    return vpc !== undefined && ipInCidr(client, vpc.cidrBlock);
  }

  private refresh(): Promise<void> {
    return this.reloader.run();
  }

  private async load(): Promise<Map<string, Zone[]>> {
    const out = new Map<string, Zone[]>();
    for (const ns of await this.store.listKind<NamespaceSpec>(SdKind.namespace)) {
      if (ns.spec.type === 'HTTP') continue;
      const zone: Zone = { names: new Map(), ...(ns.spec.vpc ? { vpcId: ns.spec.vpc } : {}) };
      for (const svc of await this.store.list<ServiceSpec>(SdKind.service, ns.name)) {
        if (!svc.spec.dnsConfig) continue;
        const rows = await this.store.list<InstanceSpec>(SdKind.instance, svc.name);
        const healthy = rows.filter((r) => isHealthy(healthOf(svc.spec, r.spec))).map((r) => ({ ...r.spec, id: r.name }));
        for (const [name, records] of serviceRecords(ns.spec.name, svc.spec, healthy)) zone.names.set(name, records);
      }
      const apex = ns.spec.name.toLowerCase();
      out.set(apex, [...(out.get(apex) ?? []), zone]);
    }
    return out;
  }
}

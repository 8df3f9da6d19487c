// The endpoint runtime's read model: every VPC, security group, endpoint and endpoint
// interface, loaded from the store once and then kept current from the change feed: each
// EC2 change re-reads only the row it names, so an EC2 write costs the same however many
// EC2 objects exist. Listeners, security-group checks and DNS all read the current snapshot.
import type { Logger } from '../runtime/logger.js';
import type { Change, Store } from '../store/types.js';
import { Reloader } from '../runtime/reloader.js';
import {
  Ec2Kind,
  type NetworkInterfaceSpec,
  type SecurityGroupSpec,
  type SubnetSpec,
  type VpcEndpointSpec,
  type VpcSpec,
} from '../ec2/records.js';

export interface Ec2Snapshot {
  vpcs: ReadonlyMap<string, VpcSpec>;
  subnets: ReadonlyMap<string, SubnetSpec>;
  groups: ReadonlyMap<string, SecurityGroupSpec>;
  endpoints: ReadonlyMap<string, VpcEndpointSpec>;
  interfaces: ReadonlyMap<string, NetworkInterfaceSpec>;
}

const EMPTY: Ec2Snapshot = {
  vpcs: new Map(),
  subnets: new Map(),
  groups: new Map(),
  endpoints: new Map(),
  interfaces: new Map(),
};

const FIELD: Record<string, keyof Ec2Snapshot> = {
  [Ec2Kind.vpc]: 'vpcs',
  [Ec2Kind.subnet]: 'subnets',
  [Ec2Kind.securityGroup]: 'groups',
  [Ec2Kind.vpcEndpoint]: 'endpoints',
  [Ec2Kind.networkInterface]: 'interfaces',
};

/**
 * The snapshot after `changes`: a new snapshot (snapshots are never mutated) that shares
 * the maps of the kinds the changes did not touch. Each changed row is read again by its key.
 */
async function applyChanges(store: Store, base: Ec2Snapshot, changes: Iterable<Change>): Promise<Ec2Snapshot> {
  const next = {
    vpcs: new MapPatch(base.vpcs),
    subnets: new MapPatch(base.subnets),
    groups: new MapPatch(base.groups),
    endpoints: new MapPatch(base.endpoints),
    interfaces: new MapPatch(base.interfaces),
  };
  for (const c of changes) {
    const field = FIELD[c.kind];
    if (field) await next[field].apply(store, c);
  }
  return {
    vpcs: next.vpcs.result,
    subnets: next.subnets.result,
    groups: next.groups.result,
    endpoints: next.endpoints.result,
    interfaces: next.interfaces.result,
  };
}

/** One kind's map of a snapshot: the previous one until a change names that kind, then a copy with the changes. */
class MapPatch<S> {
  private copy: Map<string, S> | undefined;

  constructor(private readonly base: ReadonlyMap<string, S>) {}

  get result(): ReadonlyMap<string, S> {
    return this.copy ?? this.base;
  }

  async apply(store: Store, c: Change): Promise<void> {
    this.copy ??= new Map(this.base);
    const row = await store.get<S>(c.kind, c.scope, c.name);
    if (row) this.copy.set(c.name, row.spec);
    else this.copy.delete(c.name);
  }
}

async function load(store: Store): Promise<Ec2Snapshot> {
  const byId = async <S>(kind: string) =>
    new Map((await store.listKind<S>(kind)).map((r) => [r.name, r.spec] as const));
  const [vpcs, subnets, groups, endpoints, interfaces] = await Promise.all([
    byId<VpcSpec>(Ec2Kind.vpc),
    byId<SubnetSpec>(Ec2Kind.subnet),
    byId<SecurityGroupSpec>(Ec2Kind.securityGroup),
    byId<VpcEndpointSpec>(Ec2Kind.vpcEndpoint),
    byId<NetworkInterfaceSpec>(Ec2Kind.networkInterface),
  ]);
  return { vpcs, subnets, groups, endpoints, interfaces };
}

export class Ec2View {
  current: Ec2Snapshot = EMPTY;
  private readonly listeners: ((snapshot: Ec2Snapshot) => void)[] = [];
  private unsubscribe?: () => void;
  private readonly reloader: Reloader<Ec2Snapshot>;
  /** EC2 rows changed since the last applied snapshot, by key. */
  private readonly pending = new Map<string, Change>();
  /** Whether the next run loads everything (at start, and after a failed run). */
  private full = true;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.reloader = new Reloader(
      () => this.next(),
      (snapshot) => {
        this.current = snapshot;
        for (const l of this.listeners) l(snapshot);
      },
      (err) => this.log.warn({ err }, 'endpoint view: store read failed; retrying'),
    );
  }

  onChange(listener: (snapshot: Ec2Snapshot) => void): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.unsubscribe = this.store.subscribe((changes) => {
      let relevant = false;
      for (const c of changes) {
        if (!FIELD[c.kind]) continue;
        this.pending.set(`${c.kind}\0${c.scope}\0${c.name}`, c);
        relevant = true;
      }
      if (relevant) void this.refresh();
    });
    await this.refresh();
  }

  private async next(): Promise<Ec2Snapshot> {
    const full = this.full;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.full = false;
    try {
      return full ? await load(this.store) : await applyChanges(this.store, this.current, batch);
    } catch (err) {
      this.full = true;
      throw err;
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.reloader.stop();
    this.listeners.length = 0;
  }

  /** Applies what changed; writes that arrive while a run is under way cause exactly one more run after it. */
  refresh(): Promise<void> {
    return this.reloader.run();
  }
}

// The endpoint runtime's read model: every VPC, security group, endpoint and endpoint
// interface, loaded from the store and reloaded when the change feed reports an EC2
// write. Listeners, security-group checks and DNS all read the current snapshot.
import type { Logger } from '../server/logger.js';
import type { Store } from '../store/types.js';
import { Reloader } from '../server/reloader.js';
import {
  Ec2Kind, type NetworkInterfaceSpec, type SecurityGroupSpec, type SubnetSpec, type VpcEndpointSpec, type VpcSpec,
} from '../ec2/records.js';

export interface Ec2Snapshot {
  vpcs: ReadonlyMap<string, VpcSpec>;
  subnets: ReadonlyMap<string, SubnetSpec>;
  groups: ReadonlyMap<string, SecurityGroupSpec>;
  endpoints: ReadonlyMap<string, VpcEndpointSpec>;
  interfaces: ReadonlyMap<string, NetworkInterfaceSpec>;
}

const EMPTY: Ec2Snapshot = { vpcs: new Map(), subnets: new Map(), groups: new Map(), endpoints: new Map(), interfaces: new Map() };

async function load(store: Store): Promise<Ec2Snapshot> {
  const byId = async <S>(kind: string) => new Map((await store.listKind<S>(kind)).map((r) => [r.name, r.spec] as const));
  const [vpcs, subnets, groups, endpoints, interfaces] = await Promise.all([
    byId<VpcSpec>(Ec2Kind.vpc), byId<SubnetSpec>(Ec2Kind.subnet), byId<SecurityGroupSpec>(Ec2Kind.securityGroup),
    byId<VpcEndpointSpec>(Ec2Kind.vpcEndpoint), byId<NetworkInterfaceSpec>(Ec2Kind.networkInterface),
  ]);
  return { vpcs, subnets, groups, endpoints, interfaces };
}

export class Ec2View {
  current: Ec2Snapshot = EMPTY;
  private readonly listeners: ((snapshot: Ec2Snapshot) => void)[] = [];
  private unsubscribe?: () => void;
  private readonly reloader: Reloader<Ec2Snapshot>;

  constructor(private readonly store: Store, private readonly log: Logger) {
    this.reloader = new Reloader(
      () => load(this.store),
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
      if (changes.some((c) => c.kind.startsWith('ec2:'))) void this.refresh();
    });
    await this.refresh();
  }

  stop(): void {
    this.unsubscribe?.();
    this.reloader.stop();
    this.listeners.length = 0;
  }

  /** Reloads; writes that arrive while a load runs cause exactly one more load after it. */
  refresh(): Promise<void> {
    return this.reloader.run();
  }
}

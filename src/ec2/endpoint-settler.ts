// The singleton job that moves interface endpoints along their lifecycle: 'pending' →
// 'available' and 'deleting' → gone, a settle delay after their last change. It reads
// everything from the store on every pass, so a restart (or another replica taking over
// the lease) simply continues.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';
import type { Logger } from '../server/logger.js';
import { Ec2Kind, type VpcEndpointSpec } from './records.js';
import { updateRow } from './rows.js';

const LEASE = 'ec2:endpoint-settler';

export interface EndpointSettlerOptions {
  store: Store;
  log: Logger;
  /** How long an endpoint stays pending (or deleting) after its last change. */
  settleMs: number;
}

export class EndpointSettler {
  readonly name = 'ec2-endpoint-settler';
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: EndpointSettlerOptions) {}

  private get intervalMs(): number {
    return Math.max(50, Math.min(1000, Math.floor(this.opts.settleMs / 2)));
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.opts.store.subscribe((changes) => {
      if (changes.some((c) => c.kind === Ec2Kind.vpcEndpoint)) this.kick();
    });
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    await this.opts.store.releaseLease(LEASE, this.holder).catch(() => false);
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.pass().catch((err) => this.opts.log.warn({ err }, 'endpoint settle pass failed')).finally(() => { this.running = undefined; });
  }

  private async pass(): Promise<void> {
    const { store, settleMs } = this.opts;
    if (!(await store.tryAcquireLease(LEASE, this.holder, Math.max(5000, this.intervalMs * 10)))) return;
    const now = Date.now();
    const due = (await store.listKind<VpcEndpointSpec>(Ec2Kind.vpcEndpoint))
      .filter((r) => (r.spec.state === 'pending' || r.spec.state === 'deleting') && now - r.updatedAt >= settleMs);
    for (const r of due) {
      await store.transact(async (tx) => {
        const row = await tx.get<VpcEndpointSpec>(Ec2Kind.vpcEndpoint, r.scope, r.name);
        if (!row || row.version !== r.version) return;
        if (row.spec.state === 'deleting') await tx.delete(Ec2Kind.vpcEndpoint, row.scope, row.name);
        else await updateRow(tx, row, { spec: { ...row.spec, state: 'available' }, status: 'available' });
      });
      this.opts.log.info({ vpcEndpointId: r.name, from: r.spec.state }, 'vpc endpoint settled');
    }
  }
}

// The singleton job that moves interface endpoints along their lifecycle: 'pending' →
// 'available' and 'deleting' → gone, a settle delay after their last change. It reads
// everything from the store on every pass, so a restart (or another replica taking over
// the lease) simply continues.
import type { Store } from '../store/types.js';
import type { Component } from '../runtime/component.js';
import type { Logger } from '../runtime/logger.js';
import { periodicJob, Singleton } from '../runtime/singleton.js';
import { Ec2Kind, type VpcEndpointSpec } from './records.js';
import { updateRow } from './rows.js';

const LEASE = 'ec2:endpoint-settler';

export interface EndpointSettlerOptions {
  store: Store;
  log: Logger;
  /** How long an endpoint stays pending (or deleting) after its last change. */
  settleMs: number;
}

export class EndpointSettler implements Component {
  readonly name = 'ec2-endpoint-settler';
  /** Runs the passes on one replica at a time (a lease in the store; see runtime/singleton.ts). */
  private readonly singleton: Singleton;

  constructor(private readonly opts: EndpointSettlerOptions) {
    const { store, log } = opts;
    const job = periodicJob(
      this.intervalMs,
      (signal) => this.pass(signal),
      (err) => log.warn({ err }, 'endpoint settle pass failed'),
      (kick) =>
        store.subscribe((changes) => {
          if (changes.some((c) => c.kind === Ec2Kind.vpcEndpoint)) kick();
        }),
    );
    this.singleton = new Singleton({ store, log, lease: LEASE, job, ttlMs: Math.max(6000, this.intervalMs * 6) });
  }

  private get intervalMs(): number {
    return Math.max(50, Math.min(1000, Math.floor(this.opts.settleMs / 2)));
  }

  async start(): Promise<void> {
    await this.singleton.start();
  }

  async stop(): Promise<void> {
    await this.singleton.stop();
  }

  /** Settles what is due; returns when the next endpoint will be due, or null when none is waiting. */
  private async pass(signal: AbortSignal): Promise<number | null> {
    const { store, settleMs } = this.opts;
    const now = Date.now();
    const waiting = (await store.listKind<VpcEndpointSpec>(Ec2Kind.vpcEndpoint)).filter(
      (r) => r.spec.state === 'pending' || r.spec.state === 'deleting',
    );
    const due = waiting.filter((r) => now - r.updatedAt >= settleMs);
    const later = waiting.filter((r) => now - r.updatedAt < settleMs).map((r) => r.updatedAt + settleMs - now);
    for (const r of due) {
      if (signal.aborted) return null;
      const settled = await store.transact(async (tx) => {
        // Changed since the listing (modified again, or settled by a previous holder): leave it to a later pass.
        const row = await tx.get<VpcEndpointSpec>(Ec2Kind.vpcEndpoint, r.scope, r.name);
        if (!row || row.version !== r.version) return false;
        if (row.spec.state === 'deleting') await tx.delete(Ec2Kind.vpcEndpoint, row.scope, row.name);
        else await updateRow(tx, row, { spec: { ...row.spec, state: 'available' }, status: 'available' });
        return true;
      });
      if (settled) this.opts.log.info({ vpcEndpointId: r.name, from: r.spec.state }, 'vpc endpoint settled');
    }
    return later.length ? Math.min(...later) : null;
  }
}

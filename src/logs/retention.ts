// The singleton job that deletes events older than their group's retention. It works in
// bounded batches (one transaction each) and runs on one replica at a time.
import type { Store } from '../store/types.js';
import type { Component } from '../runtime/component.js';
import type { Logger } from '../runtime/logger.js';
import { periodicJob, Singleton } from '../runtime/singleton.js';
import { logEventsExpired } from './metrics.js';

const LEASE = 'logs:retention';
const BATCH = 5_000;

export interface RetentionJobOptions {
  store: Store;
  log: Logger;
  /** Time between passes when nothing is left to expire (default one minute). */
  intervalMs?: number;
  now?: () => number;
}

export class RetentionJob implements Component {
  readonly name = 'logs-retention';
  private readonly singleton: Singleton;

  constructor(private readonly opts: RetentionJobOptions) {
    const interval = opts.intervalMs ?? 60_000;
    const job = periodicJob(
      interval,
      (signal) => this.pass(signal),
      (err) => opts.log.warn({ err }, 'log retention pass failed'),
    );
    this.singleton = new Singleton({ store: opts.store, log: opts.log, lease: LEASE, job, ttlMs: 6000 });
  }

  start(): Promise<void> {
    return this.singleton.start();
  }
  stop(): Promise<void> {
    return this.singleton.stop();
  }

  /** Expires batches until none is left; a full batch asks for the next pass at once. */
  private async pass(signal: AbortSignal): Promise<number | undefined> {
    const now = (this.opts.now ?? Date.now)();
    let total = 0;
    for (let i = 0; i < 20 && !signal.aborted; i++) {
      const n = await this.opts.store.logs.expireEvents(now, BATCH);
      total += n;
      logEventsExpired.inc(n);
      if (n < BATCH) {
        if (total) this.opts.log.info({ events: total }, 'expired log events past their retention');
        return;
      }
    }
    if (total) this.opts.log.info({ events: total }, 'expired log events past their retention');
    return 0;
  }
}

// Jobs that must run on one replica at a time (endpoint state transitions, expiry, cleanup).
//
// A Singleton holds a named lease in the store and runs its job only while it holds it:
//  - it tries to take the lease every ttl/3; once it has it, it starts the job;
//  - it renews every ttl/3; when a renewal fails (another holder, or the store is
//    unreachable) it stops the job at once, then keeps trying to take the lease again;
//  - if no renewal succeeds before the lease would expire (counted from the moment the
//    last successful renewal was *sent*, so a slow answer cannot stretch it), the job is
//    stopped as well, even if the renewal request is still hanging;
//  - on stop() it stops the job and releases the lease, so another replica takes over at
//    once; a replica that dies simply stops renewing and is replaced after the TTL.
// PostgreSQL keeps lease expiry on the database clock, so replicas need not agree on time.
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';

/** The part of the store a Singleton uses: its named leases. */
export interface LeaseStore {
  tryAcquireLease(name: string, holderId: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holderId: string): Promise<boolean>;
}

/** Runs until `signal` aborts (then it should return promptly). */
export type SingletonJob = (signal: AbortSignal) => Promise<void>;

export interface SingletonOptions {
  store: LeaseStore;
  log: Logger;
  /** Lease name, unique per job (e.g. 'ec2:endpoint-settler'). */
  lease: string;
  job: SingletonJob;
  /** Lease time to live (default 6000 ms); renewals every ttl/3. */
  ttlMs?: number;
  /** Defaults to a random id per process. */
  holderId?: string;
}

export class Singleton {
  readonly holderId: string;
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private running: { controller: AbortController; done: Promise<void> } | undefined;
  private stopped = true;

  constructor(private readonly opts: SingletonOptions) {
    this.holderId = opts.holderId ?? randomUUID();
    this.ttlMs = Math.max(30, opts.ttlMs ?? 6000);
  }

  get name(): string {
    return `singleton:${this.opts.lease}`;
  }

  /** Whether the job is running here now. */
  get leading(): boolean {
    return this.running !== undefined;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    // Let an in-flight renewal land first (so the release below is the last word), but do
    // not wait for one that hangs on an unreachable database.
    if (this.ticking) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.ticking,
        new Promise((r) => {
          timer = setTimeout(r, this.ttlMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const wasLeading = this.leading;
    await this.halt('stopping');
    if (wasLeading) await this.opts.store.releaseLease(this.opts.lease, this.holderId).catch(() => false);
  }

  private tick(): void {
    if (this.ticking || this.stopped) return;
    this.ticking = this.renew().finally(() => {
      this.ticking = undefined;
    });
  }

  private async renew(): Promise<void> {
    const sentAt = Date.now();
    let held = false;
    try {
      held = await this.opts.store.tryAcquireLease(this.opts.lease, this.holderId, this.ttlMs);
    } catch (err) {
      if (this.leading) this.opts.log.warn({ err, lease: this.opts.lease }, 'lease renewal failed; stopping the job');
    }
    if (this.stopped) return;
    if (!held) {
      await this.halt('lease lost');
      return;
    }
    // Stop the job if the next renewal does not succeed before the lease runs out.
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(
      () => void this.halt('lease expired'),
      Math.max(0, sentAt + this.ttlMs - Date.now() - 10),
    );
    this.watchdog.unref();
    if (!this.running) this.launch();
  }

  private launch(): void {
    const controller = new AbortController();
    const { log, lease } = this.opts;
    log.info({ lease, holder: this.holderId }, 'lease acquired; starting singleton job');
    const done = Promise.resolve()
      .then(() => this.opts.job(controller.signal))
      .catch((err) => log.error({ err, lease }, 'singleton job failed'))
      .finally(() => {
        // A job that ends on its own gives the lease up; it is retried on the next tick.
        if (this.running?.controller === controller) {
          this.running = undefined;
          clearTimeout(this.watchdog);
          void this.opts.store.releaseLease(lease, this.holderId).catch(() => false);
        }
      });
    this.running = { controller, done };
  }

  private async halt(reason: string): Promise<void> {
    clearTimeout(this.watchdog);
    const current = this.running;
    if (!current) return;
    this.running = undefined;
    this.opts.log.info({ lease: this.opts.lease, holder: this.holderId, reason }, 'stopping singleton job');
    current.controller.abort(new Error(reason));
    await current.done;
  }
}

/** A job that calls `pass` every `intervalMs` (and when `kick` is called) until aborted; passes never overlap. */
export function periodicJob(
  intervalMs: number,
  pass: (signal: AbortSignal) => Promise<number | null | undefined>,
  onError: (err: unknown) => void,
  setup?: (kick: () => void) => () => void,
): SingletonJob {
  // A pass may say when it wants to run next: a delay in ms, or null for "only when kicked"
  // (so an idle job costs no wake-ups); by default it runs every intervalMs.
  return (signal) =>
    new Promise<void>((resolve) => {
      let running: Promise<void> | undefined;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      const schedule = (delay: number | null | undefined): void => {
        clearTimeout(timer);
        timer = undefined;
        if (signal.aborted || delay === null) return;
        timer = setTimeout(kick, Math.max(0, Math.min(delay ?? intervalMs, intervalMs)));
        timer.unref();
      };
      const kick = (): void => {
        if (signal.aborted) return;
        if (running) {
          again = true;
          return;
        }
        again = false;
        running = pass(signal)
          .then(schedule, (err: unknown) => {
            onError(err);
            schedule(undefined);
          })
          .finally(() => {
            running = undefined;
            if (again) kick();
          });
      };
      const teardown = setup?.(kick);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          teardown?.();
          void Promise.resolve(running).then(() => resolve());
        },
        { once: true },
      );
      kick();
    });
}

// Whether this replica reaches its store, for xDS admission. The store is pinged every second (and at once when a
// snapshot rebuild finds it unreachable). While it is unreachable new streams are refused with UNAVAILABLE; once it has
// been unreachable for the grace period the open streams are to be closed with UNAVAILABLE too, so proxies reconnect to
// a replica that still reaches the database (Envoy keeps its last configuration meanwhile).
import type { Logger } from '../../runtime/logger.js';
import { StoreUnavailableError } from '../../store/types.js';

/** The default grace period: long enough for a database restart or failover. */
export const DEFAULT_STORE_GRACE_MS = 10_000;
const DEFAULT_PING_MS = 1000;
/** A store ping unanswered this long counts as the store being unreachable (the store's connect timeout). */
const PING_HUNG_MS = 5000;
/** Pings in flight at most (during a partition they hang; newer ones must still go out). */
const MAX_PINGS = 3;

export interface StoreHealthOptions {
  store: { ping(): Promise<void> };
  log: Logger;
  /** How long the store may be unreachable before `onGraceExceeded` is called; default 10 s. */
  graceMs?: number;
  /** Interval of the health check; default 1 s. */
  pingMs?: number;
  /** Called whenever the store is found still unreachable past the grace period, with how long it has been down. */
  onGraceExceeded: (downMs: number) => void;
}

export class StoreHealth {
  private readonly graceMs: number;
  private running = false;
  /** When the store was first seen unreachable (start of the failing ping); undefined while it answers. */
  private downSince: number | undefined;
  /** Pings not answered yet; a hung one must not stop newer pings from seeing the store come back. */
  private readonly pings = new Set<{ started: number }>();
  /** Start times of the newest ping that answered, and of the newest that failed: older outcomes are stale. */
  private lastAnswered = 0;
  private lastFailed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: StoreHealthOptions) {
    this.graceMs = opts.graceMs ?? DEFAULT_STORE_GRACE_MS;
  }

  /** Whether new streams are admitted: false while the store is unreachable. */
  get reachable(): boolean {
    return this.downSince === undefined;
  }

  start(): void {
    this.running = true;
    this.timer = setInterval(() => this.tick(), this.opts.pingMs ?? DEFAULT_PING_MS);
    this.timer.unref();
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
  }

  /** Told about failed store reads elsewhere (snapshot rebuilds): checks the store at once. */
  noteStoreError(err: unknown): void {
    if (err instanceof StoreUnavailableError && this.pings.size === 0 && this.running) void this.check();
  }

  private check(): Promise<void> {
    const ping = { started: Date.now() };
    this.pings.add(ping);
    return this.opts.store
      .ping()
      .then(
        () => {
          this.lastAnswered = Math.max(this.lastAnswered, ping.started);
          if (ping.started < this.lastFailed) return;
          if (this.downSince !== undefined) {
            this.opts.log.info({ downMs: Date.now() - this.downSince }, 'store reachable again; admitting xDS streams');
          }
          this.downSince = undefined;
        },
        (err: unknown) => {
          if (ping.started < this.lastAnswered) return;
          this.lastFailed = Math.max(this.lastFailed, ping.started);
          this.down(ping.started, err);
        },
      )
      .finally(() => {
        this.pings.delete(ping);
      });
  }

  private tick(): void {
    const now = Date.now();
    // A silent partition: a ping hangs until the store's own timeouts; count it as down meanwhile.
    let oldest: number | undefined;
    for (const p of this.pings) oldest = Math.min(oldest ?? p.started, p.started);
    if (oldest !== undefined && oldest > this.lastAnswered && now - oldest >= Math.min(PING_HUNG_MS, this.graceMs)) {
      this.down(oldest, new Error('store ping unanswered'));
    }
    if (this.pings.size < MAX_PINGS) void this.check();
  }

  private down(since: number, err: unknown): void {
    if (!this.running) return;
    if (this.downSince === undefined) {
      this.downSince = since;
      this.opts.log.warn({ err }, 'store unreachable; refusing new xDS streams');
    }
    const downMs = Date.now() - this.downSince;
    if (downMs >= this.graceMs) this.opts.onGraceExceeded(downMs);
  }
}

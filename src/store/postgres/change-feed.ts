// The change feed of a PostgreSQL store: a transaction NOTIFYs the channel with its last revision on commit; the feed
// LISTENs on a dedicated connection (reconnecting with backoff) and then reads changesSince(cursor). A periodic resync
// compares revision() with the cursor, so a lost notification only costs latency.
import pg from 'pg';
import type { Change } from '../types.js';
import type { PgPool } from './pool.js';
import { type ChangeRow, toChange } from './rows.js';

const FEED_BATCH = 1000;

export interface ChangeFeedOptions {
  /** NOTIFY channel. */
  channel: string;
  /** Interval of the resync poll. */
  resyncIntervalMs: number;
}

export async function latestRevision(pool: PgPool): Promise<number> {
  const { rows } = await pool.query<{ r: string }>('SELECT coalesce(max(revision), 0) AS r FROM changes');
  return Number(rows[0]?.r ?? 0);
}

export async function changesSince(pool: PgPool, revision: number, limit: number): Promise<Change[]> {
  const { rows } = await pool.query<ChangeRow>(
    'SELECT revision, op, kind, scope, name FROM changes WHERE revision > $1 ORDER BY revision LIMIT $2',
    [revision, limit],
  );
  return rows.map(toChange);
}

export class ChangeFeed {
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private closed = false;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private listener: pg.Client | undefined;
  private listenerStarting = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay = 0;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** Newest revision delivered to listeners (or known committed, while there are none). */
  private cursor = 0;

  constructor(
    private readonly pool: PgPool,
    private readonly opts: ChangeFeedOptions,
  ) {}

  /** Follows the feed from `revision` (the newest committed when the store opened). */
  start(revision: number): void {
    this.cursor = revision;
    this.resyncTimer = setInterval(() => void this.resync(), this.opts.resyncIntervalMs);
    this.resyncTimer.unref();
    void this.startListener();
  }

  /**
   * Listeners receive, in revision order and at most once, every change committed after
   * they subscribed, from any replica (possibly also a few committed just before). Changes
   * of several transactions may arrive in one call.
   */
  subscribe(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    this.kick();
    return () => this.listeners.delete(listener);
  }

  /** A local commit: all revisions up to `revision` are committed (writes are serialized). */
  committed(revision: number): void {
    if (this.listeners.size === 0) this.cursor = Math.max(this.cursor, revision);
    else this.kick();
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    clearInterval(this.resyncTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => undefined);
    await this.pumping;
  }

  private async resync(): Promise<void> {
    if (this.closed) return;
    if (!this.listener && !this.listenerStarting && !this.reconnectTimer) void this.startListener();
    try {
      const revision = await latestRevision(this.pool);
      if (revision > this.cursor) {
        if (this.listeners.size === 0) this.cursor = revision;
        else this.kick();
      }
    } catch (err) {
      this.pool.background(err);
    }
  }

  private async startListener(): Promise<void> {
    if (this.closed || this.listener || this.listenerStarting) return;
    this.listenerStarting = true;
    const client = new pg.Client(this.pool.clientConfig);
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (err) this.pool.background(err);
      client.end().catch(() => undefined);
      if (this.listener === client) this.listener = undefined;
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel !== this.opts.channel) return;
      const revision = Number(msg.payload);
      if (!Number.isFinite(revision) || revision <= this.cursor) return;
      if (this.listeners.size === 0) this.cursor = revision;
      else this.kick();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.opts.channel)}`);
      if (this.closed || lost) {
        client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.reconnectDelay = 0;
      // Anything committed while we were not listening.
      void this.resync();
    } catch (err) {
      onLost(err);
    } finally {
      this.listenerStarting = false;
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectDelay = Math.min(Math.max(this.reconnectDelay * 2, 100), 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.startListener();
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
  }

  /** Delivers pending changes; one pump at a time, re-run if kicked meanwhile. */
  private kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumpAgain = false;
    this.pumping = this.pump()
      .catch((err) => this.pool.background(err))
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      if (this.listeners.size === 0) return;
      const changes = await changesSince(this.pool, this.cursor, FEED_BATCH);
      const last = changes[changes.length - 1];
      if (!last) return;
      this.cursor = last.revision;
      for (const l of [...this.listeners]) {
        try {
          l(changes);
        } catch {
          /* a listener's failure is its own */
        }
      }
      if (changes.length < FEED_BATCH) return;
    }
  }
}

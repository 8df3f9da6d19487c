// PostgreSQL backend. Several replicas share one database. The parts: the connection pool (pool.ts), the schema
// (migrate.ts, migrations.ts), resource transactions serialized by one advisory lock (transactions.ts), singleton
// leases (leases.ts) and the change feed (change-feed.ts).
//
// Failures: errors meaning the database cannot be reached become StoreUnavailableError;
// the pool opens new connections once the database is back, and the listener reconnects.
import type { LogStore } from '../log-store.js';
import type { Change, ListOptions, Store, StoreReader, StoreTx, StoredResource } from '../types.js';
import { ChangeFeed, changesSince, latestRevision } from './change-feed.js';
import { mapPgError } from './errors.js';
import { releaseLease, tryAcquireLease } from './leases.js';
import { migratePostgres } from './migrate.js';
import { PgPool } from './pool.js';
import { PostgresLogStore } from './postgres-log-store.js';
import { reader } from './rows.js';
import { PgTransactions } from './transactions.js';

export interface PostgresStoreOptions {
  /** Pool size (default 10). */
  poolSize?: number;
  /** How long to wait for a new connection before failing with StoreUnavailableError (default 5000). */
  connectTimeoutMs?: number;
  /**
   * How long to wait for the answer to one statement (default 10000). A database behind a
   * silent network partition never answers; this turns the wait into StoreUnavailableError
   * (503) instead of a request that hangs. Migrations are exempt.
   */
  queryTimeoutMs?: number;
  /** Interval of the change-feed resync poll (default 1000). */
  resyncIntervalMs?: number;
  /** Times a transaction is re-run after a serialization failure or deadlock (default 5). */
  maxRetries?: number;
  /** NOTIFY channel (default 'appmeshd_changes'). */
  channel?: string;
  /** Called with errors of background work (listener, pool, resync); they are otherwise ignored. */
  onBackgroundError?: (err: unknown) => void;
}

export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  readonly logs: LogStore;
  private readonly pool: PgPool;
  private readonly read: StoreReader;
  private readonly transactions: PgTransactions;
  private readonly feed: ChangeFeed;
  private closed: Promise<void> | undefined;

  /** Connects, applies pending migrations and starts following the change feed. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    let revision: number;
    try {
      await migratePostgres(store.pool);
      revision = await store.revision();
    } catch (err) {
      await store.close().catch(() => undefined);
      throw mapPgError(err);
    }
    store.feed.start(revision);
    return store;
  }

  private constructor(url: string, options: PostgresStoreOptions) {
    const channel = options.channel ?? 'appmeshd_changes';
    this.pool = new PgPool(url, {
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
      onBackgroundError: options.onBackgroundError,
    });
    this.feed = new ChangeFeed(this.pool, { channel, resyncIntervalMs: options.resyncIntervalMs ?? 1000 });
    this.transactions = new PgTransactions(this.pool, {
      maxRetries: options.maxRetries ?? 5,
      channel,
      onCommitted: (revision) => this.feed.committed(revision),
    });
    this.read = reader(this.pool.query);
    this.logs = new PostgresLogStore({ query: this.pool.query, transaction: (fn) => this.transactions.plain(fn) });
  }

  get<S>(kind: string, scope: string, name: string): Promise<StoredResource<S> | undefined> {
    return this.read.get<S>(kind, scope, name);
  }

  getByArn<S>(arn: string): Promise<StoredResource<S> | undefined> {
    return this.read.getByArn<S>(arn);
  }

  list<S>(kind: string, scope: string, opts?: ListOptions): Promise<readonly StoredResource<S>[]> {
    return this.read.list<S>(kind, scope, opts);
  }

  listKind<S>(kind: string, scopePrefix?: string): Promise<StoredResource<S>[]> {
    return this.read.listKind<S>(kind, scopePrefix);
  }

  count(kind: string, scope?: string): Promise<number> {
    return this.read.count(kind, scope);
  }

  /**
   * Runs `fn` in one transaction, serialized with every other transaction on the database.
   * `fn` is re-run (at most maxRetries times) if the database reports a serialization
   * failure or a deadlock, so it should not have side effects outside the store.
   */
  transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.transactions.transact(fn);
  }

  revision(): Promise<number> {
    return latestRevision(this.pool);
  }

  changesSince(revision: number, limit = 10_000): Promise<Change[]> {
    return changesSince(this.pool, revision, limit);
  }

  /**
   * Listeners receive, in revision order and at most once, every change committed after
   * they subscribed, from any replica (possibly also a few committed just before). Changes
   * of several transactions may arrive in one call.
   */
  subscribe(listener: (changes: Change[]) => void): () => void {
    return this.feed.subscribe(listener);
  }

  tryAcquireLease(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    return tryAcquireLease(this.pool.query, name, holderId, ttlMs);
  }

  releaseLease(name: string, holderId: string): Promise<boolean> {
    return releaseLease(this.pool.query, name, holderId);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async scrub(): Promise<void> {
    await this.pool.query('VACUUM resources');
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    await this.transactions.settled();
    this.pool.markClosed();
    await this.feed.stop();
    await this.pool.end();
  }
}

// PostgreSQL backend (pg Pool). Several replicas share one database.
//
// Writes: every transaction takes one database-wide advisory lock first (READ COMMITTED,
// so each statement after the lock sees everything committed before it). Transactions
// are therefore serializable across processes, read-modify-write cannot lose updates,
// and revisions (an identity column of `changes`) become visible in commit order, which
// makes "everything after revision N" a gap-free change feed. Inside one process the
// transactions also queue locally, so waiting writers do not hold pool connections
// that reads need.
//
// Change feed: a transaction NOTIFYs the channel with its last revision on commit; each
// store LISTENs on a dedicated connection and then reads changesSince(cursor). A periodic
// resync compares revision() with the cursor, so a lost notification only costs latency.
//
// Failures: errors meaning the database cannot be reached become StoreUnavailableError;
// the pool opens new connections once the database is back, and the listener reconnects.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import {
  type Change,
  type Expectation,
  type ListOptions,
  type NewResource,
  type Store,
  type StoreReader,
  type StoreTx,
  type StoredResource,
  StoreConflictError,
} from '../types.js';
import { isBrokenConnection, isRetryable, isUnavailable, mapPgError } from './errors.js';
import { postgresMigrations } from './migrations.js';
import { assertStorable, assertStorableKeys, storableKeys, stored } from '../stored.js';
import type { LogStore } from '../log-store.js';
import { type PgExec, PostgresLogStore } from './postgres-log-store.js';

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

/** Advisory lock keys: (class, id). The class spells 'apmd'. */
const LOCK_CLASS = 0x61706d64;
const MIGRATION_LOCK = 1;
const WRITE_LOCK = 2;
const MIGRATIONS_TABLE = 'appmeshd_schema_migrations';
const FEED_BATCH = 1000;
/** Schema changes (and waiting for another replica's) may take long; they are not cut short like queries. */
const MIGRATION_TIMEOUT_MS = 3_600_000;

interface Row {
  kind: string;
  scope: string;
  name: string;
  arn: string;
  uid: string;
  version: number;
  status: string;
  created_at: string;
  updated_at: string;
  spec: string;
  tags: string;
  client_token: string | null;
  revision: string;
}

interface ChangeRow {
  revision: string;
  op: 'put' | 'delete';
  kind: string;
  scope: string;
  name: string;
}

const COLUMNS =
  'kind, scope, name, arn, uid, version, status, created_at, updated_at, spec, tags, client_token, revision';

function toResource<S>(row: Row): StoredResource<S> {
  return {
    kind: row.kind,
    scope: row.scope,
    name: row.name,
    arn: row.arn,
    uid: row.uid,
    version: row.version,
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    spec: JSON.parse(row.spec) as S,
    tags: JSON.parse(row.tags),
    clientToken: row.client_token ?? undefined,
    revision: Number(row.revision),
  };
}

function toChange(row: ChangeRow): Change {
  return { revision: Number(row.revision), op: row.op, kind: row.kind, scope: row.scope, name: row.name };
}

type Exec = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

function reader(exec: Exec): StoreReader {
  return {
    async get<S>(kind: string, scope: string, name: string) {
      if (!storableKeys(kind, scope, name)) return undefined;
      const { rows } = await exec<Row>(
        `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND scope = $2 AND name = $3`,
        [kind, scope, name],
      );
      return rows[0] ? toResource<S>(rows[0]) : undefined;
    },
    async getByArn<S>(arn: string) {
      if (!storableKeys(arn)) return undefined;
      const { rows } = await exec<Row>(`SELECT ${COLUMNS} FROM resources WHERE arn = $1`, [arn]);
      return rows[0] ? toResource<S>(rows[0]) : undefined;
    },
    async list<S>(kind: string, scope: string, opts: ListOptions = {}) {
      assertStorableKeys(kind, scope, opts.after);
      const { rows } = await exec<Row>(
        `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND scope = $2 AND name > $3 ORDER BY name LIMIT $4`,
        [kind, scope, opts.after ?? '', opts.limit ?? null],
      );
      return rows.map((r) => toResource<S>(r));
    },
    async listKind<S>(kind: string, scopePrefix?: string) {
      assertStorableKeys(kind, scopePrefix);
      const { rows } =
        scopePrefix === undefined
          ? await exec<Row>(`SELECT ${COLUMNS} FROM resources WHERE kind = $1 ORDER BY scope, name`, [kind])
          : await exec<Row>(
              `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND (scope = $2 OR starts_with(scope, $3)) ORDER BY scope, name`,
              [kind, scopePrefix, `${scopePrefix}/`],
            );
      return rows.map((r) => toResource<S>(r));
    },
    async count(kind: string, scope?: string) {
      assertStorableKeys(kind, scope ?? '');
      const { rows } =
        scope === undefined
          ? await exec<{ n: number }>('SELECT coalesce(sum(n), 0)::integer AS n FROM resource_counts WHERE kind = $1', [
              kind,
            ])
          : await exec<{ n: number }>('SELECT n::integer AS n FROM resource_counts WHERE kind = $1 AND scope = $2', [
              kind,
              scope,
            ]);
      return rows[0]?.n ?? 0;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  readonly logs: LogStore;
  private readonly pool: pg.Pool;
  private readonly config: pg.ClientConfig;
  private readonly opts: Required<Omit<PostgresStoreOptions, 'onBackgroundError'>> &
    Pick<PostgresStoreOptions, 'onBackgroundError'>;
  private readonly read: StoreReader;
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private readonly inTx = new AsyncLocalStorage<true>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Newest revision delivered to listeners (or known committed, while there are none). */
  private cursor = 0;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private listener: pg.Client | undefined;
  private listenerStarting = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay = 0;
  private resyncTimer: NodeJS.Timeout | undefined;

  /** Connects, applies pending migrations and starts following the change feed. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.migrate();
      store.cursor = await store.revision();
    } catch (err) {
      await store.close().catch(() => undefined);
      throw mapPgError(err);
    }
    store.startFeed();
    return store;
  }

  private constructor(url: string, options: PostgresStoreOptions) {
    this.opts = {
      poolSize: options.poolSize ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
      resyncIntervalMs: options.resyncIntervalMs ?? 1000,
      maxRetries: options.maxRetries ?? 5,
      channel: options.channel ?? 'appmeshd_changes',
      onBackgroundError: options.onBackgroundError,
    };
    this.config = {
      connectionString: url,
      connectionTimeoutMillis: this.opts.connectTimeoutMs,
      query_timeout: this.opts.queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'appmeshd',
      // A session stuck inside a transaction would hold the write lock for everyone.
      idle_in_transaction_session_timeout: 60_000,
    };
    this.pool = new pg.Pool({ ...this.config, max: this.opts.poolSize, idleTimeoutMillis: 10_000 });
    // Idle connections that die (server restart) are dropped by the pool; without a
    // handler the 'error' event would crash the process.
    this.pool.on('error', (err) => this.background(err));
    const exec: Exec = (sql, params) => this.query(sql, params);
    this.read = reader(exec);
    this.logs = new PostgresLogStore({ query: exec, transaction: (fn) => this.plainTransaction(fn) });
  }

  /** A transaction without the database-wide write lock and outside the change feed (log events). */
  private async plainTransaction<T>(fn: (exec: PgExec) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    const exec: PgExec = async (sql, params) => {
      try {
        return await client.query(sql, params);
      } catch (err) {
        if (isUnavailable(err)) broken = true;
        throw mapPgError(err);
      }
    };
    try {
      await exec('BEGIN');
      const result = await fn(exec);
      const done = await exec('COMMIT');
      if (done.command !== 'COMMIT')
        throw new Error('the transaction failed on an earlier statement and was rolled back');
      return result;
    } catch (err) {
      if (!broken)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  private background(err: unknown): void {
    try {
      this.opts.onBackgroundError?.(err);
    } catch {
      /* ignore */
    }
  }

  /** One statement on a pooled connection; retried once on a fresh connection if a pooled one had died. */
  private async query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('store is closed');
      try {
        return await this.pool.query<R>(sql, params);
      } catch (err) {
        if (attempt === 0 && isBrokenConnection(err)) continue;
        throw mapPgError(err);
      }
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closed) throw new Error('store is closed');
    try {
      return await this.pool.connect();
    } catch (err) {
      throw mapPgError(err);
    }
  }

  private async migrate(): Promise<void> {
    const client = await this.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      // Replicas starting together: the first applies the steps, the others wait and then see them.
      await client.query({
        text: 'SELECT pg_advisory_xact_lock($1, $2)',
        values: [LOCK_CLASS, MIGRATION_LOCK],
        query_timeout: MIGRATION_TIMEOUT_MS,
      } as pg.QueryConfig);
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ v: number }>(
        `SELECT coalesce(max(version), 0)::integer AS v FROM ${MIGRATIONS_TABLE}`,
      );
      for (let i = rows[0]!.v; i < postgresMigrations.length; i++) {
        await client.query({ text: postgresMigrations[i]!, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version) VALUES ($1)`, [i + 1]);
      }
      await client.query('COMMIT');
    } catch (err) {
      if (isUnavailable(err)) broken = true;
      if (!broken)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      throw mapPgError(err);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
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
  async transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    if (this.inTx.getStore()) throw new Error('transact() called inside a transaction body; use the tx argument');
    const run = async (): Promise<T> => {
      let reconnected = false;
      for (let attempt = 0; ; attempt++) {
        const state = { commitSent: false };
        try {
          return await this.attempt(fn, state);
        } catch (err) {
          if (this.closed) throw mapPgError(err);
          // A pooled connection that had died: nothing was committed, try once on a fresh one.
          if (!reconnected && !state.commitSent && isBrokenConnection(err)) {
            reconnected = true;
            continue;
          }
          if (!isRetryable(err) || attempt >= this.opts.maxRetries) throw mapPgError(err);
          await sleep(5 + Math.random() * 20 * (attempt + 1));
        }
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attempt<T>(fn: (tx: StoreTx) => Promise<T>, state: { commitSent: boolean }): Promise<T> {
    const client = await this.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    let open = true;
    const changes: Change[] = [];
    const exec: Exec = async (sql, params) => {
      if (!open) throw new Error('transaction already finished');
      try {
        return await client.query(sql, params);
      } catch (err) {
        if (isUnavailable(err)) broken = true;
        throw mapPgError(err);
      }
    };
    const txReader = reader(exec);
    const tx: StoreTx = {
      ...txReader,
      put: async <S>(res: NewResource<S>, expect?: Expectation): Promise<StoredResource<S>> => {
        assertStorable(res);
        const { rows } = await exec<{ kind: string; scope: string; name: string; version: number }>(
          `SELECT kind, scope, name, version FROM resources
            WHERE (kind = $1 AND scope = $2 AND name = $3) OR arn = $4 FOR UPDATE`,
          [res.kind, res.scope, res.name, res.arn],
        );
        const current = rows.find((r) => r.kind === res.kind && r.scope === res.scope && r.name === res.name);
        const owner = rows.find((r) => r !== current);
        if (expect && 'absent' in expect && current)
          throw new StoreConflictError(`${res.kind} ${res.name} already exists`);
        if (expect && 'version' in expect && current?.version !== expect.version) {
          throw new StoreConflictError(
            `${res.kind} ${res.name} is at version ${current?.version ?? 'none'}, expected ${expect.version}`,
          );
        }
        if (owner) throw new StoreConflictError(`arn ${res.arn} already belongs to ${owner.kind} ${owner.name}`);
        let written: pg.QueryResult<{ revision: string }>;
        try {
          written = await exec<{ revision: string }>(
            `WITH c AS (INSERT INTO changes (op, kind, scope, name) VALUES ('put', $1, $2, $3) RETURNING revision)
             INSERT INTO resources (${COLUMNS})
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, c.revision FROM c
             ON CONFLICT (kind, scope, name) DO UPDATE SET arn = excluded.arn, uid = excluded.uid,
               version = excluded.version, status = excluded.status, created_at = excluded.created_at,
               updated_at = excluded.updated_at, spec = excluded.spec, tags = excluded.tags,
               client_token = excluded.client_token, revision = excluded.revision
             RETURNING revision`,
            [
              res.kind,
              res.scope,
              res.name,
              res.arn,
              res.uid,
              res.version,
              res.status,
              res.createdAt,
              res.updatedAt,
              JSON.stringify(res.spec),
              JSON.stringify(res.tags),
              res.clientToken ?? null,
            ],
          );
        } catch (err) {
          if ((err as { code?: string }).code === '23505')
            throw new StoreConflictError(`arn ${res.arn} is already in use`);
          throw err;
        }
        const revision = Number(written.rows[0]!.revision);
        changes.push({ revision, op: 'put', kind: res.kind, scope: res.scope, name: res.name });
        return stored(res, revision);
      },
      delete: async (kind: string, scope: string, name: string): Promise<boolean> => {
        if (!storableKeys(kind, scope, name)) return false;
        const { rows } = await exec<{ revision: string }>(
          `WITH d AS (DELETE FROM resources WHERE kind = $1 AND scope = $2 AND name = $3 RETURNING 1)
           INSERT INTO changes (op, kind, scope, name) SELECT 'delete', $1, $2, $3 FROM d RETURNING revision`,
          [kind, scope, name],
        );
        if (!rows[0]) return false;
        changes.push({ revision: Number(rows[0].revision), op: 'delete', kind, scope, name });
        return true;
      },
    };
    try {
      await exec('BEGIN ISOLATION LEVEL READ COMMITTED');
      await exec('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, WRITE_LOCK]);
      const result = await this.inTx.run(true, () => fn(tx));
      const last = changes[changes.length - 1];
      if (last) await exec('SELECT pg_notify($1, $2)', [this.opts.channel, String(last.revision)]);
      state.commitSent = true;
      const done = await exec('COMMIT');
      open = false;
      if (done.command !== 'COMMIT')
        throw new Error('the transaction failed on an earlier statement and was rolled back');
      if (last) this.committed(last.revision);
      return result;
    } catch (err) {
      open = false;
      if (!broken)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      throw err;
    } finally {
      open = false;
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async revision(): Promise<number> {
    const { rows } = await this.query<{ r: string }>('SELECT coalesce(max(revision), 0) AS r FROM changes');
    return Number(rows[0]!.r);
  }

  async changesSince(revision: number, limit = 10_000): Promise<Change[]> {
    const { rows } = await this.query<ChangeRow>(
      'SELECT revision, op, kind, scope, name FROM changes WHERE revision > $1 ORDER BY revision LIMIT $2',
      [revision, limit],
    );
    return rows.map(toChange);
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

  async tryAcquireLease(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    const { rows } = await this.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
       RETURNING holder`,
      [name, holderId, Math.max(0, Math.round(ttlMs))],
    );
    return rows.length > 0;
  }

  async releaseLease(name: string, holderId: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holderId]);
    return (rowCount ?? 0) > 0;
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async scrub(): Promise<void> {
    await this.query('VACUUM resources');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    this.listeners.clear();
    clearInterval(this.resyncTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await listener.end().catch(() => undefined);
    await this.pumping;
    await this.pool.end().catch(() => undefined);
  }

  // ---- change feed ----

  private startFeed(): void {
    this.resyncTimer = setInterval(() => void this.resync(), this.opts.resyncIntervalMs);
    this.resyncTimer.unref();
    void this.startListener();
  }

  /** A local commit: all revisions up to `revision` are committed (writes are serialized). */
  private committed(revision: number): void {
    if (this.listeners.size === 0) this.cursor = Math.max(this.cursor, revision);
    else this.kick();
  }

  private async resync(): Promise<void> {
    if (this.closed) return;
    if (!this.listener && !this.listenerStarting && !this.reconnectTimer) void this.startListener();
    try {
      const revision = await this.revision();
      if (revision > this.cursor) {
        if (this.listeners.size === 0) this.cursor = revision;
        else this.kick();
      }
    } catch (err) {
      this.background(err);
    }
  }

  private async startListener(): Promise<void> {
    if (this.closed || this.listener || this.listenerStarting) return;
    this.listenerStarting = true;
    const client = new pg.Client(this.config);
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (err) this.background(err);
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
      .catch((err) => this.background(err))
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      if (this.listeners.size === 0) return;
      const changes = await this.changesSince(this.cursor, FEED_BATCH);
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

// SQLite backend (better-sqlite3, WAL). One process owns the file; transactions are
// serialized through a queue because better-sqlite3 is synchronous and a transaction
// body may await between statements, and committed in groups (one fsync per batch). Reads from outside a transaction go to a second,
// read-only connection, which in WAL mode sees only committed data and never waits for
// the writer; point reads are cached and the cache is invalidated at commit (this process
// is the only writer). An in-memory database has one connection: there, outside reads wait
// for the running transaction instead.
import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Change,
  type Expectation,
  type ListOptions,
  type NewResource,
  type Store,
  type StoreTx,
  type StoredResource,
  StoreConflictError,
} from '../types.js';
import { sqliteMigrations } from './migrations.js';
import { assertStorable, assertStorableKeys, parseSpec, storableKeys, stored } from '../stored.js';
import type { LogStore } from '../log-store.js';
import { SqliteLogStore } from './sqlite-log-store.js';

interface Row {
  kind: string;
  scope: string;
  name: string;
  arn: string;
  uid: string;
  version: number;
  status: string;
  created_at: number;
  updated_at: number;
  spec: string;
  tags: string;
  client_token: string | null;
  revision: number;
}

function toResource<S>(row: Row): StoredResource<S> {
  // The spec is parsed on first use: listings that show only names and metadata never pay for it.
  let spec: S | undefined;
  return {
    kind: row.kind,
    scope: row.scope,
    name: row.name,
    arn: row.arn,
    uid: row.uid,
    version: row.version,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    get spec(): S {
      spec ??= parseSpec<S>(row.spec);
      return spec;
    },
    tags: JSON.parse(row.tags),
    clientToken: row.client_token ?? undefined,
    revision: row.revision,
  };
}

const CACHE_LIMIT = 50_000;
/** Cached list pages at most (a page holds up to its limit's rows, which share objects with nothing else). */
const LIST_CACHE_LIMIT = 2_000;
/** The most transactions one commit carries (bounds the wait of the batch's first caller). */
const MAX_BATCH = 128;

interface QueuedTx {
  /** Runs the body; what it gives back answers the caller once the batch has committed. */
  body: (tx: StoreTx) => Promise<() => void>;
  reject(err: unknown): void;
}
const cacheKey = (kind: string, scope: string, name: string) => `${kind}\0${scope}\0${name}`;

/** Cached rows are shared by every caller: freezing makes an accidental mutation fail loudly. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface StoreReaderSync {
  get<S>(kind: string, scope: string, name: string): StoredResource<S> | undefined;
  getByArn<S>(arn: string): StoredResource<S> | undefined;
  list<S>(kind: string, scope: string, opts?: ListOptions): StoredResource<S>[];
  listKind<S>(kind: string, scopePrefix?: string): StoredResource<S>[];
  count(kind: string, scope?: string): number;
}

/** Applies the pending migrations of `db` in order; each step commits with its user_version. */
export function migrateSqlite(db: Database.Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  for (let i = version; i < sqliteMigrations.length; i++) {
    db.transaction(() => {
      db.exec(sqliteMigrations[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  readonly logs: LogStore;
  private readonly db: Database.Database;
  private readonly listeners = new Set<(changes: Change[]) => void>();
  /** Transactions waiting for the next batch. */
  private readonly pending: QueuedTx[] = [];
  /** Whether a drain is scheduled or running; `drained` settles when it ends. */
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  /** Settles (never rejects) when the running transaction ends; undefined when none runs. */
  private running: Promise<void> | undefined;
  /** Set inside a transaction body, so its own reads are not made to wait for itself. */
  private readonly inTx = new AsyncLocalStorage<true>();
  private closed = false;
  private readonly stmt;
  /** Synchronous reads on the write connection, used directly by transaction bodies. */
  private readonly reader: StoreReaderSync;
  /** Reads from outside a transaction: the read-only connection, or the write one in memory. */
  private readonly outside: StoreReaderSync;
  private readonly readDb: Database.Database | undefined;
  private readonly outsideStmt: ReturnType<SqliteStore['readStatements']>;
  /** Decoded rows by key, filled by outside point reads, invalidated when a commit touches the key. */
  private readonly cache = new Map<string, StoredResource | null>();
  /** Pages from outside list reads by (kind, scope), then by (after, limit); a commit drops its (kind, scope). */
  private readonly listCache = new Map<string, Map<string, readonly StoredResource[]>>();
  private listCacheEntries = 0;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the API acknowledges it, whatever happens next.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // Overwritten and deleted rows are zeroed, not left in free space (the file holds sealed secrets).
    this.db.pragma('secure_delete = ON');
    migrateSqlite(this.db);
    // One process owns the file: a lease left in it belongs to a process that is gone.
    this.db.exec('DELETE FROM leases');
    const db = this.db;
    this.stmt = {
      ...this.readStatements(db),
      upsert:
        db.prepare(`INSERT INTO resources (kind, scope, name, arn, uid, version, status, created_at, updated_at, spec, tags, client_token, revision)
        VALUES (@kind, @scope, @name, @arn, @uid, @version, @status, @created_at, @updated_at, @spec, @tags, @client_token, @revision)
        ON CONFLICT (kind, scope, name) DO UPDATE SET arn = excluded.arn, uid = excluded.uid, version = excluded.version,
          status = excluded.status, created_at = excluded.created_at, updated_at = excluded.updated_at, spec = excluded.spec,
          tags = excluded.tags, client_token = excluded.client_token, revision = excluded.revision`),
      del: db.prepare<[string, string, string]>('DELETE FROM resources WHERE kind = ? AND scope = ? AND name = ?'),
      change: db.prepare<[string, string, string, string]>(
        'INSERT INTO changes (op, kind, scope, name) VALUES (?, ?, ?, ?)',
      ),
      acquireLease: db.prepare<
        [string, string, number, number],
        { holder: string }
      >(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
        RETURNING holder`),
      releaseLease: db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?'),
    };
    this.reader = this.readSync(this.stmt);
    if (file === ':memory:') {
      this.readDb = undefined;
      this.outsideStmt = this.stmt;
    } else {
      this.readDb = new Database(file, { readonly: true });
      this.readDb.pragma('busy_timeout = 5000');
      this.outsideStmt = this.readStatements(this.readDb);
    }
    this.outside = this.readSync(this.outsideStmt);
    this.logs = new SqliteLogStore({
      write: (fn) => this.transact(async () => fn(this.db)),
      read: async (fn) => {
        await this.settled();
        return fn(this.readDb ?? this.db);
      },
    });
  }

  private readStatements(db: Database.Database) {
    return {
      get: db.prepare<[string, string, string], Row>(
        'SELECT * FROM resources WHERE kind = ? AND scope = ? AND name = ?',
      ),
      getByArn: db.prepare<[string], Row>('SELECT * FROM resources WHERE arn = ?'),
      list: db.prepare<[string, string, string, number], Row>(
        'SELECT * FROM resources WHERE kind = ? AND scope = ? AND name > ? ORDER BY name LIMIT ?',
      ),
      listKind: db.prepare<[string], Row>('SELECT * FROM resources WHERE kind = ? ORDER BY scope, name'),
      listKindPrefix: db.prepare<[string, string, string, string], Row>(
        'SELECT * FROM resources WHERE kind = ? AND (scope = ? OR substr(scope, 1, length(?)) = ?) ORDER BY scope, name',
      ),
      count: db.prepare<[string, string], { n: number }>('SELECT n FROM resource_counts WHERE kind = ? AND scope = ?'),
      countKind: db.prepare<[string], { n: number }>(
        'SELECT coalesce(sum(n), 0) AS n FROM resource_counts WHERE kind = ?',
      ),
      revision: db.prepare<[], { r: number | null }>('SELECT max(revision) AS r FROM changes'),
      since: db.prepare<[number, number], Change>(
        'SELECT revision, op, kind, scope, name FROM changes WHERE revision > ? ORDER BY revision LIMIT ?',
      ),
    };
  }

  /** Waits until no transaction is open, unless called from inside the transaction's own body. */
  private async settled(): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    if (this.readDb) return;
    while (this.running && !this.inTx.getStore()) await this.running;
  }

  private readSync(stmt: ReturnType<SqliteStore['readStatements']>): StoreReaderSync {
    return {
      get: <S>(kind: string, scope: string, name: string) => {
        if (!storableKeys(kind, scope, name)) return undefined;
        const row = stmt.get.get(kind, scope, name);
        return row ? toResource<S>(row) : undefined;
      },
      getByArn: <S>(arn: string) => {
        if (!storableKeys(arn)) return undefined;
        const row = stmt.getByArn.get(arn);
        return row ? toResource<S>(row) : undefined;
      },
      list: <S>(kind: string, scope: string, opts: ListOptions = {}) => {
        assertStorableKeys(kind, scope, opts.after);
        return stmt.list.all(kind, scope, opts.after ?? '', opts.limit ?? -1).map((r) => toResource<S>(r));
      },
      listKind: <S>(kind: string, scopePrefix?: string) => {
        assertStorableKeys(kind, scopePrefix);
        const rows =
          scopePrefix === undefined
            ? stmt.listKind.all(kind)
            : stmt.listKindPrefix.all(kind, scopePrefix, `${scopePrefix}/`, `${scopePrefix}/`);
        return rows.map((r) => toResource<S>(r));
      },
      count: (kind: string, scope?: string) => {
        assertStorableKeys(kind, scope ?? '');
        return (scope === undefined ? stmt.countKind.get(kind)?.n : stmt.count.get(kind, scope)?.n) ?? 0;
      },
    };
  }

  async get<S>(kind: string, scope: string, name: string): Promise<StoredResource<S> | undefined> {
    await this.settled();
    if (!this.readDb) return this.outside.get<S>(kind, scope, name);
    const key = cacheKey(kind, scope, name);
    const hit = this.cache.get(key);
    if (hit !== undefined) return (hit ?? undefined) as StoredResource<S> | undefined;
    const found = this.outside.get<S>(kind, scope, name);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, found ? deepFreeze(found) : null);
    return found;
  }

  async getByArn<S>(arn: string): Promise<StoredResource<S> | undefined> {
    await this.settled();
    return this.outside.getByArn<S>(arn);
  }

  async list<S>(kind: string, scope: string, opts: ListOptions = {}): Promise<StoredResource<S>[]> {
    await this.settled();
    if (!this.readDb) return this.outside.list<S>(kind, scope, opts);
    // The same frozen page until a commit touches (kind, scope): callers may memoize what they derive from it.
    const group = `${kind}\0${scope}`;
    const key = `${opts.after ?? ''}\0${opts.limit ?? -1}`;
    const pages = this.listCache.get(group);
    const hit = pages?.get(key);
    if (hit) return hit as StoredResource<S>[];
    const rows = this.outside.list<S>(kind, scope, opts);
    if (this.listCacheEntries >= LIST_CACHE_LIMIT) {
      this.listCache.clear();
      this.listCacheEntries = 0;
    }
    for (const row of rows) Object.freeze(row);
    Object.freeze(rows);
    if (pages) pages.set(key, rows);
    else this.listCache.set(group, new Map([[key, rows]]));
    this.listCacheEntries++;
    return rows;
  }

  async listKind<S>(kind: string, scopePrefix?: string): Promise<StoredResource<S>[]> {
    await this.settled();
    return this.outside.listKind<S>(kind, scopePrefix);
  }

  async count(kind: string, scope?: string): Promise<number> {
    await this.settled();
    return this.outside.count(kind, scope);
  }

  /**
   * Group commit: transactions queue up while one commits (its fsync blocks the thread), and the next batch runs
   * them one after another inside a single SQLite transaction, each in its own savepoint, so one fsync makes the
   * whole batch durable. A body that fails rolls back to its savepoint and only its caller sees the error; every
   * caller is answered only after the batch's COMMIT, so an acknowledged write is on disk.
   */
  transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (!this.readDb && this.inTx.getStore()) {
      return Promise.reject(new Error('transact() called inside a transaction body; use the tx argument'));
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ body: (tx) => fn(tx).then((value) => () => resolve(value)), reject });
      if (this.draining) return;
      this.draining = true;
      // The batch starts after the I/O callbacks of this event-loop turn, so requests read together commit together.
      this.drained = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length) await this.runBatch();
    } finally {
      // In the same synchronous step as the emptiness check: a transaction queued after it schedules a new drain.
      this.draining = false;
    }
  }

  private async runBatch(): Promise<void> {
    let endRunning!: () => void;
    this.running = new Promise<void>((resolve) => {
      endRunning = resolve;
    });
    const done: { item: QueuedTx; answer: () => void }[] = [];
    const changes: Change[] = [];
    try {
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        this.pending.shift()?.reject(err);
        return;
      }
      try {
        for (let n = 0; n < MAX_BATCH && this.pending.length; n++) {
          const item = this.pending.shift()!;
          const own: Change[] = [];
          this.db.exec('SAVEPOINT tx');
          try {
            const answer = await this.runBody(item.body, own);
            this.db.exec('RELEASE tx');
            changes.push(...own);
            done.push({ item, answer });
          } catch (err) {
            item.reject(err);
            if (!this.db.inTransaction) throw err;
            this.db.exec('ROLLBACK TO tx');
            this.db.exec('RELEASE tx');
          }
        }
        this.db.exec('COMMIT');
      } catch (err) {
        // SQLite ended the transaction itself, or COMMIT failed: nothing of the batch is durable.
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        for (const d of done) d.item.reject(err);
        return;
      }
    } finally {
      this.running = undefined;
      endRunning();
    }
    for (const c of changes) {
      this.cache.delete(cacheKey(c.kind, c.scope, c.name));
      this.listCache.delete(`${c.kind}\0${c.scope}`);
    }
    if (changes.length) this.emit(changes);
    for (const d of done) d.answer();
  }

  /** Runs one transaction body against the open transaction, collecting its changes. */
  private async runBody<T>(fn: (tx: StoreTx) => Promise<T>, changes: Change[]): Promise<T> {
    let open = true;
    const live = (): void => {
      if (!open) throw new Error('transaction already finished');
    };
    const tx: StoreTx = {
      get: async (k, s, n) => {
        live();
        return this.reader.get(k, s, n);
      },
      getByArn: async (a) => {
        live();
        return this.reader.getByArn(a);
      },
      list: async (k, s, o) => {
        live();
        return this.reader.list(k, s, o);
      },
      listKind: async (k, p) => {
        live();
        return this.reader.listKind(k, p);
      },
      count: async (k, s) => {
        live();
        return this.reader.count(k, s);
      },
      put: async <S>(res: NewResource<S>, expect?: Expectation) => {
        live();
        assertStorable(res);
        const current = this.stmt.get.get(res.kind, res.scope, res.name);
        if (expect && 'absent' in expect && current)
          throw new StoreConflictError(`${res.kind} ${res.name} already exists`);
        if (expect && 'version' in expect && current?.version !== expect.version) {
          throw new StoreConflictError(
            `${res.kind} ${res.name} is at version ${current?.version ?? 'none'}, expected ${expect.version}`,
          );
        }
        const owner = this.stmt.getByArn.get(res.arn);
        if (owner && (owner.kind !== res.kind || owner.scope !== res.scope || owner.name !== res.name)) {
          throw new StoreConflictError(`arn ${res.arn} already belongs to ${owner.kind} ${owner.name}`);
        }
        const info = this.stmt.change.run('put', res.kind, res.scope, res.name);
        const revision = Number(info.lastInsertRowid);
        this.stmt.upsert.run({
          kind: res.kind,
          scope: res.scope,
          name: res.name,
          arn: res.arn,
          uid: res.uid,
          version: res.version,
          status: res.status,
          created_at: res.createdAt,
          updated_at: res.updatedAt,
          spec: JSON.stringify(res.spec),
          tags: JSON.stringify(res.tags),
          client_token: res.clientToken ?? null,
          revision,
        });
        changes.push({ revision, op: 'put', kind: res.kind, scope: res.scope, name: res.name });
        return stored(res, revision);
      },
      delete: async (kind, scope, name) => {
        live();
        if (!storableKeys(kind, scope, name)) return false;
        const info = this.stmt.del.run(kind, scope, name);
        if (info.changes === 0) return false;
        const c = this.stmt.change.run('delete', kind, scope, name);
        changes.push({ revision: Number(c.lastInsertRowid), op: 'delete', kind, scope, name });
        return true;
      },
    };
    try {
      // The async context costs every promise of the process; only the shared in-memory connection needs it.
      return await (this.readDb ? fn(tx) : this.inTx.run(true, () => fn(tx)));
    } finally {
      open = false;
    }
  }

  private emit(changes: Change[]): void {
    for (const l of this.listeners) {
      try {
        l(changes);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }

  async revision(): Promise<number> {
    await this.settled();
    return this.outsideStmt.revision.get()?.r ?? 0;
  }

  async changesSince(revision: number, limit = 10_000): Promise<Change[]> {
    await this.settled();
    return this.outsideStmt.since.all(revision, limit);
  }

  subscribe(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async tryAcquireLease(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    await this.settled();
    const now = Date.now();
    return this.stmt.acquireLease.get(name, holderId, now + ttlMs, now) !== undefined;
  }

  async releaseLease(name: string, holderId: string): Promise<boolean> {
    await this.settled();
    return this.stmt.releaseLease.run(name, holderId).changes > 0;
  }

  async ping(): Promise<void> {
    await this.settled();
    this.db.prepare('SELECT 1').get();
  }

  async scrub(): Promise<void> {
    await this.settled();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drained;
    this.closed = true;
    this.listeners.clear();
    this.readDb?.close();
    this.db.close();
  }
}

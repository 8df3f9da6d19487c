// SQLite backend (better-sqlite3, WAL). One process owns the file; transactions are
// serialized through a queue because better-sqlite3 is synchronous and a transaction
// body may await between statements.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Change, type Expectation, type ListOptions, type NewResource, type Store, type StoreTx,
  type StoredResource, StoreConflictError,
} from '../types.js';
import { sqliteMigrations } from './migrations.js';

interface Row {
  kind: string; scope: string; name: string; arn: string; uid: string; version: number; status: string;
  created_at: number; updated_at: number; spec: string; tags: string; client_token: string | null; revision: number;
}

function toResource<S>(row: Row): StoredResource<S> {
  return {
    kind: row.kind, scope: row.scope, name: row.name, arn: row.arn, uid: row.uid, version: row.version,
    status: row.status, createdAt: row.created_at, updatedAt: row.updated_at, spec: JSON.parse(row.spec) as S,
    tags: JSON.parse(row.tags), clientToken: row.client_token ?? undefined, revision: row.revision,
  };
}

export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stmt;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the API acknowledges it, whatever happens next.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    const db = this.db;
    this.stmt = {
      get: db.prepare<[string, string, string], Row>('SELECT * FROM resources WHERE kind = ? AND scope = ? AND name = ?'),
      getByArn: db.prepare<[string], Row>('SELECT * FROM resources WHERE arn = ?'),
      list: db.prepare<[string, string, string, number], Row>('SELECT * FROM resources WHERE kind = ? AND scope = ? AND name > ? ORDER BY name LIMIT ?'),
      listKind: db.prepare<[string], Row>('SELECT * FROM resources WHERE kind = ? ORDER BY scope, name'),
      listKindPrefix: db.prepare<[string, string, string, string], Row>('SELECT * FROM resources WHERE kind = ? AND (scope = ? OR substr(scope, 1, length(?)) = ?) ORDER BY scope, name'),
      count: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM resources WHERE kind = ? AND scope = ?'),
      upsert: db.prepare(`INSERT INTO resources (kind, scope, name, arn, uid, version, status, created_at, updated_at, spec, tags, client_token, revision)
        VALUES (@kind, @scope, @name, @arn, @uid, @version, @status, @created_at, @updated_at, @spec, @tags, @client_token, @revision)
        ON CONFLICT (kind, scope, name) DO UPDATE SET arn = excluded.arn, uid = excluded.uid, version = excluded.version,
          status = excluded.status, created_at = excluded.created_at, updated_at = excluded.updated_at, spec = excluded.spec,
          tags = excluded.tags, client_token = excluded.client_token, revision = excluded.revision`),
      del: db.prepare<[string, string, string]>('DELETE FROM resources WHERE kind = ? AND scope = ? AND name = ?'),
      change: db.prepare<[string, string, string, string]>('INSERT INTO changes (op, kind, scope, name) VALUES (?, ?, ?, ?)'),
      revision: db.prepare<[], { r: number | null }>('SELECT max(revision) AS r FROM changes'),
      since: db.prepare<[number, number], Change>('SELECT revision, op, kind, scope, name FROM changes WHERE revision > ? ORDER BY revision LIMIT ?'),
    };
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < sqliteMigrations.length; i++) {
      this.db.transaction(() => {
        this.db.exec(sqliteMigrations[i]!);
        this.db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  async get<S>(kind: string, scope: string, name: string): Promise<StoredResource<S> | undefined> {
    return this.getSync<S>(kind, scope, name);
  }

  private getSync<S>(kind: string, scope: string, name: string): StoredResource<S> | undefined {
    const row = this.stmt.get.get(kind, scope, name);
    return row ? toResource<S>(row) : undefined;
  }

  async getByArn<S>(arn: string): Promise<StoredResource<S> | undefined> {
    const row = this.stmt.getByArn.get(arn);
    return row ? toResource<S>(row) : undefined;
  }

  async list<S>(kind: string, scope: string, opts: ListOptions = {}): Promise<StoredResource<S>[]> {
    return this.stmt.list.all(kind, scope, opts.after ?? '', opts.limit ?? -1).map((r) => toResource<S>(r));
  }

  async listKind<S>(kind: string, scopePrefix?: string): Promise<StoredResource<S>[]> {
    const rows = scopePrefix === undefined
      ? this.stmt.listKind.all(kind)
      : this.stmt.listKindPrefix.all(kind, scopePrefix, `${scopePrefix}/`, `${scopePrefix}/`);
    return rows.map((r) => toResource<S>(r));
  }

  async count(kind: string, scope: string): Promise<number> {
    return this.stmt.count.get(kind, scope)!.n;
  }

  async transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const changes: Change[] = [];
      const tx: StoreTx = {
        get: (k, s, n) => this.get(k, s, n),
        getByArn: (a) => this.getByArn(a),
        list: (k, s, o) => this.list(k, s, o),
        listKind: (k, p) => this.listKind(k, p),
        count: (k, s) => this.count(k, s),
        put: async <S>(res: NewResource<S>, expect?: Expectation) => {
          const current = this.stmt.get.get(res.kind, res.scope, res.name);
          if (expect && 'absent' in expect && current) throw new StoreConflictError(`${res.kind} ${res.name} already exists`);
          if (expect && 'version' in expect && current?.version !== expect.version) {
            throw new StoreConflictError(`${res.kind} ${res.name} is at version ${current?.version ?? 'none'}, expected ${expect.version}`);
          }
          const info = this.stmt.change.run('put', res.kind, res.scope, res.name);
          const revision = Number(info.lastInsertRowid);
          this.stmt.upsert.run({
            kind: res.kind, scope: res.scope, name: res.name, arn: res.arn, uid: res.uid, version: res.version,
            status: res.status, created_at: res.createdAt, updated_at: res.updatedAt, spec: JSON.stringify(res.spec),
            tags: JSON.stringify(res.tags), client_token: res.clientToken ?? null, revision,
          });
          changes.push({ revision, op: 'put', kind: res.kind, scope: res.scope, name: res.name });
          return { ...res, revision };
        },
        delete: async (kind, scope, name) => {
          const info = this.stmt.del.run(kind, scope, name);
          if (info.changes === 0) return false;
          const c = this.stmt.change.run('delete', kind, scope, name);
          changes.push({ revision: Number(c.lastInsertRowid), op: 'delete', kind, scope, name });
          return true;
        },
      };
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(tx);
        this.db.exec('COMMIT');
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
      if (changes.length) this.emit(changes);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private emit(changes: Change[]): void {
    for (const l of this.listeners) {
      try { l(changes); } catch { /* a listener's failure is its own */ }
    }
  }

  async revision(): Promise<number> {
    return this.stmt.revision.get()?.r ?? 0;
  }

  async changesSince(revision: number, limit = 10_000): Promise<Change[]> {
    return this.stmt.since.all(revision, limit);
  }

  subscribe(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}

// Resource transactions. Every transaction takes one database-wide advisory lock first (READ COMMITTED, so each
// statement after the lock sees everything committed before it). Transactions are therefore serializable across
// processes, read-modify-write cannot lose updates, and revisions (an identity column of `changes`) become visible in
// commit order, which makes "everything after revision N" a gap-free change feed. Inside one process the transactions
// also queue locally, so waiting writers do not hold pool connections that reads need.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { assertStorable, storableKeys, stored } from '../stored.js';
import {
  type Change,
  type Expectation,
  type NewResource,
  StoreConflictError,
  type StoreTx,
  type StoredResource,
} from '../types.js';
import { codeOf, isBrokenConnection, isRetryable, mapPgError, UNIQUE_VIOLATION } from './errors.js';
import { LOCK_CLASS, WRITE_LOCK } from './locks.js';
import type { PgConnection, PgExec, PgPool } from './pool.js';
import { COLUMNS, reader } from './rows.js';

export interface TransactionsOptions {
  /** Times a transaction is re-run after a serialization failure or deadlock. */
  maxRetries: number;
  /** NOTIFY channel of the change feed. */
  channel: string;
  /** A local commit: every revision up to this one is committed. */
  onCommitted: (revision: number) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PgTransactions {
  private readonly inTx = new AsyncLocalStorage<true>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: PgPool,
    private readonly opts: TransactionsOptions,
  ) {}

  /** Settles once every transaction queued so far has finished. */
  settled(): Promise<unknown> {
    return this.queue;
  }

  /**
   * Runs `fn` in one transaction, serialized with every other transaction on the database.
   * `fn` is re-run (at most maxRetries times) if the database reports a serialization
   * failure or a deadlock, so it should not have side effects outside the store.
   */
  transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.pool.isClosed) return Promise.reject(new Error('store is closed'));
    if (this.inTx.getStore())
      return Promise.reject(new Error('transact() called inside a transaction body; use the tx argument'));
    const run = async (): Promise<T> => {
      let reconnected = false;
      for (let attempt = 0; ; attempt++) {
        const state = { commitSent: false };
        try {
          return await this.pool.withConnection((conn) => this.attempt(conn, fn, state));
        } catch (err) {
          if (this.pool.isClosed) throw mapPgError(err);
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

  /** A transaction without the database-wide write lock and outside the change feed (log events). */
  plain<T>(fn: (exec: PgExec) => Promise<T>): Promise<T> {
    return this.pool.withConnection(async (conn) => {
      const exec: PgExec = (sql, params) => conn.query(sql, params);
      await exec('BEGIN');
      const result = await fn(exec);
      await conn.commit();
      return result;
    });
  }

  private async attempt<T>(
    conn: PgConnection,
    fn: (tx: StoreTx) => Promise<T>,
    state: { commitSent: boolean },
  ): Promise<T> {
    let open = true;
    const changes: Change[] = [];
    const exec: PgExec = (sql, params) => {
      if (!open) return Promise.reject(new Error('transaction already finished'));
      return conn.query(sql, params);
    };
    const tx: StoreTx = {
      ...reader(exec),
      put: async <S>(res: NewResource<S>, expect?: Expectation): Promise<StoredResource<S>> => {
        const revision = await put(exec, res, expect);
        changes.push({ revision, op: 'put', kind: res.kind, scope: res.scope, name: res.name });
        return stored(res, revision);
      },
      delete: async (kind: string, scope: string, name: string): Promise<boolean> => {
        const revision = await remove(exec, kind, scope, name);
        if (revision === undefined) return false;
        changes.push({ revision, op: 'delete', kind, scope, name });
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
      await conn.commit();
      open = false;
      if (last) this.opts.onCommitted(last.revision);
      return result;
    } finally {
      open = false;
    }
  }
}

/** Inserts or replaces a row (and records the change); its revision. */
async function put<S>(exec: PgExec, res: NewResource<S>, expect?: Expectation): Promise<number> {
  assertStorable(res);
  const { rows } = await exec<{ kind: string; scope: string; name: string; version: number }>(
    `SELECT kind, scope, name, version FROM resources
      WHERE (kind = $1 AND scope = $2 AND name = $3) OR arn = $4 FOR UPDATE`,
    [res.kind, res.scope, res.name, res.arn],
  );
  const current = rows.find((r) => r.kind === res.kind && r.scope === res.scope && r.name === res.name);
  const owner = rows.find((r) => r !== current);
  if (expect && 'absent' in expect && current) throw new StoreConflictError(`${res.kind} ${res.name} already exists`);
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
    if (codeOf(err) === UNIQUE_VIOLATION) throw new StoreConflictError(`arn ${res.arn} is already in use`);
    throw err;
  }
  const row = written.rows[0];
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  return Number(row.revision);
}

/** Deletes a row (and records the change); its revision, or undefined when there was no such row. */
async function remove(exec: PgExec, kind: string, scope: string, name: string): Promise<number | undefined> {
  if (!storableKeys(kind, scope, name)) return undefined;
  const { rows } = await exec<{ revision: string }>(
    `WITH d AS (DELETE FROM resources WHERE kind = $1 AND scope = $2 AND name = $3 RETURNING 1)
     INSERT INTO changes (op, kind, scope, name) SELECT 'delete', $1, $2, $3 FROM d RETURNING revision`,
    [kind, scope, name],
  );
  return rows[0] ? Number(rows[0].revision) : undefined;
}

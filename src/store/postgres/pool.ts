// The connection pool of a PostgreSQL store: one statement at a time on any pooled connection, or a checked-out
// connection for a transaction. Errors meaning the database cannot be reached become StoreUnavailableError; a
// connection that broke is discarded, and the pool opens new ones once the database is back.
import pg from 'pg';
import { isBrokenConnection, isUnavailable, mapPgError } from './errors.js';

export interface PgPoolOptions {
  poolSize: number;
  connectTimeoutMs: number;
  /** How long one statement may go unanswered (a silent partition) before it fails. */
  queryTimeoutMs: number;
  onBackgroundError?: ((err: unknown) => void) | undefined;
}

/** One statement; the parameters are bound as $1, $2, … */
export type PgExec = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

/** A connection checked out for a transaction: statements map errors, and one that found the database gone marks it broken. */
export class PgConnection {
  broken = false;

  constructor(private readonly client: pg.PoolClient) {}

  async query<R extends pg.QueryResultRow>(statement: string | pg.QueryConfig, params?: unknown[]) {
    try {
      return await this.client.query<R>(statement, params);
    } catch (err) {
      if (isUnavailable(err)) this.broken = true;
      throw mapPgError(err);
    }
  }

  /** COMMIT, which PostgreSQL answers with ROLLBACK when an earlier statement of the transaction had failed. */
  async commit(): Promise<void> {
    const done = await this.query('COMMIT');
    if (done.command !== 'COMMIT')
      throw new Error('the transaction failed on an earlier statement and was rolled back');
  }
}

export class PgPool {
  /** What every connection of this store is opened with (the change feed's listener too). */
  readonly clientConfig: pg.ClientConfig;
  private readonly pool: pg.Pool;
  private closed = false;

  constructor(
    url: string,
    private readonly opts: PgPoolOptions,
  ) {
    this.clientConfig = {
      connectionString: url,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      query_timeout: opts.queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: 'appmeshd',
      // A session stuck inside a transaction would hold the write lock for everyone.
      idle_in_transaction_session_timeout: 60_000,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: opts.poolSize, idleTimeoutMillis: 10_000 });
    // Idle connections that die (server restart) are dropped by the pool; without a
    // handler the 'error' event would crash the process.
    this.pool.on('error', (err) => this.background(err));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Errors of background work (listener, pool, resync) go to onBackgroundError; they are otherwise ignored. */
  background(err: unknown): void {
    try {
      this.opts.onBackgroundError?.(err);
    } catch {
      /* ignore */
    }
  }

  /** One statement on a pooled connection; retried once on a fresh connection if a pooled one had died. */
  readonly query: PgExec = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('store is closed');
      try {
        return await this.pool.query<R>(sql, params);
      } catch (err) {
        if (attempt === 0 && isBrokenConnection(err)) continue;
        throw mapPgError(err);
      }
    }
  };

  /**
   * Runs `fn` on one checked-out connection (which issues its own BEGIN and COMMIT). If `fn` fails the transaction is
   * rolled back; a connection that broke (or whose ROLLBACK failed) is discarded rather than returned to the pool.
   */
  async withConnection<T>(fn: (conn: PgConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw mapPgError(err);
    }
    const conn = new PgConnection(client);
    const onError = () => {
      conn.broken = true;
    };
    client.on('error', onError);
    try {
      return await fn(conn);
    } catch (err) {
      if (!conn.broken)
        await client.query('ROLLBACK').catch(() => {
          conn.broken = true;
        });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(conn.broken);
    }
  }

  /** No new statements; the pool's connections are closed. */
  markClosed(): void {
    this.closed = true;
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

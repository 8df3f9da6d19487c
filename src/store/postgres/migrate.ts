// Applies the pending schema migrations (migrations.ts) in one transaction. Replicas starting together: the first
// applies the steps, the others wait on the migration lock and then see them.
import type pg from 'pg';
import { LOCK_CLASS, MIGRATION_LOCK } from './locks.js';
import { postgresMigrations } from './migrations.js';
import type { PgPool } from './pool.js';

const MIGRATIONS_TABLE = 'appmeshd_schema_migrations';
/** Schema changes (and waiting for another replica's) may take long; they are not cut short like queries. */
const MIGRATION_TIMEOUT_MS = 3_600_000;

/** A statement exempt from the store's statement timeout (pg's QueryConfig has no query_timeout of its own). */
const untimed = (text: string, values?: unknown[]): pg.QueryConfig & { query_timeout: number } => ({
  text,
  ...(values ? { values } : {}),
  query_timeout: MIGRATION_TIMEOUT_MS,
});

export function migratePostgres(pool: PgPool): Promise<void> {
  return pool.withConnection(async (conn) => {
    await conn.query('BEGIN');
    await conn.query(untimed('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]));
    await conn.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await conn.query<{ v: number }>(
      `SELECT coalesce(max(version), 0)::integer AS v FROM ${MIGRATIONS_TABLE}`,
    );
    for (let i = rows[0]?.v ?? 0; i < postgresMigrations.length; i++) {
      await conn.query(untimed(postgresMigrations[i] ?? ''));
      await conn.query(`INSERT INTO ${MIGRATIONS_TABLE} (version) VALUES ($1)`, [i + 1]);
    }
    await conn.query('COMMIT');
  });
}

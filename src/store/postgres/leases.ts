// Singleton leases: a named lease held by one holder until it expires (by the database's clock) or is released.
import type { PgExec } from './pool.js';

export async function tryAcquireLease(query: PgExec, name: string, holderId: string, ttlMs: number): Promise<boolean> {
  const { rows } = await query(
    `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3::double precision * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= clock_timestamp()
     RETURNING holder`,
    [name, holderId, Math.max(0, Math.round(ttlMs))],
  );
  return rows.length > 0;
}

export async function releaseLease(query: PgExec, name: string, holderId: string): Promise<boolean> {
  const { rowCount } = await query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holderId]);
  return (rowCount ?? 0) > 0;
}

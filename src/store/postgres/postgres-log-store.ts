// The CloudWatch Logs tables on PostgreSQL. Unlike resource writes, log writes do not take
// the database-wide write lock: an append key-share-locks its group and locks its stream's
// row (so a concurrent delete of either waits for it), inserts the batch with one statement
// and commits; writers to different streams proceed in parallel.
import type {
  AppendOutcome,
  CreateGroupOutcome,
  CreateStreamOutcome,
  GroupListQuery,
  GroupScanQuery,
  LogEventRecord,
  LogGroupRecord,
  LogStore,
  LogStreamRecord,
  NewLogGroup,
  StreamListQuery,
  StreamReadQuery,
} from '../log-store.js';
import { parseTagMap } from '../stored.js';
import type { PgExec } from './pool.js';

export interface PgAccess {
  query: PgExec;
  /** Runs `fn` in one transaction on one pooled connection. */
  transaction<T>(fn: (exec: PgExec) => Promise<T>): Promise<T>;
}

interface GroupRow {
  name: string;
  created_at: string;
  retention_days: number | null;
  class: string;
  kms_key_id: string | null;
  deletion_protection: boolean;
  tags: string;
  stored_bytes: string | null;
}
interface StreamRow {
  name: string;
  created_at: string;
  first_ts: string | null;
  last_ts: string | null;
  last_ingestion: string | null;
}
interface EventRow {
  id: string;
  stream: string;
  ts: string;
  ingestion: string;
  message: string;
}

const MIN = Number.MIN_SAFE_INTEGER;
const MAX = Number.MAX_SAFE_INTEGER;
const GROUP_COLUMNS = `g.name, g.created_at, g.retention_days, g.class, g.kms_key_id, g.deletion_protection, g.tags,
  (SELECT sum(stored_bytes) FROM log_streams s WHERE s.group_id = g.id) AS stored_bytes`;
const STREAM_COLUMNS = 's.name, s.created_at, s.first_ts, s.last_ts, s.last_ingestion';

function toGroup(r: GroupRow): LogGroupRecord {
  return {
    name: r.name,
    createdAt: Number(r.created_at),
    ...(r.retention_days !== null ? { retentionDays: r.retention_days } : {}),
    logGroupClass: r.class,
    ...(r.kms_key_id !== null ? { kmsKeyId: r.kms_key_id } : {}),
    deletionProtection: r.deletion_protection,
    tags: parseTagMap(r.tags),
    storedBytes: Number(r.stored_bytes ?? 0),
  };
}

function toStream(r: StreamRow): LogStreamRecord {
  return {
    name: r.name,
    createdAt: Number(r.created_at),
    ...(r.first_ts !== null ? { firstEventTimestamp: Number(r.first_ts) } : {}),
    ...(r.last_ts !== null ? { lastEventTimestamp: Number(r.last_ts) } : {}),
    ...(r.last_ingestion !== null ? { lastIngestionTime: Number(r.last_ingestion) } : {}),
  };
}

const toEvent = (r: EventRow): LogEventRecord => ({
  id: Number(r.id),
  stream: r.stream,
  timestamp: Number(r.ts),
  ingestionTime: Number(r.ingestion),
  message: r.message,
});

export class PostgresLogStore implements LogStore {
  constructor(private readonly pg: PgAccess) {}

  async createGroup(g: NewLogGroup, maxGroups: number): Promise<CreateGroupOutcome> {
    return this.pg.transaction(async (exec) => {
      // Serializes group creation, so the count check and the insert agree across replicas.
      await exec(`SELECT pg_advisory_xact_lock(hashtext('appmeshd.log_groups'))`);
      const { rows } = await exec<{ n: number; exists: boolean }>(
        'SELECT count(*)::integer AS n, bool_or(name = $1) AS exists FROM log_groups',
        [g.name],
      );
      if (rows[0]!.exists) return 'exists';
      if (rows[0]!.n >= maxGroups) return 'limit';
      await exec(
        `INSERT INTO log_groups (name, created_at, retention_days, class, kms_key_id, deletion_protection, tags)
        VALUES ($1, $2, NULL, $3, $4, $5, $6)`,
        [g.name, g.createdAt, g.logGroupClass, g.kmsKeyId ?? null, g.deletionProtection, JSON.stringify(g.tags)],
      );
      return 'created';
    });
  }

  async getGroup(name: string): Promise<LogGroupRecord | undefined> {
    const { rows } = await this.pg.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM log_groups g WHERE g.name = $1`, [
      name,
    ]);
    return rows[0] ? toGroup(rows[0]) : undefined;
  }

  async listGroups(q: GroupListQuery): Promise<LogGroupRecord[]> {
    const { rows } = await this.pg.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM log_groups g
      WHERE g.name > $1 AND ($2::text IS NULL OR starts_with(g.name, $2)) AND ($3::text IS NULL OR strpos(g.name, $3) > 0)
        AND ($4::text IS NULL OR g.class = $4)
      ORDER BY g.name LIMIT $5`,
      [q.after ?? '', q.prefix ?? null, q.contains ?? null, q.logGroupClass ?? null, q.limit],
    );
    return rows.map(toGroup);
  }

  async setRetention(name: string, days: number | null): Promise<boolean> {
    const { rowCount } = await this.pg.query('UPDATE log_groups SET retention_days = $1 WHERE name = $2', [days, name]);
    return (rowCount ?? 0) > 0;
  }

  async setDeletionProtection(name: string, enabled: boolean): Promise<boolean> {
    const { rowCount } = await this.pg.query('UPDATE log_groups SET deletion_protection = $1 WHERE name = $2', [
      enabled,
      name,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async updateTags(
    name: string,
    update: (current: Record<string, string>) => Record<string, string>,
  ): Promise<boolean> {
    return this.pg.transaction(async (exec) => {
      const { rows } = await exec<{ tags: string }>('SELECT tags FROM log_groups WHERE name = $1 FOR UPDATE', [name]);
      if (!rows[0]) return false;
      await exec('UPDATE log_groups SET tags = $1 WHERE name = $2', [
        JSON.stringify(update(parseTagMap(rows[0].tags))),
        name,
      ]);
      return true;
    });
  }

  async deleteGroup(name: string): Promise<boolean> {
    return this.pg.transaction(async (exec) => {
      // Deleting the group cascades to its streams, waiting for appends that hold a stream.
      const { rows } = await exec<{ id: string }>('DELETE FROM log_groups WHERE name = $1 RETURNING id', [name]);
      if (!rows[0]) return false;
      await exec('DELETE FROM log_events WHERE group_id = $1', [rows[0].id]);
      return true;
    });
  }

  async createStream(group: string, name: string, createdAt: number, maxStreams: number): Promise<CreateStreamOutcome> {
    return this.pg.transaction(async (exec) => {
      const { rows: g } = await exec<{ id: string }>('SELECT id FROM log_groups WHERE name = $1 FOR NO KEY UPDATE', [
        group,
      ]);
      if (!g[0]) return 'no-group';
      const { rows } = await exec<{ n: number; exists: boolean }>(
        'SELECT count(*)::integer AS n, bool_or(name = $2) AS exists FROM log_streams WHERE group_id = $1',
        [g[0].id, name],
      );
      if (rows[0]!.exists) return 'exists';
      if (rows[0]!.n >= maxStreams) return 'limit';
      await exec('INSERT INTO log_streams (group_id, name, created_at) VALUES ($1, $2, $3)', [
        g[0].id,
        name,
        createdAt,
      ]);
      return 'created';
    });
  }

  async getStream(group: string, name: string): Promise<LogStreamRecord | undefined> {
    const { rows } = await this.pg.query<StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM log_groups g JOIN log_streams s ON s.group_id = g.id
      WHERE g.name = $1 AND s.name = $2`,
      [group, name],
    );
    return rows[0] ? toStream(rows[0]) : undefined;
  }

  async listStreams(group: string, q: StreamListQuery): Promise<LogStreamRecord[]> {
    const dir = q.descending ? 'DESC' : '';
    const cmp = q.descending ? '<' : '>';
    if (q.orderBy === 'name') {
      const { rows } = await this.pg.query<StreamRow>(
        `SELECT ${STREAM_COLUMNS} FROM log_groups g JOIN log_streams s ON s.group_id = g.id
        WHERE g.name = $1 AND ($2::text IS NULL OR s.name ${cmp} $2) AND ($3::text IS NULL OR starts_with(s.name, $3))
        ORDER BY s.name ${dir} LIMIT $4`,
        [group, q.after?.name ?? null, q.prefix ?? null, q.limit],
      );
      return rows.map(toStream);
    }
    const a = q.after;
    const { rows } = await this.pg.query<StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM log_groups g JOIN log_streams s ON s.group_id = g.id
      WHERE g.name = $1 AND ($2::boolean IS NULL OR (coalesce(s.last_ts, -1), s.name) ${cmp} ($3::bigint, $4::text))
      ORDER BY coalesce(s.last_ts, -1) ${dir}, s.name ${dir} LIMIT $5`,
      [group, a ? true : null, a?.lastEventTimestamp ?? 0, a?.name ?? '', q.limit],
    );
    return rows.map(toStream);
  }

  async deleteStream(group: string, name: string): Promise<boolean> {
    return this.pg.transaction(async (exec) => {
      const { rows } = await exec<{ id: string }>(
        `DELETE FROM log_streams s USING log_groups g
        WHERE s.group_id = g.id AND g.name = $1 AND s.name = $2 RETURNING s.id`,
        [group, name],
      );
      if (!rows[0]) return false;
      await exec('DELETE FROM log_events WHERE stream_id = $1', [rows[0].id]);
      return true;
    });
  }

  async appendEvents(
    group: string,
    stream: string,
    events: readonly { timestamp: number; message: string }[],
    ingestionTime: number,
  ): Promise<AppendOutcome> {
    return this.pg.transaction(async (exec) => {
      const { rows } = await exec<{ gid: string; sid: string | null }>(
        `SELECT g.id AS gid, s.id AS sid FROM log_groups g
        LEFT JOIN log_streams s ON s.group_id = g.id AND s.name = $2 WHERE g.name = $1 FOR KEY SHARE OF g`,
        [group, stream],
      );
      const row = rows[0];
      if (!row) return 'no-group';
      if (row.sid === null) return 'no-stream';
      // Held until commit: a concurrent delete of the stream waits, so no event outlives its stream;
      // appends to one stream queue here (taking the update lock first, never upgrading a shared one).
      const locked = await exec('SELECT 1 FROM log_streams WHERE id = $1 FOR NO KEY UPDATE', [row.sid]);
      if (!locked.rows.length) return 'no-stream';
      if (!events.length) return 'appended';
      const ts = events.map((e) => e.timestamp);
      const messages = events.map((e) => e.message);
      let bytes = 0;
      for (const m of messages) bytes += Buffer.byteLength(m);
      await exec(
        `INSERT INTO log_events (group_id, stream_id, ts, ingestion, message)
        SELECT $1, $2, t, $3, m FROM unnest($4::bigint[], $5::text[]) WITH ORDINALITY AS u(t, m, i) ORDER BY i`,
        [row.gid, row.sid, ingestionTime, ts, messages],
      );
      await exec(
        `UPDATE log_streams SET first_ts = LEAST(coalesce(first_ts, $1), $1), last_ts = GREATEST(coalesce(last_ts, $2), $2),
        last_ingestion = $3, stored_bytes = stored_bytes + $4 WHERE id = $5`,
        [ts[0], ts[ts.length - 1], ingestionTime, bytes, row.sid],
      );
      return 'appended';
    });
  }

  async readStream(group: string, stream: string, q: StreamReadQuery): Promise<LogEventRecord[]> {
    const forward = q.direction === 'forward';
    const from = q.from ?? (forward ? { timestamp: MIN, id: 0 } : { timestamp: MAX, id: MAX });
    const dir = forward ? '' : 'DESC';
    // The cursor's timestamp also bounds the plain time range, so the index range starts at the cursor.
    const lo = forward ? Math.max(q.startTime ?? MIN, from.timestamp) : (q.startTime ?? MIN);
    const hi = forward ? (q.endTime ?? MAX) : Math.min(q.endTime ?? MAX, from.timestamp + 1);
    const { rows } = await this.pg.query<EventRow>(
      `SELECT e.id, s.name AS stream, e.ts, e.ingestion, e.message
      FROM log_groups g JOIN log_streams s ON s.group_id = g.id JOIN log_events e ON e.stream_id = s.id
      WHERE g.name = $1 AND s.name = $2 AND e.ts >= $3 AND e.ts < $4 AND (e.ts, e.id) ${forward ? '>' : '<'} ($5::bigint, $6::bigint)
      ORDER BY e.ts ${dir}, e.id ${dir} LIMIT $7`,
      [group, stream, lo, hi, from.timestamp, from.id, q.limit],
    );
    return rows.map(toEvent);
  }

  async scanGroup(group: string, q: GroupScanQuery): Promise<LogEventRecord[]> {
    const after = q.after ?? { timestamp: MIN, id: 0 };
    const { rows } = await this.pg.query<EventRow>(
      `SELECT e.id, s.name AS stream, e.ts, e.ingestion, e.message
      FROM log_events e JOIN log_streams s ON s.id = e.stream_id
      WHERE e.group_id = (SELECT id FROM log_groups WHERE name = $1) AND e.ts >= $2 AND e.ts <= $3
        AND (e.ts, e.id) > ($4::bigint, $5::bigint)
        AND ($6::text[] IS NULL OR s.name = ANY($6)) AND ($7::text IS NULL OR starts_with(s.name, $7))
        AND NOT EXISTS (SELECT 1 FROM unnest($9::text[]) AS c(term) WHERE strpos(e.message, c.term) = 0)
      ORDER BY e.ts, e.id LIMIT $8`,
      [
        group,
        Math.max(q.startTime ?? MIN, after.timestamp),
        q.endTime ?? MAX,
        after.timestamp,
        after.id,
        q.streams ?? null,
        q.streamPrefix ?? null,
        q.limit,
        (q.contains ?? []).slice(0, 8),
      ],
    );
    return rows.map(toEvent);
  }

  async expireEvents(now: number, limit: number): Promise<number> {
    const { rows: groups } = await this.pg.query<{ id: string; retention_days: number }>(
      'SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL',
    );
    let removed = 0;
    for (const g of groups) {
      if (removed >= limit) break;
      // One group at a time, so the (group, time) index bounds each delete.
      removed += await this.pg.transaction(async (exec) => {
        const { rows } = await exec<{ n: number }>(
          `WITH victims AS (
            SELECT id, stream_id, octet_length(message) AS bytes FROM log_events
            WHERE group_id = $1 AND ts < $2 ORDER BY ts LIMIT $3
          ), gone AS (DELETE FROM log_events e USING victims v WHERE e.id = v.id RETURNING v.stream_id, v.bytes),
          per AS (SELECT stream_id, sum(bytes) AS bytes, count(*) AS n FROM gone GROUP BY stream_id),
          upd AS (UPDATE log_streams s SET stored_bytes = GREATEST(0, s.stored_bytes - per.bytes) FROM per WHERE s.id = per.stream_id)
          SELECT coalesce(sum(n), 0)::integer AS n FROM per`,
          [g.id, now - g.retention_days * 86_400_000, limit - removed],
        );
        return rows[0]!.n;
      });
    }
    return removed;
  }
}

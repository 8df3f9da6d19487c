// The CloudWatch Logs tables on SQLite. Writes run on the store's single writer connection,
// queued with its other transactions (appends are group-committed, durable at commit);
// reads use the read-only connection and fetch bounded pages by index.
import type Database from 'better-sqlite3';
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

/** How the log store reaches the connections of the SqliteStore it belongs to. */
export interface SqliteAccess {
  /** Runs `fn` in a write transaction, serialized with the store's other transactions. */
  write<T>(fn: (db: Database.Database) => T): Promise<T>;
  /** Runs `fn` on a connection that sees only committed data. */
  read<T>(fn: (db: Database.Database) => T): Promise<T>;
}

interface GroupRow {
  id: number;
  name: string;
  created_at: number;
  retention_days: number | null;
  class: string;
  kms_key_id: string | null;
  deletion_protection: number;
  tags: string;
  stored_bytes: number | null;
}
interface StreamRow {
  id: number;
  name: string;
  created_at: number;
  first_ts: number | null;
  last_ts: number | null;
  last_ingestion: number | null;
}
interface EventRow {
  id: number;
  stream: string;
  ts: number;
  ingestion: number;
  message: string;
}

const MIN = Number.MIN_SAFE_INTEGER;
const MAX = Number.MAX_SAFE_INTEGER;
const GROUP_COLUMNS = `g.id, g.name, g.created_at, g.retention_days, g.class, g.kms_key_id, g.deletion_protection, g.tags,
  (SELECT sum(stored_bytes) FROM log_streams s WHERE s.group_id = g.id) AS stored_bytes`;

function toGroup(r: GroupRow): LogGroupRecord {
  return {
    name: r.name,
    createdAt: r.created_at,
    ...(r.retention_days !== null ? { retentionDays: r.retention_days } : {}),
    logGroupClass: r.class,
    ...(r.kms_key_id !== null ? { kmsKeyId: r.kms_key_id } : {}),
    deletionProtection: r.deletion_protection === 1,
    tags: parseTagMap(r.tags),
    storedBytes: r.stored_bytes ?? 0,
  };
}

function toStream(r: StreamRow): LogStreamRecord {
  return {
    name: r.name,
    createdAt: r.created_at,
    ...(r.first_ts !== null ? { firstEventTimestamp: r.first_ts } : {}),
    ...(r.last_ts !== null ? { lastEventTimestamp: r.last_ts } : {}),
    ...(r.last_ingestion !== null ? { lastIngestionTime: r.last_ingestion } : {}),
  };
}

const toEvent = (r: EventRow): LogEventRecord => ({
  id: r.id,
  stream: r.stream,
  timestamp: r.ts,
  ingestionTime: r.ingestion,
  message: r.message,
});

/** Prepared statements per connection, prepared on first use. */
class Statements {
  private readonly byDb = new WeakMap<Database.Database, Map<string, Database.Statement>>();
  /** `Row` names the shape of the rows the SQL text selects (better-sqlite3 returns them untyped). */
  get<Row = unknown>(db: Database.Database, sql: string): Database.Statement<unknown[], Row> {
    let m = this.byDb.get(db);
    if (!m) this.byDb.set(db, (m = new Map()));
    let s = m.get(sql);
    if (!s) m.set(sql, (s = db.prepare(sql)));
    return s as Database.Statement<unknown[], Row>;
  }
}

interface PendingAppend {
  group: string;
  stream: string;
  events: readonly { timestamp: number; message: string }[];
  ingestionTime: number;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/** Rows per INSERT statement (6 parameters each, well under SQLite's 32,766). */
const INSERT_ROWS = 100;
const insertSql = (rows: number) =>
  `INSERT INTO log_events (group_id, ts, id, stream_id, ingestion, message) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`;

/** Events one group commit takes at most (several batches of up to 10,000). */
const GROUP_COMMIT_EVENTS = 50_000;

export class SqliteLogStore implements LogStore {
  private readonly st = new Statements();
  private readonly pending: PendingAppend[] = [];
  private flushing = false;
  /** The largest event id written; read from the table at the first append. */
  private lastId: number | undefined;

  constructor(private readonly access: SqliteAccess) {}

  private groupId(db: Database.Database, name: string): number | undefined {
    return this.st.get<{ id: number }>(db, 'SELECT id FROM log_groups WHERE name = ?').get(name)?.id;
  }

  private streamId(
    db: Database.Database,
    group: string,
    name: string,
  ): { groupId: number; streamId: number } | undefined {
    const row = this.st
      .get<{ gid: number; sid: number }>(
        db,
        `SELECT g.id AS gid, s.id AS sid FROM log_groups g JOIN log_streams s ON s.group_id = g.id
      WHERE g.name = ? AND s.name = ?`,
      )
      .get(group, name);
    return row ? { groupId: row.gid, streamId: row.sid } : undefined;
  }

  createGroup(g: NewLogGroup, maxGroups: number): Promise<CreateGroupOutcome> {
    return this.access.write((db) => {
      if (this.groupId(db, g.name) !== undefined) return 'exists';
      const n = this.st.get<{ n: number }>(db, 'SELECT count(*) AS n FROM log_groups').get()?.n ?? 0;
      if (n >= maxGroups) return 'limit';
      this.st
        .get(
          db,
          `INSERT INTO log_groups (name, created_at, retention_days, class, kms_key_id, deletion_protection, tags)
        VALUES (?, ?, NULL, ?, ?, ?, ?)`,
        )
        .run(
          g.name,
          g.createdAt,
          g.logGroupClass,
          g.kmsKeyId ?? null,
          g.deletionProtection ? 1 : 0,
          JSON.stringify(g.tags),
        );
      return 'created';
    });
  }

  getGroup(name: string): Promise<LogGroupRecord | undefined> {
    return this.access.read((db) => {
      const row = this.st.get<GroupRow>(db, `SELECT ${GROUP_COLUMNS} FROM log_groups g WHERE g.name = ?`).get(name);
      return row ? toGroup(row) : undefined;
    });
  }

  listGroups(q: GroupListQuery): Promise<LogGroupRecord[]> {
    return this.access.read((db) => {
      const rows = this.st
        .get<GroupRow>(
          db,
          `SELECT ${GROUP_COLUMNS} FROM log_groups g
        WHERE g.name > ? AND (? IS NULL OR substr(g.name, 1, length(?)) = ?) AND (? IS NULL OR instr(g.name, ?) > 0)
          AND (? IS NULL OR g.class = ?)
        ORDER BY g.name LIMIT ?`,
        )
        .all(
          q.after ?? '',
          q.prefix ?? null,
          q.prefix ?? '',
          q.prefix ?? '',
          q.contains ?? null,
          q.contains ?? '',
          q.logGroupClass ?? null,
          q.logGroupClass ?? '',
          q.limit,
        );
      return rows.map(toGroup);
    });
  }

  setRetention(name: string, days: number | null): Promise<boolean> {
    return this.access.write(
      (db) => this.st.get(db, 'UPDATE log_groups SET retention_days = ? WHERE name = ?').run(days, name).changes > 0,
    );
  }

  setDeletionProtection(name: string, enabled: boolean): Promise<boolean> {
    return this.access.write(
      (db) =>
        this.st.get(db, 'UPDATE log_groups SET deletion_protection = ? WHERE name = ?').run(enabled ? 1 : 0, name)
          .changes > 0,
    );
  }

  updateTags(name: string, update: (current: Record<string, string>) => Record<string, string>): Promise<boolean> {
    return this.access.write((db) => {
      const row = this.st.get<{ tags: string }>(db, 'SELECT tags FROM log_groups WHERE name = ?').get(name);
      if (!row) return false;
      const next = update(parseTagMap(row.tags));
      this.st.get(db, 'UPDATE log_groups SET tags = ? WHERE name = ?').run(JSON.stringify(next), name);
      return true;
    });
  }

  deleteGroup(name: string): Promise<boolean> {
    return this.access.write((db) => {
      const id = this.groupId(db, name);
      if (id === undefined) return false;
      this.st.get(db, 'DELETE FROM log_events WHERE group_id = ?').run(id);
      this.st.get(db, 'DELETE FROM log_streams WHERE group_id = ?').run(id);
      this.st.get(db, 'DELETE FROM log_groups WHERE id = ?').run(id);
      return true;
    });
  }

  createStream(group: string, name: string, createdAt: number, maxStreams: number): Promise<CreateStreamOutcome> {
    return this.access.write((db) => {
      const gid = this.groupId(db, group);
      if (gid === undefined) return 'no-group';
      if (this.st.get(db, 'SELECT 1 FROM log_streams WHERE group_id = ? AND name = ?').get(gid, name)) return 'exists';
      const n =
        this.st.get<{ n: number }>(db, 'SELECT count(*) AS n FROM log_streams WHERE group_id = ?').get(gid)?.n ?? 0;
      if (n >= maxStreams) return 'limit';
      this.st
        .get(db, 'INSERT INTO log_streams (group_id, name, created_at) VALUES (?, ?, ?)')
        .run(gid, name, createdAt);
      return 'created';
    });
  }

  getStream(group: string, name: string): Promise<LogStreamRecord | undefined> {
    return this.access.read((db) => {
      const row = this.st
        .get<StreamRow>(
          db,
          `SELECT s.id, s.name, s.created_at, s.first_ts, s.last_ts, s.last_ingestion
        FROM log_groups g JOIN log_streams s ON s.group_id = g.id WHERE g.name = ? AND s.name = ?`,
        )
        .get(group, name);
      return row ? toStream(row) : undefined;
    });
  }

  listStreams(group: string, q: StreamListQuery): Promise<LogStreamRecord[]> {
    return this.access.read((db) => {
      const gid = this.groupId(db, group);
      if (gid === undefined) return [];
      const cols = 's.id, s.name, s.created_at, s.first_ts, s.last_ts, s.last_ingestion';
      let rows: StreamRow[];
      if (q.orderBy === 'name') {
        const cmp = q.descending ? '<' : '>';
        const after = q.after?.name ?? (q.descending ? null : '');
        rows = this.st
          .get<StreamRow>(
            db,
            `SELECT ${cols} FROM log_streams s WHERE s.group_id = ?
          AND (? IS NULL OR s.name ${cmp} ?) AND (? IS NULL OR substr(s.name, 1, length(?)) = ?)
          ORDER BY s.name ${q.descending ? 'DESC' : ''} LIMIT ?`,
          )
          .all(gid, after, after ?? '', q.prefix ?? null, q.prefix ?? '', q.prefix ?? '', q.limit);
      } else {
        // Streams without events sort as time -1 (first ascending, last descending).
        const cmp = q.descending ? '<' : '>';
        const a = q.after;
        rows = this.st
          .get<StreamRow>(
            db,
            `SELECT ${cols} FROM log_streams s WHERE s.group_id = ?
          AND (? IS NULL OR (coalesce(s.last_ts, -1), s.name) ${cmp} (?, ?))
          ORDER BY coalesce(s.last_ts, -1) ${q.descending ? 'DESC' : ''}, s.name ${q.descending ? 'DESC' : ''} LIMIT ?`,
          )
          .all(gid, a ? 1 : null, a?.lastEventTimestamp ?? 0, a?.name ?? '', q.limit);
      }
      return rows.map(toStream);
    });
  }

  deleteStream(group: string, name: string): Promise<boolean> {
    return this.access.write((db) => {
      const ids = this.streamId(db, group, name);
      if (!ids) return false;
      this.st.get(db, 'DELETE FROM log_events WHERE stream_id = ?').run(ids.streamId);
      this.st.get(db, 'DELETE FROM log_streams WHERE id = ?').run(ids.streamId);
      return true;
    });
  }

  /**
   * Appends are group-committed: batches that arrive while a commit is running are written
   * together in the next transaction, so concurrent writers share one fsync. Each caller's
   * promise resolves after the commit that holds its batch.
   */
  appendEvents(
    group: string,
    stream: string,
    events: readonly { timestamp: number; message: string }[],
    ingestionTime: number,
  ): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ group, stream, events, ingestionTime, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.flushing || !this.pending.length) return;
    this.flushing = true;
    // Let the appends of requests already being handled join this commit.
    setImmediate(() => {
      const batch: PendingAppend[] = [];
      let n = 0;
      while (this.pending.length && (batch.length === 0 || n + this.pending[0]!.events.length <= GROUP_COMMIT_EVENTS)) {
        const p = this.pending.shift()!;
        n += p.events.length;
        batch.push(p);
      }
      this.access
        .write((db) => batch.map((p) => this.appendOne(db, p)))
        .then(
          (outcomes) => {
            for (const [i, p] of batch.entries()) p.resolve(outcomes[i]!);
          },
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          this.flushing = false;
          this.flush();
        });
    });
  }

  private appendOne(db: Database.Database, p: PendingAppend): AppendOutcome {
    const { group, stream, events, ingestionTime } = p;
    const gid = this.groupId(db, group);
    if (gid === undefined) return 'no-group';
    const ids = this.streamId(db, group, stream);
    if (!ids) return 'no-stream';
    if (!events.length) return 'appended';
    // Rows go in by statements of INSERT_ROWS rows: far fewer calls into SQLite than one per event.
    // Event ids are assigned here: this connection is the only writer.
    this.lastId ??= this.st.get<{ m: number | null }>(db, 'SELECT max(id) AS m FROM log_events').get()?.m ?? 0;
    const many = this.st.get(db, insertSql(INSERT_ROWS));
    const params: unknown[] = [];
    let bytes = 0;
    let i = 0;
    for (; i + INSERT_ROWS <= events.length; i += INSERT_ROWS) {
      params.length = 0;
      for (let k = i; k < i + INSERT_ROWS; k++) {
        const e = events[k]!;
        params.push(gid, e.timestamp, ++this.lastId, ids.streamId, ingestionTime, e.message);
        bytes += Buffer.byteLength(e.message);
      }
      many.run(params);
    }
    if (i < events.length) {
      params.length = 0;
      for (let k = i; k < events.length; k++) {
        const e = events[k]!;
        params.push(gid, e.timestamp, ++this.lastId, ids.streamId, ingestionTime, e.message);
        bytes += Buffer.byteLength(e.message);
      }
      this.st.get(db, insertSql(events.length - i)).run(params);
    }
    this.st
      .get(
        db,
        `UPDATE log_streams SET first_ts = min(coalesce(first_ts, ?), ?), last_ts = max(coalesce(last_ts, ?), ?),
      last_ingestion = max(coalesce(last_ingestion, 0), ?), stored_bytes = stored_bytes + ? WHERE id = ?`,
      )
      .run(
        events[0]!.timestamp,
        events[0]!.timestamp,
        events[events.length - 1]!.timestamp,
        events[events.length - 1]!.timestamp,
        ingestionTime,
        bytes,
        ids.streamId,
      );
    return 'appended';
  }

  readStream(group: string, stream: string, q: StreamReadQuery): Promise<LogEventRecord[]> {
    return this.access.read((db) => {
      const ids = this.streamId(db, group, stream);
      if (!ids) return [];
      const forward = q.direction === 'forward';
      const from = q.from ?? (forward ? { timestamp: MIN, id: 0 } : { timestamp: MAX, id: MAX });
      // The cursor's timestamp bounds the index range itself (a row-value bound alone would be a filter after a scan from the start).
      const lo = forward ? Math.max(q.startTime ?? MIN, from.timestamp) : (q.startTime ?? MIN);
      const hi = forward ? (q.endTime ?? MAX) : Math.min(q.endTime ?? MAX, from.timestamp + 1);
      const rows = this.st
        .get<EventRow>(
          db,
          `SELECT e.id, ? AS stream, e.ts, e.ingestion, e.message FROM log_events e
        WHERE e.stream_id = ? AND e.ts >= ? AND e.ts < ? AND (e.ts ${forward ? '>' : '<'} ? OR e.id ${forward ? '>' : '<'} ?)
        ORDER BY e.ts ${forward ? '' : 'DESC'}, e.id ${forward ? '' : 'DESC'} LIMIT ?`,
        )
        .all(stream, ids.streamId, lo, hi, from.timestamp, from.id, q.limit);
      return rows.map(toEvent);
    });
  }

  scanGroup(group: string, q: GroupScanQuery): Promise<LogEventRecord[]> {
    return this.access.read((db) => {
      const gid = this.groupId(db, group);
      if (gid === undefined) return [];
      const after = q.after ?? { timestamp: MIN, id: 0 };
      const streamFilter = q.streams
        ? 'AND s.name IN (SELECT value FROM json_each(?))'
        : q.streamPrefix !== undefined
          ? 'AND substr(s.name, 1, length(?)) = ?'
          : '';
      const params: unknown[] = [
        gid,
        Math.max(q.startTime ?? MIN, after.timestamp),
        q.endTime ?? MAX,
        after.timestamp,
        after.id,
      ];
      if (q.streams) params.push(JSON.stringify(q.streams));
      else if (q.streamPrefix !== undefined) params.push(q.streamPrefix, q.streamPrefix);
      const contains = (q.contains ?? []).slice(0, 8);
      params.push(...contains, q.limit);
      const rows = this.st
        .get<EventRow>(
          db,
          `SELECT e.id, s.name AS stream, e.ts, e.ingestion, e.message
        FROM log_events e JOIN log_streams s ON s.id = e.stream_id
        WHERE e.group_id = ? AND e.ts >= ? AND e.ts <= ? AND (e.ts > ? OR e.id > ?) ${streamFilter}
          ${contains.map(() => 'AND instr(e.message, ?) > 0').join(' ')}
        ORDER BY e.ts, e.id LIMIT ?`,
        )
        .all(...params);
      return rows.map(toEvent);
    });
  }

  expireEvents(now: number, limit: number): Promise<number> {
    return this.access.write((db) => {
      const groups = this.st
        .get<{ id: number; retention_days: number }>(
          db,
          'SELECT id, retention_days FROM log_groups WHERE retention_days IS NOT NULL',
        )
        .all();
      let removed = 0;
      for (const g of groups) {
        if (removed >= limit) break;
        const cutoff = now - g.retention_days * 86_400_000;
        const victims = this.st
          .get<{ ts: number; id: number; stream_id: number; bytes: number }>(
            db,
            `SELECT ts, id, stream_id, length(CAST(message AS BLOB)) AS bytes FROM log_events
          WHERE group_id = ? AND ts < ? ORDER BY ts, id LIMIT ?`,
          )
          .all(g.id, cutoff, limit - removed);
        const perStream = new Map<number, number>();
        const del = this.st.get(db, 'DELETE FROM log_events WHERE group_id = ? AND ts = ? AND id = ?');
        for (const v of victims) {
          del.run(g.id, v.ts, v.id);
          perStream.set(v.stream_id, (perStream.get(v.stream_id) ?? 0) + v.bytes);
        }
        const dec = this.st.get(db, 'UPDATE log_streams SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?');
        for (const [sid, bytes] of perStream) dec.run(bytes, sid);
        removed += victims.length;
      }
      return removed;
    });
  }
}

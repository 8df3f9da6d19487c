// Online, consistent backups. SQLite: the online backup API, from a read-only connection of
// this process; all pages are copied in one step, which reads one snapshot (WAL readers do
// not block the server's writer, nor it them). PostgreSQL: one SERIALIZABLE READ ONLY
// DEFERRABLE transaction, which waits for a snapshot no concurrent transaction can make
// anomalous and then reads every table without taking locks that block writers.
import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { SQLITE_FILE_NAME } from '../../store/open.js';
import { migrateSqlite } from '../../store/sqlite/sqlite-store.js';
import { rowCount } from './format.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupError,
  CONTAINER_DDL,
  dataDirFiles,
  FILES_TABLE,
  META_TABLE,
  NOT_RESTORED,
  ROWS_TABLE,
} from './format.js';

export interface BackupResult {
  file: string;
  backend: 'sqlite' | 'postgres';
  revision: number;
  rows: Record<string, number>;
  files: number;
}

export interface BackupOptions {
  file: string;
  dataDir: string;
  storeUrl?: string | undefined;
}

export async function backup(opts: BackupOptions): Promise<BackupResult> {
  if (existsSync(opts.file)) throw new BackupError(`${opts.file} exists; a backup never overwrites a file`);
  const partial = `${opts.file}.partial`;
  rmSync(partial, { force: true });
  // The backup holds secrets (IAM keys as stored, the CA key, root credentials): owner-only from the first byte.
  writeFileSync(partial, '', { mode: 0o600 });
  try {
    const result = opts.storeUrl ? await fromPostgres(opts.storeUrl, partial) : await fromSqlite(opts.dataDir, partial);
    finish(partial, opts.dataDir, result);
    renameSync(partial, opts.file);
    return { ...result, file: opts.file };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

type Partial = Omit<BackupResult, 'file' | 'files'> & { files: number; schema: string };

async function fromSqlite(dataDir: string, target: string): Promise<Partial> {
  const dbFile = join(dataDir, SQLITE_FILE_NAME);
  if (!existsSync(dbFile))
    throw new BackupError(`${dbFile} does not exist (is --data-dir right, or does this deployment use --store?)`);
  const source = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    // The first step only opens the backup; the next copies every page at once, from one snapshot.
    await source.backup(target, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const db = new Database(target);
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(CONTAINER_DDL);
    db.exec('DELETE FROM leases');
    const schema = String(db.pragma('user_version', { simple: true }));
    const revision = latestRevision(db);
    return { backend: 'sqlite', revision, rows: countRows(db), files: 0, schema };
  } finally {
    db.close();
  }
}

const latestRevision = (db: Database.Database): number =>
  Number(db.prepare<[], { r: number }>('SELECT coalesce(max(revision), 0) AS r FROM changes').get()!.r);

function countRows(db: Database.Database): Record<string, number> {
  const rows: Record<string, number> = {};
  for (const { name } of db
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'appmeshd_backup_%' ORDER BY name`,
    )
    .all()) {
    rows[name] = rowCount(db, name);
  }
  return rows;
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

async function fromPostgres(url: string, target: string): Promise<Partial> {
  const db = new Database(target);
  const client = new pg.Client({ connectionString: url, application_name: 'appmeshd-backup' });
  await client.connect();
  try {
    db.pragma('journal_mode = DELETE');
    migrateSqlite(db);
    db.exec(CONTAINER_DDL);
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE');
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const sqliteColumns = (t: string) =>
      db
        .prepare<[string], { name: string }>(`SELECT name FROM pragma_table_info(?)`)
        .all(t)
        .map((c) => c.name);
    let schema = '0';
    for (const { name } of tables) {
      if (name === 'appmeshd_schema_migrations') {
        const { rows } = await client.query<{ v: number }>(
          `SELECT coalesce(max(version), 0)::integer AS v FROM ${quote(name)}`,
        );
        schema = String(rows[0]!.v);
        continue;
      }
      // Leases belong to running processes; derived tables are rebuilt by the container's triggers as rows go in.
      if (NOT_RESTORED.has(name)) continue;
      const local = sqliteColumns(name);
      const insertNative = local.length ? undefined : db.prepare(`INSERT INTO ${ROWS_TABLE} (tbl, row) VALUES (?, ?)`);
      await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT * FROM ${quote(name)}`);
      for (;;) {
        const { rows, fields } = await client.query(`FETCH 1000 FROM backup_cursor`);
        if (!rows.length) break;
        const cols = fields.map((f) => f.name);
        if (insertNative) {
          db.transaction(() => {
            for (const r of rows) insertNative.run(name, JSON.stringify(r));
          })();
          continue;
        }
        const missing = cols.filter((c) => !local.includes(c));
        if (missing.length)
          throw new BackupError(`table ${name} has columns the SQLite schema lacks: ${missing.join(', ')}`);
        const insert = db.prepare(
          `INSERT INTO ${quote(name)} (${cols.map(quote).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        );
        db.transaction(() => {
          for (const r of rows) insert.run(...cols.map((c) => sqliteValue(r[c])));
        })();
      }
      await client.query('CLOSE backup_cursor');
    }
    await client.query('COMMIT');
    db.prepare('DELETE FROM leases').run();
    const revision = latestRevision(db);
    return { backend: 'postgres', revision, rows: countRows(db), files: 0, schema };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
    db.close();
  }
}

/** pg returns bigint as a string and timestamps as Date; SQLite takes numbers, text, blobs and null. */
function sqliteValue(v: unknown): string | number | bigint | Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint' || Buffer.isBuffer(v)) return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

function finish(file: string, dataDir: string, result: Partial): void {
  const db = new Database(file);
  try {
    const files = existsSync(dataDir) ? dataDirFiles(dataDir) : [];
    const insertFile = db.prepare(`INSERT INTO ${FILES_TABLE} (path, mode, content) VALUES (?, ?, ?)`);
    const insertMeta = db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES (?, ?)`);
    db.transaction(() => {
      for (const f of files) insertFile.run(f.path, f.mode, f.content);
      for (const [k, v] of Object.entries({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        backend: result.backend,
        schema: result.schema,
        revision: String(result.revision),
        createdAt: new Date().toISOString(),
      }))
        insertMeta.run(k, v);
    })();
    result.files = files.length;
  } finally {
    db.close();
  }
}

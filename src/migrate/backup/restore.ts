// Restores a backup into an empty SQLite data directory or an empty PostgreSQL database
// (either backend's backup into either backend), with the data directory's files.
import Database from 'better-sqlite3';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { isRecord } from '../../runtime/guards.js';
import { SQLITE_FILE_NAME } from '../../store/open.js';
import { PostgresStore } from '../../store/postgres/postgres-store.js';
import { sqliteMigrations } from '../../store/sqlite/migrations.js';
import {
  BACKUP_FORMAT,
  BackupError,
  type DataFile,
  FILES_TABLE,
  META_TABLE,
  NOT_RESTORED,
  OWN_TABLES,
  ROWS_TABLE,
  rowCount,
} from './format.js';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  storeUrl?: string | undefined;
}
export interface RestoreResult {
  backend: 'sqlite' | 'postgres';
  rows: Record<string, number>;
  files: number;
  revision: number;
}

type Row = Record<string, unknown>;

function openBackup(file: string): { db: Database.Database; meta: Map<string, string> } {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let meta: Map<string, string>;
  try {
    meta = new Map(
      db
        .prepare<[], { key: string; value: string }>(`SELECT key, value FROM ${META_TABLE}`)
        .all()
        .map((r) => [r.key, r.value]),
    );
  } catch {
    db.close();
    throw new BackupError(`${file} is not an appmeshd backup`);
  }
  if (meta.get('format') !== BACKUP_FORMAT) {
    db.close();
    throw new BackupError(`${file} is not an appmeshd backup`);
  }
  return { db, meta };
}

function assertEmptyDir(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new BackupError(`${dir} is not empty; restore only writes into an empty data directory`);
}

/** Store tables of the backup, each with a function reading its rows (native, or kept as JSON). */
function tablesOf(db: Database.Database): { table: string; rows: () => Iterable<Row> }[] {
  const out: { table: string; rows: () => Iterable<Row> }[] = [];
  const names = db
    .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    .all()
    .map((r) => r.name);
  for (const name of names) {
    if (OWN_TABLES.has(name) || NOT_RESTORED.has(name) || name.startsWith('sqlite_')) continue;
    out.push({
      table: name,
      rows: () => db.prepare<[], Row>(`SELECT * FROM "${name.replace(/"/g, '""')}"`).iterate(),
    });
  }
  if (names.includes(ROWS_TABLE)) {
    for (const { tbl } of db
      .prepare<[], { tbl: string }>(`SELECT DISTINCT tbl FROM ${ROWS_TABLE} ORDER BY tbl`)
      .all()) {
      out.push({
        table: tbl,
        rows: function* () {
          for (const r of db
            .prepare<[string], { row: string }>(`SELECT row FROM ${ROWS_TABLE} WHERE tbl = ?`)
            .iterate(tbl)) {
            const row: unknown = JSON.parse(r.row);
            // Written by backup from a PostgreSQL row, so always an object.
            if (!isRecord(row)) throw new BackupError(`the backup has a row of ${tbl} that is not an object`);
            yield row;
          }
        },
      });
    }
  }
  return out;
}

function writeFiles(db: Database.Database, dataDir: string): number {
  let n = 0;
  const root = resolve(dataDir);
  for (const f of db.prepare<[], DataFile>(`SELECT path, mode, content FROM ${FILES_TABLE} ORDER BY path`).iterate()) {
    const target = resolve(root, f.path);
    if (!target.startsWith(`${root}/`))
      throw new BackupError(`the backup names a file outside the data directory: ${f.path}`);
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileSync(target, f.content, { mode: f.mode & 0o777 });
    chmodSync(target, f.mode & 0o777);
    n++;
  }
  return n;
}

export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const { db, meta } = openBackup(opts.file);
  try {
    const revision = Number(meta.get('revision') ?? 0);
    if (!opts.storeUrl) return { ...toSqlite(opts.file, db, meta, opts.dataDir), revision };
    assertEmptyDir(opts.dataDir);
    const rows = await toPostgres(opts.storeUrl, db);
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    return { backend: 'postgres', rows, files: writeFiles(db, opts.dataDir), revision };
  } finally {
    db.close();
  }
}

function toSqlite(
  file: string,
  backupDb: Database.Database,
  meta: Map<string, string>,
  dataDir: string,
): Omit<RestoreResult, 'revision'> {
  assertEmptyDir(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = join(dataDir, SQLITE_FILE_NAME);
  const partial = `${target}.restoring`;
  const rows: Record<string, number> = {};
  try {
    if (meta.get('backend') === 'sqlite') {
      const schema = Number(meta.get('schema') ?? 0);
      if (schema > sqliteMigrations.length)
        throw new BackupError(
          `the backup's schema (${schema}) is newer than this appmeshd's (${sqliteMigrations.length})`,
        );
      copyFileSync(file, partial);
      chmodSync(partial, 0o600);
      const db = new Database(partial);
      try {
        db.exec(`DROP TABLE ${META_TABLE}; DROP TABLE ${FILES_TABLE}; DROP TABLE ${ROWS_TABLE}; DELETE FROM leases;`);
        for (const { table } of tablesOf(db)) rows[table] = rowCount(db, table);
        db.exec('VACUUM');
      } finally {
        db.close();
      }
    } else {
      writeFileSync(partial, '', { mode: 0o600 });
      const db = new Database(partial);
      try {
        const migrate = sqliteMigrations;
        db.pragma('journal_mode = DELETE');
        db.transaction(() => {
          for (const [i, m] of migrate.entries()) {
            db.exec(m);
            db.pragma(`user_version = ${i + 1}`);
          }
        })();
        db.transaction(() => {
          for (const { table, rows: source } of tablesOf(backupDb)) {
            const cols = db
              .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
              .all(table)
              .map((c) => c.name);
            if (!cols.length) throw new BackupError(`the backup has table ${table}, which the SQLite schema does not`);
            const insert = db.prepare(
              `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
            );
            let n = 0;
            for (const r of source()) {
              insert.run(...cols.map((c) => r[c] ?? null));
              n++;
            }
            rows[table] = n;
          }
        })();
      } finally {
        db.close();
      }
    }
    renameSync(partial, target);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { backend: 'sqlite', rows, files: writeFiles(backupDb, dataDir) };
}

async function toPostgres(url: string, backupDb: Database.Database): Promise<Record<string, number>> {
  // Opening the store applies the schema; the copy then runs in one transaction.
  const store = await PostgresStore.open(url);
  await store.close();
  const client = new pg.Client({ connectionString: url, application_name: 'appmeshd-restore' });
  await client.connect();
  const rows: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE resources, changes IN ACCESS EXCLUSIVE MODE');
    const { rows: nonEmpty } = await client.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM resources) + (SELECT count(*) FROM changes) AS n',
    );
    if (Number(nonEmpty[0]!.n) > 0)
      throw new BackupError('the database is not empty; restore only writes into an empty database');
    for (const { table, rows: source } of tablesOf(backupDb)) {
      const { rows: colRows } = await client.query<{ name: string; identity: string }>(
        `SELECT column_name AS name, is_identity AS identity FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      if (!colRows.length) throw new BackupError(`the backup has table ${table}, which the PostgreSQL schema does not`);
      const cols = colRows.map((c) => c.name);
      const identity = colRows.find((c) => c.identity === 'YES')?.name;
      let batch: Row[] = [];
      let n = 0;
      const flush = async () => {
        if (!batch.length) return;
        const values: unknown[] = [];
        const tuples = batch.map(
          (r) =>
            `(${cols
              .map((c) => {
                values.push(r[c] ?? null);
                return `$${values.length}`;
              })
              .join(', ')})`,
        );
        await client.query(
          `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) ${identity ? 'OVERRIDING SYSTEM VALUE ' : ''}VALUES ${tuples.join(', ')}`,
          values,
        );
        n += batch.length;
        batch = [];
      };
      for (const r of source()) {
        batch.push(r);
        if (batch.length >= 500) await flush();
      }
      await flush();
      if (identity) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max("${identity}") FROM "${table}"), 0) + 1, false)`,
          [table, identity],
        );
      }
      rows[table] = n;
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
  return rows;
}

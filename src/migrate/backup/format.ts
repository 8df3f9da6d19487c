// The backup file: a SQLite database holding the store's tables (same names and columns
// as the SQLite backend's schema) plus two tables of its own — what the backup is
// (appmeshd_backup_meta) and the data directory's files (appmeshd_backup_files: the root
// credentials, the endpoint CA and anything else kept beside the database). Tables a
// PostgreSQL store has and the SQLite schema does not are kept as JSON rows
// (appmeshd_backup_rows). Being SQLite, a backup can be inspected with any SQLite client.
import type Database from 'better-sqlite3';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SQLITE_FILE_NAME } from '../../store/open.js';

export const BACKUP_FORMAT = 'appmeshd-backup';
export const BACKUP_VERSION = '1';
export const META_TABLE = 'appmeshd_backup_meta';
export const FILES_TABLE = 'appmeshd_backup_files';
export const ROWS_TABLE = 'appmeshd_backup_rows';
export const OWN_TABLES = new Set([META_TABLE, FILES_TABLE, ROWS_TABLE]);
/** Tables never copied back: leases belong to processes that are gone; sqlite_sequence is SQLite's own. */
/**
 * Tables the store's own triggers keep from other tables (per-(kind, scope) row counts):
 * never copied row by row, since inserting the rows they derive from rebuilds them.
 */
export const DERIVED_TABLES: readonly string[] = ['resource_counts'];
export const NOT_RESTORED = new Set(['leases', 'sqlite_sequence', 'appmeshd_schema_migrations', ...DERIVED_TABLES]);

/** A refusal or a problem with the input, reported as one line rather than a stack trace. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export const CONTAINER_DDL = `
  CREATE TABLE ${META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE ${FILES_TABLE} (path TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL);
  CREATE TABLE ${ROWS_TABLE} (tbl TEXT NOT NULL, row TEXT NOT NULL);`;

/** The number of rows of a table of `db`. */
export const rowCount = (db: Database.Database, table: string): number =>
  Number(db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${table.replace(/"/g, '""')}"`).get()!.n);

const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface DataFile {
  path: string;
  mode: number;
  content: Buffer;
}

/** Every regular file of the data directory except the SQLite database itself, by relative path. */
export function dataDirFiles(dataDir: string): DataFile[] {
  const out: DataFile[] = [];
  const skip = new Set([
    SQLITE_FILE_NAME,
    `${SQLITE_FILE_NAME}-wal`,
    `${SQLITE_FILE_NAME}-shm`,
    `${SQLITE_FILE_NAME}-journal`,
  ]);
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !(dir === dataDir && skip.has(e))) {
        if (st.size > MAX_FILE_BYTES)
          throw new BackupError(`${p} is larger than ${MAX_FILE_BYTES} bytes; not a file appmeshd keeps`);
        out.push({ path: relative(dataDir, p).split(sep).join('/'), mode: st.mode & 0o777, content: readFileSync(p) });
      }
    }
  };
  walk(dataDir);
  return out;
}

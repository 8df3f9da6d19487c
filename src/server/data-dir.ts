// The data directory holds secrets (the SQLite database with every IAM user, the root
// credentials, the master key, the CA key): it is made 0700 and the files in it 0600,
// including those left by older versions, and files the process creates later (SQLite's
// -wal and -shm) are born private under a 077 umask.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files that may exist in a data directory, relative to it. */
const PRIVATE_FILES = ['appmeshd.db', 'appmeshd.db-wal', 'appmeshd.db-shm', 'credentials', 'config', 'master.key', join('ca', 'ca.key')];

export function prepareDataDir(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!statSync(dataDir).isDirectory()) throw new Error(`--data-dir ${dataDir} is not a directory`);
  chmodSync(dataDir, 0o700);
  if (existsSync(join(dataDir, 'ca'))) chmodSync(join(dataDir, 'ca'), 0o700);
  for (const f of PRIVATE_FILES) {
    const path = join(dataDir, f);
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

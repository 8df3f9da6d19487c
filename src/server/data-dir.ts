// The data directory holds secrets (the SQLite database with every IAM user, the root
// credentials, the master key, the CA key): it is made 0700 and the files in it 0600,
// including those left by older versions, and files the process creates later (SQLite's
// -wal and -shm) are born private under a 077 umask.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files that may exist in a data directory, relative to it. */
const PRIVATE_FILES = [
  'appmeshd.db',
  'appmeshd.db-wal',
  'appmeshd.db-shm',
  'credentials',
  'config',
  'master.key',
  join('ca', 'ca.key'),
];

/** Returns the paths whose mode could not be tightened (owned by another user), for a warning. */
export function prepareDataDir(dataDir: string): string[] {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!statSync(dataDir).isDirectory()) throw new Error(`--data-dir ${dataDir} is not a directory`);
  const untightened: string[] = [];
  const tighten = (path: string, mode: number) => {
    if (!existsSync(path) || (statSync(path).mode & 0o777) === mode) return;
    try {
      chmodSync(path, mode);
    } catch {
      untightened.push(path);
    }
  };
  tighten(dataDir, 0o700);
  tighten(join(dataDir, 'ca'), 0o700);
  for (const f of PRIVATE_FILES) tighten(join(dataDir, f), 0o600);
  return untightened;
}

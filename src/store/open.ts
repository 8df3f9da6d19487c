// Picks the store backend from the configuration.
import { join } from 'node:path';
import { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export const SQLITE_FILE_NAME = 'appmeshd.db';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * `postgres://…` / `postgresql://…` → PostgreSQL (shared by replicas); no URL → SQLite at
 * `<dataDir>/appmeshd.db` (single process). Any other `scheme://` URL is rejected rather
 * than silently falling back to a local file.
 */
export async function openStore(
  url: string | undefined,
  dataDir: string,
  options: PostgresStoreOptions = {},
): Promise<Store> {
  const trimmed = url?.trim();
  if (trimmed && POSTGRES_URL.test(trimmed)) return PostgresStore.open(trimmed, options);
  if (trimmed && ANY_URL.test(trimmed)) {
    throw new Error(
      `unsupported store URL scheme '${trimmed.slice(0, trimmed.indexOf(':'))}' (expected postgres:// or postgresql://)`,
    );
  }
  return new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
}

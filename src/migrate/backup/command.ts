// appmeshd backup FILE | restore FILE. Both work on the store directly (the data
// directory's SQLite file, or the --store PostgreSQL database), not through the API: a
// backup carries every secret appmeshd keeps (IAM secret keys as stored, the CA key, the
// root credentials), which should never travel over the API port, and restore must run
// before any server has the store open.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../runtime/flags.js';
import { errorCode, errorMessage } from '../../runtime/guards.js';
import { backup } from './backup.js';
import { restore } from './restore.js';
import { BackupError } from './format.js';

function parse(argv: string[], what: string) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { 'data-dir': { type: 'string' }, store: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1)
    throw new ConfigError(`usage: appmeshd ${what} FILE [--data-dir DIR] [--store postgres://…] [--json]`);
  const storeUrl = values.store ?? process.env.APPMESHD_DATABASE_URL;
  return {
    file: resolve(positionals[0]!),
    dataDir: resolve(values['data-dir'] ?? './.appmeshd'),
    storeUrl,
    json: values.json ?? false,
  };
}

/** Refusals and bad input as one line (exit code 1); anything else keeps its stack trace. */
async function reported<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (
      !(err instanceof BackupError) &&
      !['ENOENT', 'EACCES', 'ECONNREFUSED', '28P01', '3D000'].includes(errorCode(err) ?? '')
    )
      throw err;
    process.stderr.write(`appmeshd ${what}: ${errorMessage(err) ?? String(err)}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

export async function backupCommand(argv: string[]): Promise<void> {
  const { json, ...opts } = parse(argv, 'backup');
  const r = await reported('backup', () => backup(opts));
  if (!r) return;
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `backed up ${r.backend} store at revision ${r.revision} to ${r.file}: ${Object.entries(r.rows)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}; ${r.files} data-directory file(s)\n`,
    );
}

export async function restoreCommand(argv: string[]): Promise<void> {
  const { json, ...opts } = parse(argv, 'restore');
  const r = await reported('restore', () => restore(opts));
  if (!r) return;
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else
    process.stdout.write(
      `restored revision ${r.revision} into the ${r.backend} store: ${Object.entries(r.rows)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}; ${r.files} data-directory file(s)\n`,
    );
}

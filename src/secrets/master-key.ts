// The master key that seals secrets in the store. It is kept outside the store: from
// APPMESHD_MASTER_KEY (base64 of 32 bytes) or `<data-dir>/master.key` (0600), which is
// generated at first start. Replicas of one PostgreSQL store must all have the same key.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MASTER_KEY_FILE = 'master.key';
export const MASTER_KEY_ENV = 'APPMESHD_MASTER_KEY';

export class MasterKeyError extends Error {}

export interface MasterKey {
  key: Buffer;
  /** 'environment', or the file it was read from or written to. */
  source: string;
  generated: boolean;
}

function decode(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== 32) {
    throw new MasterKeyError(`${where} must be the base64 encoding of 32 bytes (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): MasterKey {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: decode(fromEnv, MASTER_KEY_ENV), source: 'environment', generated: false };
  const file = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    return { key: decode(readFileSync(file, 'utf8'), file), source: file, generated: false };
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: file, generated: true };
}

// The deployment's root credentials: from the environment, or generated at first start
// and kept in the data directory in AWS credentials-file format (profile "appmeshd").
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Where they were read from or written to; undefined when they came from the environment. */
  file?: string;
  generated: boolean;
}

export const CREDENTIALS_PROFILE = 'appmeshd';

function generateAccessKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  return `AKIA${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}

export function parseCredentialsFile(
  text: string,
  profile: string,
): { accessKeyId?: string; secretAccessKey?: string } {
  let current = '';
  const out: { accessKeyId?: string; secretAccessKey?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      current = section[1]!.trim();
      continue;
    }
    if (current !== profile) continue;
    const kv = /^\s*([a-z_]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (kv?.[1] === 'aws_access_key_id') out.accessKeyId = kv[2]!;
    if (kv?.[1] === 'aws_secret_access_key') out.secretAccessKey = kv[2]!;
  }
  return out;
}

export function loadRootCredentials(dataDir: string, env: NodeJS.ProcessEnv = process.env): RootCredentials {
  const fromEnvId = env.APPMESHD_ROOT_ACCESS_KEY_ID;
  const fromEnvSecret = env.APPMESHD_ROOT_SECRET_ACCESS_KEY;
  if (fromEnvId && fromEnvSecret) return { accessKeyId: fromEnvId, secretAccessKey: fromEnvSecret, generated: false };
  const file = join(dataDir, 'credentials');
  if (existsSync(file)) {
    const parsed = parseCredentialsFile(readFileSync(file, 'utf8'), CREDENTIALS_PROFILE);
    if (parsed.accessKeyId && parsed.secretAccessKey) {
      return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey, file, generated: false };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const accessKeyId = generateAccessKeyId();
  const secretAccessKey = randomBytes(30).toString('base64').replace(/[+/=]/g, '').slice(0, 40);
  writeFileSync(
    file,
    `[${CREDENTIALS_PROFILE}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    { mode: 0o600 },
  );
  return { accessKeyId, secretAccessKey, file, generated: true };
}

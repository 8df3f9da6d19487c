// `<data-dir>/config`: an AWS config file for the generated credentials' profile, with the
// region and the API's URL (and the CA bundle when the API speaks TLS with appmeshd's own
// certificate), so AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE are all a
// client needs. Rewritten at every start: the port may have changed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS_PROFILE } from '../auth/root-credentials.js';

export interface AwsConfigEntries {
  region: string;
  endpointUrl: string;
  caBundle?: string;
}

export function awsConfigText(e: AwsConfigEntries): string {
  return [
    '# Written by appmeshd at every start; edits are lost.',
    `[profile ${CREDENTIALS_PROFILE}]`,
    `region = ${e.region}`,
    `endpoint_url = ${e.endpointUrl}`,
    ...(e.caBundle ? [`ca_bundle = ${e.caBundle}`] : []),
    '',
  ].join('\n');
}

export function writeAwsConfigFile(dataDir: string, e: AwsConfigEntries): string {
  const file = join(dataDir, 'config');
  writeFileSync(file, awsConfigText(e), { mode: 0o600 });
  return file;
}

/** The entries of the data directory's config file, when there is one (what `writeAwsConfigFile` wrote). */
export function readAwsConfigFile(dataDir: string): Partial<AwsConfigEntries> {
  const file = join(dataDir, 'config');
  if (!existsSync(file)) return {};
  const out: Partial<AwsConfigEntries> = {};
  let inProfile = false;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      inProfile = section[1]!.trim() === `profile ${CREDENTIALS_PROFILE}`;
      continue;
    }
    const kv = inProfile ? /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line) : null;
    if (kv?.[1] === 'region') out.region = kv[2]!;
    if (kv?.[1] === 'endpoint_url') out.endpointUrl = kv[2]!;
    if (kv?.[1] === 'ca_bundle') out.caBundle = kv[2]!;
  }
  return out;
}

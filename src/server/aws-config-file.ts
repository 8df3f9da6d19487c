// `<data-dir>/config`: an AWS config file for the generated credentials' profile, with the
// region and the API's URL (and the CA bundle when the API speaks TLS with appmeshd's own
// certificate), so AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE are all a
// client needs. Rewritten at every start: the port may have changed.
import { writeFileSync } from 'node:fs';
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

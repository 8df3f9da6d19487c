// `appmeshd ca [--data-dir DIR]`: prints the PEM of the CA that signs endpoint
// certificates (creating the CA if the server has not yet), for clients' trust stores.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CertificateAuthority } from './authority.js';

export function caCommand(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: false });
  const dataDir = resolve(values['data-dir'] ?? './.appmeshd');
  process.stdout.write(CertificateAuthority.open(dataDir).certPem);
}

// `appmeshd ca [--data-dir DIR]`: prints the PEM of the CA that signs the endpoint
// certificates (and the API certificate of `--api-tls auto`), for clients' trust stores.
// It never creates a CA: a data directory without one is not a server's, and a new CA
// there would be trusted by nobody.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './errors.js';
import { type FlagTable, type FlagValues, helpText, stringFlag } from '../runtime/flags.js';
import { CertificateAuthority } from '../endpoints/ca/authority.js';

export const caFlags: FlagTable = [
  { name: 'data-dir', value: 'DIR', default: './.appmeshd', help: 'the data directory of the server (its --data-dir)' },
];

export const caHelp = () =>
  helpText(
    'appmeshd ca [flags]',
    'Prints the PEM of the CA that signs the endpoint and API (--api-tls auto) certificates.',
    caFlags,
  );

export function caCommand(values: FlagValues): void {
  const dataDir = resolve(stringFlag(values, 'data-dir') ?? './.appmeshd');
  const pem = CertificateAuthority.readPem(dataDir);
  if (pem === undefined) {
    const why = existsSync(dataDir) ? 'holds no endpoint CA' : 'does not exist';
    throw new CliError(
      `${dataDir} ${why}: start appmeshd serve --data-dir ${dataDir} first, or give the --data-dir of the running server`,
    );
  }
  process.stdout.write(pem);
}

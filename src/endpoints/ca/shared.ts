// One endpoint CA for every replica of a shared (PostgreSQL) store. The CA lives in the
// store; each replica mirrors it into its data directory (ca/ca.key, ca/ca.pem), where
// CertificateAuthority.open and `appmeshd ca` read it. The first replica to start publishes
// the CA it has (an existing single-node CA is kept, otherwise a new one); the others adopt it.
// Without this, each replica would create its own CA and clients trusting one replica's
// PEM would reject endpoint certificates issued by another.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { StoreConflictError, type Store } from '../../store/types.js';
import { CertificateAuthority, caPaths } from './authority.js';

const KIND = 'endpoints:ca';
const NAME = 'default';
const ARN = 'appmeshd:endpoints:ca/default';

interface CaSpec {
  certPem: string;
  keyPem: string;
}

function writeLocal(dataDir: string, spec: CaSpec): void {
  const paths = caPaths(dataDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.key, spec.keyPem, { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  writeFileSync(paths.cert, spec.certPem);
}

/** Makes the data directory's CA the store's CA (publishing the local one if the store has none). */
export async function syncSharedCa(store: Store, dataDir: string): Promise<void> {
  let row = await store.get<CaSpec>(KIND, '', NAME);
  if (!row) {
    const local = CertificateAuthority.open(dataDir);
    const spec: CaSpec = { certPem: local.certPem, keyPem: readFileSync(caPaths(dataDir).key, 'utf8') };
    const now = Date.now();
    try {
      await store.transact((tx) => tx.put({
        kind: KIND, scope: '', name: NAME, arn: ARN, uid: NAME, version: 1, status: 'ACTIVE',
        createdAt: now, updatedAt: now, spec, tags: [],
      }, { absent: true }));
      return;
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
    }
    row = await store.get<CaSpec>(KIND, '', NAME);
    if (!row) throw new Error('the shared endpoint CA vanished from the store');
  }
  if (CertificateAuthority.readPem(dataDir) !== row.spec.certPem) writeLocal(dataDir, row.spec);
}

// One endpoint CA for every replica of a shared (PostgreSQL) store. The CA lives in the
// store; each replica mirrors it into its data directory (ca/ca.key, ca/ca.pem), where
// CertificateAuthority.open and `appmeshd ca` read it. The first replica to start publishes
// the CA it has (an existing single-node CA is kept, otherwise a new one); the others adopt it.
// Without this, each replica would create its own CA and clients trusting one replica's
// PEM would reject endpoint certificates issued by another. The key is sealed with the
// master key in the store (so a database dump does not hold it), plain in the data directory.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Sealed, Sealer } from '../../secrets/sealer.js';
import { publishOnce } from '../../store/publish-once.js';
import { StoreConflictError, type Store, type StoredResource } from '../../store/types.js';
import { CertificateAuthority, caPaths } from './authority.js';

const KIND = 'endpoints:ca';
const NAME = 'default';

interface CaSpec {
  certPem: string;
  key?: Sealed;
  /** Plaintext, only in rows from before the key was sealed. */
  keyPem?: string;
}

interface LocalCa {
  certPem: string;
  keyPem: string;
}

const CONTEXT = 'endpoints:ca/default';

function writeLocal(dataDir: string, spec: LocalCa): void {
  const paths = caPaths(dataDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeFileSync(paths.key, spec.keyPem, { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  writeFileSync(paths.cert, spec.certPem);
}

/** Makes the data directory's CA the store's CA (publishing the local one if the store has none). */
/** Seals a CA key stored in plaintext by an older version. */
async function sealStoredKey(store: Store, row: StoredResource<CaSpec>, sealer: Sealer): Promise<void> {
  if (row.spec.keyPem === undefined) return;
  const { keyPem, ...rest } = row.spec;
  const { revision: _revision, ...unrevised } = row;
  try {
    await store.transact((tx) =>
      tx.put<CaSpec>(
        {
          ...unrevised,
          version: row.version + 1,
          updatedAt: Date.now(),
          spec: { ...rest, key: sealer.seal(keyPem, CONTEXT) },
        },
        { version: row.version },
      ),
    );
    await store.scrub();
  } catch (err) {
    if (!(err instanceof StoreConflictError)) throw err; // another replica sealed it first
  }
}

export async function syncSharedCa(store: Store, dataDir: string, sealer: Sealer): Promise<void> {
  const row = await publishOnce<CaSpec>(store, KIND, NAME, () => {
    const local = CertificateAuthority.open(dataDir);
    return { certPem: local.certPem, key: sealer.seal(readFileSync(caPaths(dataDir).key, 'utf8'), CONTEXT) };
  });
  await sealStoredKey(store, row, sealer);
  const keyPem = row.spec.key ? sealer.open(row.spec.key, CONTEXT) : row.spec.keyPem;
  if (keyPem === undefined) throw new Error('the shared endpoint CA in the store has no key');
  if (CertificateAuthority.readPem(dataDir) !== row.spec.certPem)
    writeLocal(dataDir, { certPem: row.spec.certPem, keyPem });
}

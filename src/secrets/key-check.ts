// Proves at start that this server's master key is the one the store's secrets are sealed
// with: the store keeps one sealed check value, published by the first server to start.
// A replica with another key stops with a message naming both key ids, instead of failing
// every signature of an IAM user later.
import { publishOnce } from '../store/publish-once.js';
import type { Store } from '../store/types.js';
import { isSealed, type Sealed, SealError, type Sealer } from './sealer.js';

const KIND = 'appmeshd:masterKeyCheck';
const NAME = 'default';
const CONTEXT = 'appmeshd master key check';
const PLAINTEXT = 'appmeshd';

interface CheckSpec {
  check: Sealed;
}

export class MasterKeyMismatchError extends Error {}

export async function verifyMasterKey(store: Store, sealer: Sealer): Promise<void> {
  const row = await publishOnce<CheckSpec>(store, KIND, NAME, () => ({ check: sealer.seal(PLAINTEXT, CONTEXT) }));
  if (!isSealed(row.spec.check)) throw new MasterKeyMismatchError('the master key check in the store is malformed');
  try {
    if (sealer.open(row.spec.check, CONTEXT) === PLAINTEXT) return;
  } catch (err) {
    if (!(err instanceof SealError)) throw err;
  }
  throw new MasterKeyMismatchError(
    `the master key (id ${sealer.keyId}) is not the one this store's secrets are sealed with (id ${row.spec.check.keyId}); ` +
      'give this server the same APPMESHD_MASTER_KEY (or master.key) as the others',
  );
}

// Access-key secrets in the store are sealed with the master key; the access key id is the
// associated data, so a sealed secret only opens on its own row.
import type { Sealer } from '../secrets/sealer.js';
import type { Store } from '../store/types.js';
import { ACCESS_KEY_KIND, type AccessKeySpec } from './records.js';

const context = (accessKeyId: string) => `iam:accessKey/${accessKeyId}`;

export const sealAccessKeySecret = (sealer: Sealer, accessKeyId: string, secret: string) =>
  sealer.seal(secret, context(accessKeyId));

/** The secret of a stored access key (sealed, or plaintext from before sealing). */
export function openAccessKeySecret(sealer: Sealer, accessKeyId: string, spec: AccessKeySpec): string | undefined {
  if (spec.secret) return sealer.open(spec.secret, context(accessKeyId));
  return spec.secretAccessKey;
}

/** Seals every access key still stored in plaintext (rows from before sealing); returns how many. */
export async function sealPlaintextAccessKeys(store: Store, sealer: Sealer): Promise<number> {
  const plain = (await store.listKind<AccessKeySpec>(ACCESS_KEY_KIND)).filter(
    (r) => r.spec.secretAccessKey !== undefined,
  );
  let sealed = 0;
  for (const r of plain) {
    const done = await store.transact(async (tx) => {
      const row = await tx.get<AccessKeySpec>(ACCESS_KEY_KIND, r.scope, r.name);
      if (!row || row.spec.secretAccessKey === undefined) return false;
      const { secretAccessKey, ...rest } = row.spec;
      const { revision: _revision, ...unrevised } = row;
      await tx.put<AccessKeySpec>(
        {
          ...unrevised,
          version: row.version + 1,
          updatedAt: Date.now(),
          spec: { ...rest, secret: sealAccessKeySecret(sealer, row.name, secretAccessKey) },
        },
        { version: row.version },
      );
      return true;
    });
    if (done) sealed++;
  }
  return sealed;
}

// A deployment-wide singleton row (the shared endpoint CA, the master key check): the first
// server to start writes its value; every other one, racing or later, gets the winner's.
import { StoreConflictError, type Store, type StoredResource } from './types.js';

export async function publishOnce<S>(
  store: Store,
  kind: string,
  name: string,
  spec: () => S,
): Promise<StoredResource<S>> {
  const existing = await store.get<S>(kind, '', name);
  if (existing) return existing;
  const now = Date.now();
  try {
    return await store.transact((tx) =>
      tx.put<S>(
        {
          kind,
          scope: '',
          name,
          arn: `appmeshd:${kind}/${name}`,
          uid: name,
          version: 1,
          status: 'ACTIVE',
          createdAt: now,
          updatedAt: now,
          spec: spec(),
          tags: [],
        },
        { absent: true },
      ),
    );
  } catch (err) {
    if (!(err instanceof StoreConflictError)) throw err;
  }
  const winner = await store.get<S>(kind, '', name);
  if (!winner) throw new Error(`the store's ${kind}/${name} vanished right after another server wrote it`);
  return winner;
}

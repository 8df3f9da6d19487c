// Runs a call's writes in one store transaction, again when a concurrent write got there
// first: a serializable backend (PostgreSQL) may refuse a transaction that raced another.
// Callers' transactions re-read what they check, so a rerun is safe.
import { type Store, type StoreTx, StoreConflictError } from './types.js';

export const MAX_CONFLICT_ATTEMPTS = 5;

export async function transactRetryingConflicts<T>(
  store: Pick<Store, 'transact'>,
  fn: (tx: StoreTx) => Promise<T>,
  maxAttempts = MAX_CONFLICT_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transact(fn);
    } catch (err) {
      if (!(err instanceof StoreConflictError) || attempt >= maxAttempts) throw err;
    }
  }
}

// The row a backend's put returns, built from what was written and the revision it got.
import { type NewResource, type StoredResource, StoreInvalidValueError } from './types.js';

/** What put returns: the row exactly as get would return it. */
export function stored<S>(res: NewResource<S>, revision: number): StoredResource<S> {
  return {
    kind: res.kind,
    scope: res.scope,
    name: res.name,
    arn: res.arn,
    uid: res.uid,
    version: res.version,
    status: res.status,
    createdAt: res.createdAt,
    updatedAt: res.updatedAt,
    spec: res.spec,
    tags: res.tags,
    clientToken: res.clientToken ?? undefined,
    revision,
  };
}

// NUL cannot be stored in a PostgreSQL text column and an unpaired surrogate cannot be
// encoded as UTF-8 by either backend, so neither is ever written to or looked up in a key
// column: both backends refuse such a row in the same way and find nothing under such a
// key. (Spec and tags are stored as JSON text, whose escapes carry any string exactly.)
const UNSTORABLE = /[\0\ud800-\udfff]/u;

/** Whether every key can name a stored row. */
export function storableKeys(...keys: (string | undefined)[]): boolean {
  for (const k of keys) if (k !== undefined && UNSTORABLE.test(k)) return false;
  return true;
}

/** Throws StoreInvalidValueError when a column of the row that is stored as plain text cannot hold its value exactly. */
export function assertStorable(res: NewResource<unknown>): void {
  if (!storableKeys(res.kind, res.scope, res.name, res.arn, res.uid, res.status, res.clientToken)) {
    throw new StoreInvalidValueError(
      `${res.kind} ${JSON.stringify(res.name.slice(0, 64))} holds a NUL character or an unpaired surrogate, which cannot be stored`,
    );
  }
}

/** Throws StoreInvalidValueError for a listing whose arguments cannot name stored rows. */
export function assertStorableKeys(...keys: (string | undefined)[]): void {
  if (!storableKeys(...keys))
    throw new StoreInvalidValueError('A NUL character or an unpaired surrogate cannot be part of a stored name');
}

/**
 * A stored spec. The store does not know the shape of a kind's spec: each service reads back only the kinds it wrote,
 * so the type it asks for is the one it stored.
 */
export function parseSpec<S>(json: string): S {
  return JSON.parse(json) as S;
}

/** Tags stored as a JSON object of strings (log groups); anything else in the column is an error, not a tag. */
export function parseTagMap(json: string): Record<string, string> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('stored tags are not a JSON object');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`stored tag ${JSON.stringify(k)} is not a string`);
    tags[k] = v;
  }
  return tags;
}

// Page tokens as a client might alter them: the signed cursor changed under its signature.
import assert from 'node:assert/strict';

function parts(token: string): { context: string; cursor: string; sig: string } {
  const [payload, sig] = token.split('.');
  assert.ok(payload && sig, `not a signed page token: ${token}`);
  const [context, cursor] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string];
  return { context, cursor, sig };
}

/** The cursor a signed token carries. */
export const cursorOf = (token: string): string => parts(token).cursor;

/** `token` (payload.signature) with its cursor replaced by a different `cursor`, the signature kept. */
export function withCursor(token: string, cursor: string): string {
  const { context, cursor: old, sig } = parts(token);
  assert.notEqual(cursor, old, 'an altered token needs a cursor other than its own');
  return `${Buffer.from(JSON.stringify([context, cursor])).toString('base64url')}.${sig}`;
}

/** A token in the unsigned form an older version issued: the cursor in base64url. */
export const unsignedToken = (cursor: string) => Buffer.from(cursor).toString('base64url');

// Page tokens of the Logs operations, parsed strictly; a malformed, altered or foreign one is
// an InvalidParameterException. The listings' tokens are signed (PageTokens); GetLogEvents
// keeps AWS's visible f/…/s and b/…/s stream positions, which name a place in the stream
// the request already names, so they read nothing a caller could not ask for.
import type { PageTokens } from '../api/page-tokens.js';
import type { EventPosition } from '../store/log-store.js';
import { invalidToken } from './errors.js';

/** GetLogEvents: f/<56 digits>/s (events after the position) or b/<56 digits>/s (before it). */
export function streamToken(direction: 'f' | 'b', p: EventPosition): string {
  return `${direction}/${String(p.timestamp + 1).padStart(20, '0')}${String(p.id).padStart(36, '0')}/s`;
}

export function parseStreamToken(token: string): { direction: 'f' | 'b'; position: EventPosition } {
  const m = /^([fb])\/(\d{20})(\d{36})(\/s)?$/.exec(token);
  if (!m) throw invalidToken();
  const timestamp = Number(m[2]) - 1;
  const id = Number(m[3]);
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(id)) throw invalidToken();
  return { direction: m[1] === 'f' ? 'f' : 'b', position: { timestamp, id } };
}

/** A signed token carrying `value`, bound to one listing (`context`: operation and scope). */
export function encodeToken(tokens: PageTokens, context: string, value: unknown): string {
  return tokens.issue(context, JSON.stringify(value));
}

/** Reads a token made by encodeToken for `context` and checks its shape with `check`. */
export function decodeToken<T>(tokens: PageTokens, context: string, token: string, check: (v: unknown) => v is T): T {
  if (token.length > 2048) throw invalidToken();
  const cursor = tokens.read(context, token, invalidToken);
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    throw invalidToken();
  }
  if (!check(value)) throw invalidToken();
  return value;
}

export const isPosition = (v: unknown): v is EventPosition =>
  typeof v === 'object' &&
  v !== null &&
  'timestamp' in v &&
  Number.isSafeInteger(v.timestamp) &&
  'id' in v &&
  Number.isSafeInteger(v.id);

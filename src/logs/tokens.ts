// Page tokens of the Logs operations. Every token is parsed strictly (bounded digits or
// base64url of a small JSON value) and a malformed one is an InvalidParameterException.
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

export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a token made by encodeToken and checks its shape with `check`. */
export function decodeToken<T>(token: string, check: (v: unknown) => v is T): T {
  if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalidToken();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
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

// Which PostgreSQL / pg errors mean "the database cannot be reached right now".
import { StoreConflictError, StoreUnavailableError } from '../types.js';

/** Socket-level failures (Node) and SQLSTATEs of class 08 / 57P0x / 53300. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOENT', // ENOENT: unix socket path absent while the server is down
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '53300', // too_many_connections
]);

const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /connection error/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection (was )?closed/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /server closed the connection unexpectedly/i,
  /query read timeout/i, // query_timeout: no answer (silent partition); the connection is discarded
];

/** SQLSTATEs after which re-running the whole transaction may succeed. */
export const RETRYABLE_CODES = new Set(['40001', '40P01']);

/** The SQLSTATE of a database error, or the Node error code of a socket failure. */
export function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

export const UNIQUE_VIOLATION = '23505';

export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = codeOf(err);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  // Node reports a failed connection to several addresses as an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isUnavailable(e))) return true;
  // Messages only identify errors of the driver itself (they carry no SQLSTATE).
  if (code === undefined && UNAVAILABLE_MESSAGES.some((re) => re.test(err.message))) return true;
  return false;
}

/**
 * An established connection broke (server restart, terminated session): a fresh
 * connection may work at once. Failures to connect at all are not included.
 */
export function isBrokenConnection(err: unknown): boolean {
  const cause = err instanceof StoreUnavailableError ? err.cause : err;
  if (!(cause instanceof Error)) return false;
  const code = codeOf(cause);
  if (code === '57P01' || code === '57P02' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return code === undefined && /connection terminated|not queryable/i.test(cause.message);
}

export function isRetryable(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** Maps a driver error to the store's error classes; other errors pass through. */
export function mapPgError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || err instanceof StoreConflictError) return err;
  if (isUnavailable(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(`PostgreSQL is unavailable: ${message}`, err);
  }
  return err;
}

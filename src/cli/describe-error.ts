// One line for any error a command ends with: what failed, in the operator's terms, without
// a stack trace (APPMESHD_DEBUG=1 adds the stack).
import { errnoReason } from '../runtime/errno.js';

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  /** Which listener failed, when the code that bound it said so. */
  listener?: string;
}

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // AggregateError: net.connect tried several addresses (IPv4 and IPv6 of localhost); the first says enough.
  const inner =
    err instanceof AggregateError && err.errors[0] instanceof Error
      ? (err.errors[0] as SystemError)
      : (err as SystemError);
  const reason = errnoReason(inner.code);
  const where =
    inner.address !== undefined ? `${inner.address}${inner.port !== undefined ? `:${inner.port}` : ''}` : undefined;
  if (inner.syscall === 'listen' && where)
    return `cannot listen on ${where}${inner.listener ? ` (${inner.listener})` : ''}: ${reason ?? inner.message}`;
  if (inner.syscall === 'connect' && where)
    return `${err.message && err !== inner ? `${err.message}: ` : ''}cannot connect to ${where}: ${reason ?? inner.message}`;
  const message = (err.message || inner.message).split('\n')[0]!;
  return message;
}

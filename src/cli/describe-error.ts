// One line for any error a command ends with: what failed, in the operator's terms, without
// a stack trace (APPMESHD_DEBUG=1 adds the stack).
import { errnoReason } from '../runtime/errno.js';
import { errorCode, propertyOf } from '../runtime/guards.js';

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // AggregateError: net.connect tried several addresses (IPv4 and IPv6 of localhost); the first says enough.
  const first: unknown = err instanceof AggregateError ? err.errors[0] : undefined;
  const inner = first instanceof Error ? first : err;
  // A system error's details (Node's errno properties; `listener` names the listener that failed to bind).
  const syscall = propertyOf(inner, 'syscall');
  const address = propertyOf(inner, 'address');
  const port = propertyOf(inner, 'port');
  const listener = propertyOf(inner, 'listener');
  const reason = errnoReason(errorCode(inner));
  const where = address !== undefined ? `${address}${port !== undefined ? `:${port}` : ''}` : undefined;
  if (syscall === 'listen' && where)
    return `cannot listen on ${where}${listener ? ` (${listener})` : ''}: ${reason ?? inner.message}`;
  if (syscall === 'connect' && where)
    return `${err.message && err !== inner ? `${err.message}: ` : ''}cannot connect to ${where}: ${reason ?? inner.message}`;
  const message = (err.message || inner.message).split('\n')[0]!;
  return message;
}

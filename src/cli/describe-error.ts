// One line for any error a command ends with: what failed, in the operator's terms, without
// a stack trace (APPMESHD_DEBUG=1 adds the stack).

interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

const reasons: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (is another appmeshd running?)',
  EADDRNOTAVAIL: 'the address is not assigned to this host',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
};

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // AggregateError: net.connect tried several addresses (IPv4 and IPv6 of localhost); the first says enough.
  const inner = err instanceof AggregateError && err.errors[0] instanceof Error ? err.errors[0] as SystemError : err as SystemError;
  const reason = inner.code ? reasons[inner.code] : undefined;
  const where = inner.address !== undefined ? `${inner.address}${inner.port !== undefined ? `:${inner.port}` : ''}` : undefined;
  if (inner.syscall === 'listen' && where) return `cannot listen on ${where}: ${reason ?? inner.message}`;
  if (inner.syscall === 'connect' && where) return `${err.message && err !== inner ? `${err.message}: ` : ''}cannot connect to ${where}: ${reason ?? inner.message}`;
  const message = (err.message || inner.message).split('\n')[0]!;
  return message;
}

// Operating-system error codes in an operator's words (bind and connect failures).
const reasons: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (is another appmeshd running?)',
  EADDRNOTAVAIL: 'the address is not assigned to this host',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
};

export const errnoReason = (code: string | undefined): string | undefined =>
  code !== undefined && Object.hasOwn(reasons, code) ? reasons[code] : undefined;

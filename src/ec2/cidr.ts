// IPv4 CIDR arithmetic for subnets, address allocation and security-group matching.

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export const formatIpv4 = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** Parses a.b.c.d/n; undefined when malformed. With `strict`, host bits must be zero. */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const base = (ip & mask(prefix)) >>> 0;
  if (strict && base !== ip) return undefined;
  return { base, prefix };
}

const mask = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export const cidrSize = (c: Cidr) => 2 ** (32 - c.prefix);
export const formatCidr = (c: Cidr) => `${formatIpv4(c.base)}/${c.prefix}`;

export function cidrContainsIp(c: Cidr, ip: number): boolean {
  return (ip & mask(c.prefix)) >>> 0 === c.base;
}

/** Whether `inner` lies entirely inside `outer`. */
export const cidrInside = (inner: Cidr, outer: Cidr) =>
  inner.prefix >= outer.prefix && cidrContainsIp(outer, inner.base);

export const cidrsOverlap = (a: Cidr, b: Cidr) => cidrInside(a, b) || cidrInside(b, a);

/** Whether the address (text) is inside the CIDR (text); false when either is malformed. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = parseIpv4(ip);
  return c !== undefined && n !== undefined && cidrContainsIp(c, n);
}

/** AWS reserves the first four addresses and the last one of every subnet. */
export function usableAddresses(c: Cidr): { first: number; last: number } {
  return { first: c.base + 4, last: c.base + cidrSize(c) - 2 };
}

// The one place IP address text becomes bytes or is matched against a range, on ipaddr.js:
// AAAA records, certificate IP SANs and IAM IpAddress conditions all read addresses here.
// Text is accepted only in the standard forms node:net accepts (dotted-quad IPv4, RFC 4291
// IPv6 including an embedded IPv4 tail), without a zone id; an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) is the IPv4 address it carries, in addresses and in ranges alike.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const isIPv6 = (address: Address): address is ipaddr.IPv6 => address.kind() === 'ipv6';

/** Parses an address in a standard form; undefined otherwise. */
export function parseIp(text: string): Address | undefined {
  if (text.includes('%') || !isIP(text)) return undefined;
  return ipaddr.parse(text);
}

/** The address's bytes as written: 4 for IPv4, 16 for any IPv6 text (mapped ones too). */
export function ipToBytes(text: string): Buffer | undefined {
  const address = parseIp(text);
  return address ? Buffer.from(address.toByteArray()) : undefined;
}

function unmapped(address: Address): Address {
  return isIPv6(address) && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/** A range in CIDR notation, or a bare address (one host); undefined when malformed. */
export function parseIpRange(text: string): [Address, number] | undefined {
  const slash = text.indexOf('/');
  const address = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const full = address.kind() === 'ipv4' ? 32 : 128;
  const bitsText = slash < 0 ? String(full) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > full) return undefined;
  const bits = Number(bitsText);
  if (isIPv6(address) && address.isIPv4MappedAddress() && bits >= 96) {
    return [address.toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

/** Whether `ip` lies in `range` (CIDR or bare address); false when either is malformed or they are of different families. */
export function ipInRange(ip: string, range: string): boolean {
  const address = parseIp(ip);
  const parsed = parseIpRange(range);
  if (!address || !parsed) return false;
  const a = unmapped(address);
  const [net, bits] = parsed;
  return a.kind() === net.kind() && a.match(net, bits);
}

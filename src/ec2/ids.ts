// Resource ids in EC2's formats: <prefix>-<17 lower-case hex>.
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'vpc' | 'subnet' | 'sg' | 'vpce' | 'eni' | 'sgr' | 'vpc-cidr-assoc';

export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** The random part of an endpoint's vpce DNS names: 8 lower-case letters and digits. */
export function newDnsSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function newMacAddress(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

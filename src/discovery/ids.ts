// Cloud Map identifiers and ARNs, built and parsed in one place.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length: number, alphabet = ALPHABET): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export const newNamespaceId = () => `ns-${randomId(16)}`;
export const newServiceId = () => `srv-${randomId(16)}`;
/** Cloud Map operation ids look like `<32 chars>-<8 chars>`. */
export const newOperationId = () => `${randomId(32)}-${randomId(8)}`;
export const newHostedZoneId = () => `Z${randomId(13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;

export type ArnType = 'namespace' | 'service';

export function sdArn(region: string, accountId: string, type: ArnType, id: string): string {
  return `arn:aws:servicediscovery:${region}:${accountId}:${type}/${id}`;
}

/** Instances and operations have no ARN in Cloud Map; rows still need a unique one. */
export const instanceRowArn = (region: string, accountId: string, serviceId: string, instanceId: string) =>
  `${sdArn(region, accountId, 'service', serviceId)}/instance/${instanceId}`;
export const operationRowArn = (region: string, accountId: string, operationId: string) =>
  `arn:aws:servicediscovery:${region}:${accountId}:operation/${operationId}`;

export interface ParsedArn {
  region: string;
  accountId: string;
  type: ArnType;
  id: string;
}

export function parseSdArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws:servicediscovery:([a-z0-9-]+):(\d{12}):(namespace|service)\/([A-Za-z0-9-]+)$/.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, type: m[3] === 'namespace' ? 'namespace' : 'service', id: m[4]! };
}

/**
 * Request members typed `Arn` accept either the id or the full ARN. Returns the id, or
 * undefined when an ARN names another type, region or account (so nothing is found).
 */
export function idFrom(value: string, type: ArnType, region: string, accountId: string): string | undefined {
  if (!value.startsWith('arn:')) return value;
  const parsed = parseSdArn(value);
  if (!parsed || parsed.type !== type || parsed.region !== region || parsed.accountId !== accountId) return undefined;
  return parsed.id;
}

// Identifiers IAM hands out: user ids (AIDA…), access key ids (AKIA…) and secrets.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomText(length: number): string {
  return Array.from(randomBytes(length), (b) => ALPHABET[b % 32]).join('');
}

export const newUserId = (): string => `AIDA${randomText(17)}`;
export const newAccessKeyId = (): string => `AKIA${randomText(16)}`;
export const newSecretAccessKey = (): string => randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);

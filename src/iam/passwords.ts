// Console passwords: scrypt (memory-hard) with a per-password salt, in a self-describing
// string so the parameters can be raised later without breaking stored hashes.
// N=2^15, r=8, p=1 costs 32 MiB and tens of milliseconds per hash; hashes run at most
// MAX_CONCURRENT at a time so a burst of sign-ins cannot exhaust memory.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;
const MAX_CONCURRENT = 2;
const MAX_QUEUED = 32;

export class PasswordHashBusy extends Error {}

let running = 0;
const queue: (() => void)[] = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (queue.length >= MAX_QUEUED) throw new PasswordHashBusy('too many password checks in progress');
    await new Promise<void>((resolve) => queue.push(resolve));
  }
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return slot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** A hash of a random password: checked against when the user does not exist, so timing does not tell. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const text = stored ?? (await (decoy ??= hashPassword(randomBytes(16).toString('hex'))));
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20 || r > 32 || p > 4) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), n, r, p);
  return stored !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * The account password policy appmeshd enforces (IAM's default): 8 to 128 characters, at
 * least three of upper case, lower case, digits and symbols. Returns the violation, if any.
 */
export function passwordPolicyViolation(password: string): string | undefined {
  if (password.length < 8) return 'Password should have a minimum length of 8';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3)
    return 'Password should have at least three of: upper case letters, lower case letters, numbers, symbols';
  return undefined;
}

// Secrets at rest: AES-256-GCM under the master key, a fresh 96-bit nonce per record, the
// record's identity as associated data (a sealed value copied onto another row does not
// open), and the key id beside the ciphertext so a wrong key is named, not guessed.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { isObject } from '../runtime/guards.js';

export interface Sealed {
  /** Always 'aes-256-gcm'. */
  alg: string;
  /** The master key's id (see keyIdOf). */
  keyId: string;
  /** base64: nonce, ciphertext, tag. */
  nonce: string;
  ciphertext: string;
  tag: string;
}

const ALG = 'aes-256-gcm';

/** A short public name for a key: the first 8 bytes of SHA-256 over a fixed label and the key. */
export const keyIdOf = (key: Buffer): string =>
  createHash('sha256').update('appmeshd master key id\0').update(key).digest('hex').slice(0, 16);

export class SealError extends Error {}

export class Sealer {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SealError('the master key must be 32 bytes');
    this.keyId = keyIdOf(key);
  }

  seal(plaintext: string, context: string): Sealed {
    const nonce = randomBytes(12);
    const cipher = createCipheriv(ALG, this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      alg: ALG,
      keyId: this.keyId,
      nonce: nonce.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  open(sealed: Sealed, context: string): string {
    if (sealed.alg !== ALG) throw new SealError(`unsupported sealing algorithm ${sealed.alg}`);
    if (sealed.keyId !== this.keyId) {
      throw new SealError(
        `a secret in the store is sealed with master key ${sealed.keyId}, but this server has master key ${this.keyId}`,
      );
    }
    const decipher = createDecipheriv(ALG, this.key, Buffer.from(sealed.nonce, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SealError(
        `a secret in the store does not open with master key ${this.keyId} (tampered with, or moved to another record)`,
      );
    }
  }
}

export const isSealed = (v: unknown): v is Sealed =>
  isObject(v) && typeof v.ciphertext === 'string' && typeof v.keyId === 'string';

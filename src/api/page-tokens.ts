// Opaque, tamper-proof pagination tokens for every service: the cursor is signed, so a
// forged or foreign token is refused instead of silently reading from an arbitrary place.
// Each service refuses a bad token with its own modeled error.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors.js';

/** Why a token is refused: it was not issued here (or was altered), or it belongs to another listing. */
export type TokenFault = 'invalid' | 'foreign';

/** The error a refused token becomes in a service's vocabulary. */
export type TokenRefusal = (fault: TokenFault) => Error;

const refuseAsBadRequest: TokenRefusal = (fault) =>
  badRequest(fault === 'foreign' ? 'The nextToken does not belong to this listing' : 'The nextToken is not valid');

export class PageTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'appmeshd-page-token').update(secret).digest();
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, 16);
  }

  /** `context` binds the token to one listing (operation and scope). */
  issue(context: string, cursor: string): string {
    const payload = Buffer.from(JSON.stringify([context, cursor])).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The cursor of a token issued for `context`; anything else is refused with `refuse`. */
  read(context: string, token: string, refuse: TokenRefusal = refuseAsBadRequest): string {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) throw refuse('invalid');
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('invalid');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw refuse('invalid');
    }
    if (!Array.isArray(parsed) || parsed[0] !== context || typeof parsed[1] !== 'string') throw refuse('foreign');
    return parsed[1];
  }
}

// Opaque, tamper-proof pagination tokens: the cursor is signed so a forged or foreign
// token is refused instead of silently reading from an arbitrary place.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../api/errors.js';

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

  read(context: string, token: string): string {
    const [payload, sig] = token.split('.');
    if (!payload || !sig) throw badRequest('The nextToken is not valid');
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw badRequest('The nextToken is not valid');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw badRequest('The nextToken is not valid');
    }
    if (!Array.isArray(parsed) || parsed[0] !== context || typeof parsed[1] !== 'string') {
      throw badRequest('The nextToken does not belong to this listing');
    }
    return parsed[1];
  }
}

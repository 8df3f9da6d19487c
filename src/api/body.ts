// Reading a request body with a size limit.
import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {}

const EMPTY_BODY = Buffer.alloc(0);

/** The request body, at most `limit` bytes (else BodyTooLarge, and the rest is drained). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  // No length and no chunked encoding: HTTP/1.1 says there is no body (most GETs), so there is nothing to wait for.
  if (declared === 0 && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

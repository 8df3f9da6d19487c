// Responses of the console: every one carries the security headers; pages also the CSP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../api/body.js';
import { isRecord, propertyOf } from '../runtime/guards.js';

/** Scripts, styles, images and connections only from the console's own origin; nothing inline, no frames. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function isTls(req: IncomingMessage): boolean {
  // A TLSSocket says so; a plain socket has no such property.
  return propertyOf(req.socket, 'encrypted') === true;
}

export function securityHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    ...(isTls(req) ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string | string[]> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...securityHeaders(req),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

export class ConsoleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) {
    req.resume();
    throw new ConsoleHttpError(415, 'UnsupportedMediaType', 'send application/json');
  }
  let body: Buffer;
  try {
    body = await readBody(req, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new ConsoleHttpError(413, 'RequestTooLarge', `at most ${maxBytes} bytes`);
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) throw new ConsoleHttpError(400, 'BadRequest', 'the body is not a JSON object');
  return parsed;
}

/** Cookie header → name → value (own properties only; the first of a repeated name wins). */
export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

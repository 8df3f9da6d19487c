// AWS Signature Version 4 verification for header-signed requests.
// Derived signing keys are cached per (secret, date, region, service): deriving one costs
// four HMACs, and every request of a day reuses the same key.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** Raw path as received, still percent-encoded, without the query string. */
  path: string;
  /** Raw query string without the leading '?'. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  /** Hex SHA-256 of the body, or the literal UNSIGNED-PAYLOAD. */
  payloadHash: string;
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface ParsedAuthorization {
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
}

export class SigV4Error extends Error {
  constructor(
    readonly code:
      | 'MissingAuthenticationToken'
      | 'IncompleteSignature'
      | 'InvalidSignatureException'
      | 'SignatureDoesNotMatch'
      | 'RequestExpired',
    message: string,
  ) {
    super(message);
  }
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

export function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Parses the Authorization header; throws SigV4Error when it is absent or malformed. */
export function parseAuthorization(headers: SignedRequest['headers']): ParsedAuthorization {
  const auth = headerValue(headers, 'authorization');
  if (!auth) throw new SigV4Error('MissingAuthenticationToken', 'Missing Authentication Token');
  const m = AUTH_RE.exec(auth);
  if (!m) throw new SigV4Error('IncompleteSignature', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature');
  const [accessKeyId, date, region, service, terminator, ...rest] = m[1]!.split('/');
  if (
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator !== 'aws4_request' ||
    rest.length
  ) {
    throw new SigV4Error(
      'IncompleteSignature',
      'Credential must have the form <key>/<date>/<region>/<service>/aws4_request',
    );
  }
  const signedHeaders = m[2]!.split(';');
  // Canonical order (lowercase, strictly ascending) as every SigV4 signer sends it: each
  // header is then hashed at most once, so canonicalisation stays linear in the headers' size.
  for (let i = 0; i < signedHeaders.length; i++) {
    if (
      !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(signedHeaders[i]!) ||
      (i > 0 && signedHeaders[i - 1]! >= signedHeaders[i]!)
    ) {
      throw new SigV4Error(
        'IncompleteSignature',
        'SignedHeaders must list distinct lowercase header names in ascending order',
      );
    }
  }
  const amzDate = headerValue(headers, 'x-amz-date') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate))
    throw new SigV4Error('IncompleteSignature', 'X-Amz-Date header is missing or malformed');
  if (amzDate.slice(0, 8) !== date)
    throw new SigV4Error('InvalidSignatureException', 'Credential date does not match X-Amz-Date');
  return { scope: { accessKeyId, date, region, service }, signedHeaders, signature: m[3]!, amzDate };
}

export function amzDateToMillis(amzDate: string): number {
  return Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
}

const keyCache = new Map<string, Buffer>();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (keyCache.size > 1024) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** RFC 3986 encoding as SigV4 wants it. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  // Non-S3 services sign the already-encoded path encoded once more, segment by segment.
  return path
    .split('/')
    .map((seg) => uriEncode(seg))
    .join('/');
}

export function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(k)), uriEncode(safeDecode(v))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function canonicalHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

export function stringToSign(req: SignedRequest, parsed: ParsedAuthorization): string {
  const headerLines = parsed.signedHeaders
    .map((h) => `${h}:${canonicalHeaderValue(headerValue(req.headers, h) ?? '')}\n`)
    .join('');
  const canonical = [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.rawQuery),
    headerLines,
    parsed.signedHeaders.join(';'),
    req.payloadHash,
  ].join('\n');
  const { date, region, service } = parsed.scope;
  return ['AWS4-HMAC-SHA256', parsed.amzDate, `${date}/${region}/${service}/aws4_request`, sha256Hex(canonical)].join(
    '\n',
  );
}

export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

export function computeSignature(secret: string, req: SignedRequest, parsed: ParsedAuthorization): string {
  const { date, region, service } = parsed.scope;
  return createHmac('sha256', signingKey(secret, date, region, service))
    .update(stringToSign(req, parsed))
    .digest('hex');
}

/** Throws SigV4Error unless the signature was made with `secret`. */
export function verifySignature(secret: string, req: SignedRequest, parsed: ParsedAuthorization): void {
  if (!parsed.signedHeaders.includes('host'))
    throw new SigV4Error('IncompleteSignature', 'The host header must be signed');
  const expected = Buffer.from(computeSignature(secret, req, parsed), 'hex');
  const given = Buffer.from(parsed.signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SigV4Error(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function checkClockSkew(amzDate: string, now = Date.now()): void {
  if (Math.abs(now - amzDateToMillis(amzDate)) > MAX_CLOCK_SKEW_MS) {
    throw new SigV4Error(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is more than 15 minutes from the server time`,
    );
  }
}

/** Signs a request (used by appmeshd's own clients, tests and benchmarks). */
export function signRequest(opts: {
  method: string;
  host: string;
  path: string;
  rawQuery?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  now?: Date;
  sessionToken?: string;
}): Record<string, string> {
  const now = opts.now ?? new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...(opts.headers ?? {}), host: opts.host, 'x-amz-date': amzDate };
  if (opts.sessionToken) headers['x-amz-security-token'] = opts.sessionToken;
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  const signedHeaders = Object.keys(lower).sort();
  const payloadHash = sha256Hex(opts.body ?? '');
  const parsed: ParsedAuthorization = {
    scope: { accessKeyId: opts.accessKeyId, date, region: opts.region, service: opts.service },
    signedHeaders,
    signature: '',
    amzDate,
  };
  const req: SignedRequest = {
    method: opts.method,
    path: opts.path,
    rawQuery: opts.rawQuery ?? '',
    headers: lower,
    payloadHash,
  };
  const signature = computeSignature(opts.secretAccessKey, req, parsed);
  lower.authorization = `AWS4-HMAC-SHA256 Credential=${opts.accessKeyId}/${date}/${opts.region}/${opts.service}/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return lower;
}

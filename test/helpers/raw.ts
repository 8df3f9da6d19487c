// A raw HTTP client for the edge: requests signed with appmeshd's own SigV4 signer (or
// deliberately not), sent with node:http so tests control every byte.
import { request } from 'node:http';
import { signRequest } from '../../src/auth/sigv4.js';
import type { RunningServer } from './server.js';

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  errorType: string | undefined;
}

export interface RawOptions {
  method?: string;
  /** Path exactly as sent (already percent-encoded). */
  path: string;
  rawQuery?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** false: send without any signature. */
  sign?: boolean;
  service?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  now?: Date;
  /** Send the body chunked, without a content-length header. */
  chunked?: boolean;
  /** Change the body after signing (to prove tampering is caught). */
  bodyAfterSigning?: string | Buffer;
  /** Change the query string after signing. */
  rawQueryAfterSigning?: string;
}

export function rawRequest(server: RunningServer, opts: RawOptions): Promise<RawResult> {
  const method = opts.method ?? 'GET';
  const host = `127.0.0.1:${server.apiPort}`;
  const body = opts.body ?? '';
  const base: Record<string, string> = {
    ...(body.length ? { 'content-type': 'application/json' } : {}),
    ...(opts.headers ?? {}),
  };
  const headers =
    opts.sign === false
      ? { ...base, host }
      : signRequest({
          method,
          host,
          path: opts.path,
          rawQuery: opts.rawQuery ?? '',
          headers: base,
          body,
          accessKeyId: opts.accessKeyId ?? server.credentials.accessKeyId,
          secretAccessKey: opts.secretAccessKey ?? server.credentials.secretAccessKey,
          region: opts.region ?? server.region,
          service: opts.service ?? 'appmesh',
          ...(opts.now ? { now: opts.now } : {}),
        });
  const sent = opts.bodyAfterSigning ?? body;
  const query = opts.rawQueryAfterSigning ?? opts.rawQuery;
  if (!opts.chunked) headers['content-length'] = String(Buffer.byteLength(sent));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.apiPort,
        method,
        path: opts.path + (query ? `?${query}` : ''),
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const errorType = res.headers['x-amzn-errortype'];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
            errorType: Array.isArray(errorType) ? errorType[0] : errorType,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.chunked) {
      // Several writes so the server sees a streamed body of unknown length.
      const buf = Buffer.isBuffer(sent) ? sent : Buffer.from(sent);
      const step = 64 * 1024;
      for (let i = 0; i < buf.length; i += step) req.write(buf.subarray(i, i + step));
      req.end();
    } else {
      req.end(sent);
    }
  });
}

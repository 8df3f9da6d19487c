// SigV4-signed HTTP calls and a closed-loop load generator (fixed concurrency over keep-alive connections).
import { Agent, request } from 'node:http';
import { signRequest } from '../../src/auth/sigv4.js';
import type { Credentials } from './servers.js';
import { LatencyRecorder } from './util.js';

export interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  rawQuery?: string;
  body?: unknown;
}

export interface Endpoint {
  host: string;
  port: number;
  credentials: Credentials;
  agent: Agent;
}

export function endpoint(host: string, port: number, credentials: Credentials, maxSockets = 16): Endpoint {
  return { host, port, credentials, agent: new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }) };
}

function signedHeaders(ep: Endpoint, call: Call, payload: string | undefined): Record<string, string> {
  const headers: Record<string, string> = payload !== undefined ? { 'content-type': 'application/json' } : {};
  return signRequest({
    method: call.method,
    host: `${ep.host}:${ep.port}`,
    path: call.path,
    rawQuery: call.rawQuery ?? '',
    headers,
    body: payload ?? '',
    accessKeyId: ep.credentials.accessKeyId,
    secretAccessKey: ep.credentials.secretAccessKey,
    region: ep.credentials.region,
    service: 'appmesh',
  });
}

export interface Response {
  status: number;
  body: string;
  bytes: number;
}

/** One signed call; resolves with the status and body (never rejects on HTTP errors). */
export function send(ep: Endpoint, call: Call, keepBody = true): Promise<Response> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers = signedHeaders(ep, call, payload);
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((res, rej) => {
    const req = request(
      {
        host: ep.host,
        port: ep.port,
        method: call.method,
        agent: ep.agent,
        headers,
        path: call.rawQuery ? `${call.path}?${call.rawQuery}` : call.path,
      },
      (r) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        r.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keepBody) chunks.push(c);
        });
        r.on('end', () =>
          res({ status: r.statusCode ?? 0, body: keepBody ? Buffer.concat(chunks).toString('utf8') : '', bytes }),
        );
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(payload);
  });
}

/** Throws unless the call answers 2xx; returns the parsed body. */
export async function call<T = Record<string, unknown>>(ep: Endpoint, c: Call): Promise<T> {
  const r = await send(ep, c);
  if (r.status < 200 || r.status > 299) throw new Error(`${c.method} ${c.path} → ${r.status}: ${r.body.slice(0, 400)}`);
  return (r.body ? JSON.parse(r.body) : {}) as T;
}

/** Runs `items` through `fn` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** First non-2xx status and body seen, if any. */
  firstError?: string;
  seconds: number;
  rps: number;
  /** Latency in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Mean response size in bytes. */
  responseBytes: number;
  /** CPU seconds the load generator itself used during the measured window. */
  generatorCpuSeconds: number;
}

/**
 * Closed loop: `concurrency` workers each send a request, wait for the full response, and send the next, over
 * keep-alive connections. Requests started during the warm-up are not recorded; the measured window is fixed.
 */
export async function closedLoop(
  ep: Endpoint,
  opts: {
    concurrency: number;
    warmupMs: number;
    durationMs: number;
    next: (worker: number, seq: number) => Call;
    /** Called when the measured window opens and closes (e.g. to sample the server's CPU). */
    onWindow?: (edge: 'open' | 'close') => void;
  },
): Promise<LoadResult> {
  const rec = new LatencyRecorder();
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  let measuring = false;
  let stopped = false;
  let seq = 0;
  const worker = async (w: number) => {
    while (!stopped) {
      const c = opts.next(w, seq++);
      const counted = measuring;
      const t0 = performance.now();
      let r: Response;
      try {
        r = await send(ep, c, false);
      } catch (err) {
        if (counted && !stopped) {
          errors++;
          firstError ??= String(err);
        }
        continue;
      }
      if (!counted || stopped) continue;
      if (r.status >= 200 && r.status < 300) {
        rec.record(performance.now() - t0);
        bytes += r.bytes;
      } else {
        errors++;
        if (!firstError) {
          const again = await send(ep, c);
          firstError = `${r.status} ${again.body.slice(0, 300)}`;
        }
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, (_, w) => worker(w));
  await new Promise((res) => setTimeout(res, opts.warmupMs));
  measuring = true;
  opts.onWindow?.('open');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, opts.durationMs));
  stopped = true;
  opts.onWindow?.('close');
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(workers);
  const s = rec.summary();
  return {
    requests: s.count,
    errors,
    firstError,
    seconds,
    rps: s.count / seconds,
    p50: s.p50,
    p90: s.p90,
    p99: s.p99,
    max: s.max,
    mean: s.mean,
    responseBytes: s.count ? bytes / s.count : 0,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

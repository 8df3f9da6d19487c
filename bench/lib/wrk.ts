// Load from wrk (a C load generator, Debian package `wrk`) so that the bench measures the server, not itself.
// Requests are signed here in advance (SigV4 signatures stay valid for the server's clock-skew window) and written to
// a file that a small Lua script replays in order, one request per call; wrk runs one thread on one core and its CPU
// is sampled beside the server's, so a saturated generator is visible in every row.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../../src/auth/sigv4.js';
import type { Call, LoadResult } from './http.js';
import type { Credentials } from './servers.js';
import { sampleProc } from './util.js';

const SEPARATOR = '\n\u0000\u0000\n';

/** The replay script: loads the pre-signed requests once per thread and hands them out in order. */
const SCRIPT = `
local reqs = {}
local n = 0
local i = 0
init = function(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local sep = ${JSON.stringify(SEPARATOR).replace(/\\u0000/g, '\\0')}
  local pos = 1
  while true do
    local a, b = string.find(data, sep, pos, true)
    if not a then break end
    n = n + 1
    reqs[n] = string.sub(data, pos, a - 1)
    pos = b + 1
  end
end
request = function()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
`;

let available: boolean | undefined;
export function wrkAvailable(): boolean {
  available ??= spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
  return available;
}

export const WRK_MISSING =
  'wrk is not installed (Debian: apt-get install wrk); the API benchmark needs it to measure the server rather than a Node load generator';

/** The raw HTTP/1.1 request bytes of one signed App Mesh call. */
function rawRequest(host: string, port: number, credentials: Credentials, call: Call): string {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers = signRequest({
    method: call.method,
    host: `${host}:${port}`,
    path: call.path,
    rawQuery: call.rawQuery ?? '',
    headers: payload !== undefined ? { 'content-type': 'application/json' } : {},
    body: payload ?? '',
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    region: credentials.region,
    service: 'appmesh',
  });
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  const target = call.rawQuery ? `${call.path}?${call.rawQuery}` : call.path;
  const lines = [`${call.method} ${target} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${payload ?? ''}`;
}

export interface WrkOptions {
  host: string;
  port: number;
  credentials: Credentials;
  connections: number;
  durationMs: number;
  /** The requests to replay, in order (wrapping around when exhausted). */
  calls: readonly Call[];
  /** The process whose CPU is sampled over the run (the server). */
  serverPid: number;
}

export interface WrkResult extends LoadResult {
  /** Server CPU seconds over the run. */
  serverCpuSeconds: number;
  /** Generator CPU as a fraction of one core over the run (wrk runs one thread). */
  generatorCoreShare: number;
}

/** What the replay script's done() prints (latencies in µs). */
interface WrkSummary {
  requests: number;
  durationUs: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** One wrk run: `connections` keep-alive connections on one thread for `durationMs`. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-wrk-'));
  try {
    const script = join(dir, 'replay.lua');
    const data = join(dir, 'requests.bin');
    writeFileSync(script, SCRIPT);
    writeFileSync(data, o.calls.map((c) => rawRequest(o.host, o.port, o.credentials, c) + SEPARATOR).join(''));
    const seconds = Math.max(1, Math.round(o.durationMs / 1000));
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${o.connections}`,
        `-d${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        `http://${o.host}:${o.port}`,
        '--',
        data,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    const server0 = sampleProc(o.serverPid);
    let gen0 = 0;
    try {
      gen0 = sampleProc(child.pid!).cpuSeconds;
    } catch {
      /* not started yet */
    }
    let gen1 = gen0;
    let server1 = server0;
    // Sample both processes just before wrk exits: the last sample is taken within 50 ms of the end.
    const sampler = setInterval(() => {
      try {
        gen1 = sampleProc(child.pid!).cpuSeconds;
        server1 = sampleProc(o.serverPid);
      } catch {
        /* exiting */
      }
    }, 50);
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    clearInterval(sampler);
    const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${err || out}`);
    const r = JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary;
    const wall = r.durationUs / 1e6;
    const errors = r.connect + r.read + r.write + r.status + r.timeout;
    const ok = r.requests - r.status;
    return {
      requests: ok,
      errors,
      ...(errors
        ? {
            firstError: `wrk: ${r.status} non-2xx, ${r.timeout} timeouts, ${r.connect + r.read + r.write} socket errors`,
          }
        : {}),
      seconds: wall,
      rps: ok / wall,
      p50: r.p50 / 1000,
      p90: r.p90 / 1000,
      p99: r.p99 / 1000,
      max: r.max / 1000,
      mean: r.mean / 1000,
      responseBytes: r.requests ? r.bytes / r.requests : 0,
      generatorCpuSeconds: gen1 - gen0,
      generatorCoreShare: (gen1 - gen0) / wall,
      serverCpuSeconds: server1.cpuSeconds - server0.cpuSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// CloudWatch Logs: ingest throughput (PutLogEvents, 100-byte messages in batches of 1,000, 4 concurrent writers,
// SigV4-signed, SQLite with synchronous=FULL so every acknowledged batch is on disk) and FilterLogEvents with a
// one-term pattern over a group of 1,000,000 events (first-page latency; server memory against a 100,000-event
// group, to show it does not grow with the group).
import { Agent, request } from 'node:http';
import { signRequest } from '../src/auth/sigv4.js';
import { benchCredentials, startAppmeshd } from './lib/servers.js';
import { log, median, sampleProc, sleep } from './lib/util.js';

export interface LogsOptions {
  writers: number;
  batch: number;
  messageBytes: number;
  ingestMs: number;
  /** Events in the large and the small group for the filter runs. */
  bigGroup: number;
  smallGroup: number;
  filterRounds: number;
}

export interface FilterRun {
  groupEvents: number;
  /** First FilterLogEvents page (no nextToken) with the one-term pattern: latency medians over rounds, events returned. */
  firstPageMs: number;
  firstPageEvents: number;
  /** Paging through the whole group with the pattern: total time, pages, matches. */
  fullScanMs: number;
  pages: number;
  matches: number;
  /** Server RSS before the filter calls and its peak while they ran. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
}

export interface LogsResult {
  options: LogsOptions;
  ingest: {
    events: number;
    seconds: number;
    eventsPerSecond: number;
    batchesPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    serverCpuSeconds: number;
    generatorCpuSeconds: number;
    /** Acknowledged events counted back from the store after the run (storedBytes / message size). */
    storedEvents: number;
  };
  filter: FilterRun[];
}

const GROUP_INGEST = '/bench/ingest';
const PATTERN = 'ERROR';

interface Client {
  host: string;
  port: number;
  agent: Agent;
}

function post(c: Client, target: string, body: string): Promise<{ status: number; body: string }> {
  const headers = signRequest({
    method: 'POST',
    host: `${c.host}:${c.port}`,
    path: '/',
    body,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${target}` },
    accessKeyId: benchCredentials.accessKeyId,
    secretAccessKey: benchCredentials.secretAccessKey,
    region: benchCredentials.region,
    service: 'logs',
  });
  headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: c.host, port: c.port, method: 'POST', path: '/', headers, agent: c.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ok(c: Client, target: string, input: unknown): Promise<Record<string, unknown>> {
  const r = await post(c, target, JSON.stringify(input));
  if (r.status !== 200) throw new Error(`${target} → ${r.status}: ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body || '{}') as Record<string, unknown>;
}

/** A 100-byte message; one in ten carries the term the filter looks for. */
function message(i: number, bytes: number): string {
  const level = i % 10 === 0 ? 'ERROR' : 'INFO';
  const text = `ts=${i} level=${level} method=GET path=/api/items/${i % 997} status=${i % 10 === 0 ? 500 : 200} user=u${i % 1000} `;
  return text.length >= bytes ? text.slice(0, bytes) : text + 'x'.repeat(bytes - text.length);
}

function batchBody(group: string, stream: string, from: number, n: number, bytes: number, t0: number): string {
  // 1,000 events per millisecond of log time: 10 minutes of timestamps hold 600 million events, so no batch spans 24 h.
  const events = Array.from({ length: n }, (_, k) => ({
    timestamp: t0 + Math.floor((from + k) / 1000),
    message: message(from + k, bytes),
  }));
  return JSON.stringify({ logGroupName: group, logStreamName: stream, logEvents: events });
}

async function setupGroup(c: Client, group: string, streams: number): Promise<void> {
  await ok(c, 'CreateLogGroup', { logGroupName: group });
  for (let s = 0; s < streams; s++) await ok(c, 'CreateLogStream', { logGroupName: group, logStreamName: `w${s}` });
}

/** Fills a group with `events` events through PutLogEvents (4 writers); returns when all are acknowledged. */
async function fill(c: Client, group: string, events: number, o: LogsOptions): Promise<void> {
  await setupGroup(c, group, o.writers);
  const t0 = Date.now() - 3_600_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: o.writers }, async (_, w) => {
      for (;;) {
        const from = next;
        next += o.batch;
        if (from >= events) return;
        await ok(
          c,
          'PutLogEvents',
          JSON.parse(batchBody(group, `w${w}`, from, Math.min(o.batch, events - from), o.messageBytes, t0)),
        );
      }
    }),
  );
}

async function ingest(c: Client, pid: number, o: LogsOptions): Promise<LogsResult['ingest']> {
  await setupGroup(c, GROUP_INGEST, o.writers);
  const t0 = Date.now() - 60_000;
  // Every batch is new, with timestamps moving forward as a real writer's do (the generator's CPU is reported).
  let seq = 0;
  const nextBody = (w: number) => {
    const from = seq;
    seq += o.batch;
    return batchBody(GROUP_INGEST, `w${w}`, from, o.batch, o.messageBytes, t0);
  };
  const latencies: number[] = [];
  let events = 0;
  let errors = 0;
  let measuring = false;
  let stopped = false;
  const worker = async (w: number) => {
    while (!stopped) {
      const started = performance.now();
      const r = await post(c, 'PutLogEvents', nextBody(w));
      if (!measuring || stopped) continue;
      if (r.status === 200 && !r.body.includes('rejectedLogEventsInfo')) {
        events += o.batch;
        latencies.push(performance.now() - started);
      } else errors++;
    }
  };
  const running = Array.from({ length: o.writers }, (_, w) => worker(w));
  await sleep(1000);
  measuring = true;
  const cpu0 = process.cpuUsage();
  const s0 = sampleProc(pid);
  const w0 = performance.now();
  await sleep(o.ingestMs);
  stopped = true;
  const seconds = (performance.now() - w0) / 1000;
  const s1 = sampleProc(pid);
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(running);
  latencies.sort((a, b) => a - b);
  const described = await ok(c, 'DescribeLogGroups', { logGroupNamePrefix: GROUP_INGEST });
  const storedBytes = Number((described.logGroups as { storedBytes?: number }[])[0]?.storedBytes ?? 0);
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    batchesPerSecond: events / o.batch / seconds,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    errors,
    serverCpuSeconds: s1.cpuSeconds - s0.cpuSeconds,
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    storedEvents: Math.round(storedBytes / o.messageBytes),
  };
}

async function filterRun(
  c: Client,
  pid: number,
  group: string,
  groupEvents: number,
  o: LogsOptions,
): Promise<FilterRun> {
  const rssBefore = sampleProc(pid).rssBytes;
  let peak = rssBefore;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, sampleProc(pid).rssBytes);
    } catch {
      /* gone */
    }
  }, 20);
  try {
    const first: number[] = [];
    let firstEvents = 0;
    for (let r = 0; r < o.filterRounds; r++) {
      const t = performance.now();
      const page = await ok(c, 'FilterLogEvents', { logGroupName: group, filterPattern: PATTERN });
      first.push(performance.now() - t);
      firstEvents = (page.events as unknown[]).length;
    }
    const t = performance.now();
    let token: string | undefined;
    let pages = 0;
    let matches = 0;
    do {
      const page = await ok(c, 'FilterLogEvents', {
        logGroupName: group,
        filterPattern: PATTERN,
        ...(token ? { nextToken: token } : {}),
      });
      pages++;
      matches += (page.events as unknown[]).length;
      token = page.nextToken as string | undefined;
    } while (token);
    return {
      groupEvents,
      firstPageMs: median(first),
      firstPageEvents: firstEvents,
      fullScanMs: performance.now() - t,
      pages,
      matches,
      rssBeforeMiB: rssBefore / 2 ** 20,
      rssPeakMiB: peak / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

export async function runLogs(o: LogsOptions): Promise<LogsResult> {
  const server = await startAppmeshd();
  const c: Client = {
    host: server.host,
    port: server.port,
    agent: new Agent({ keepAlive: true, maxSockets: o.writers }),
  };
  try {
    log(
      `logs: ingest, ${o.writers} writers × batches of ${o.batch} × ${o.messageBytes}-byte messages for ${o.ingestMs / 1000} s`,
    );
    const ing = await ingest(c, server.pid, o);
    log(
      `logs: ${Math.round(ing.eventsPerSecond)} events/s (server CPU ${ing.serverCpuSeconds.toFixed(1)} s, generator ${ing.generatorCpuSeconds.toFixed(1)} s)`,
    );
    const filter: FilterRun[] = [];
    for (const size of [o.smallGroup, o.bigGroup]) {
      const group = `/bench/filter-${size}`;
      log(`logs: filling ${group} with ${size} events`);
      await fill(c, group, size, o);
      filter.push(await filterRun(c, server.pid, group, size, o));
      const f = filter.at(-1)!;
      log(
        `logs: ${size} events: first page ${f.firstPageMs.toFixed(0)} ms (${f.firstPageEvents} events), full scan ${f.fullScanMs.toFixed(0)} ms over ${f.pages} pages, RSS ${f.rssBeforeMiB.toFixed(0)} → peak ${f.rssPeakMiB.toFixed(0)} MiB`,
      );
    }
    return { options: o, ingest: ing, filter };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${server.logTail()}`);
  } finally {
    c.agent.destroy();
    await server.stop();
  }
}

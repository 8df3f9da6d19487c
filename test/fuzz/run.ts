// The fuzz run: one real appmeshd process (API, xDS and DNS), a seeded stream of mutated
// cases spread over its doors, and the properties that must hold throughout — no 5xx other
// than the modeled 503, no error logged by the server, no crash, every answer within 1 s,
// RSS bounded, and /healthz answering within 1 s the whole time.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Agent } from 'node:http';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { signedMetadata } from '../xds/server/ads-client.js';
import { probeHealthz, unprivilegedUser } from '../hostile/support.js';
import { Rng } from './engine.js';
import { HTTP_SEEDS, mutateCase, sendCase } from './http-target.js';
import {
  dnsQuery,
  mutatedPacket,
  tcpCase,
  UdpProbe,
  xdsAnswers,
  XdsFuzzer,
  type StreamOutcome,
} from './wire-targets.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Progress lines (every 10% of the cases). */
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  http: { sent: number; byStatus: Record<string, number>; slowestMs: number };
  xds: Record<StreamOutcome, number>;
  dns: { udp: number; udpAnswered: number; tcp: number };
  healthz: { answers: number; slowestMs: number };
  /** Answers slower than the bound that were not judged: the machine was overloaded and the server used little CPU on them. */
  starved: string[];
  rssMiB: { start: number; peak: number };
  failures: string[];
}

const ANSWER_MS = 1000;
const HEALTHZ_MS = 1000;
/** How long a mutated xDS stream or DNS connection is given to say something before it is counted silent. */
const SILENCE_MS = 250;
const RSS_GROWTH_MIB = 400;
const MAX_FAILURES = 25;
/** 5xx answers that are part of the model: the store is unavailable. */
const MODELED_5XX = new Set(['ServiceUnavailableException', 'Unavailable', 'ServiceUnavailable']);

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) the process has used, in ms (from /proc; 0 where unavailable). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * Whether a slow answer is to be blamed on the machine rather than on the server: the load
 * average is over twice the cores and the server spent less than half the bound on CPU
 * meanwhile. A request that really costs the server ≥ 1 s, or any slow answer on a machine
 * that is not overloaded, still fails.
 */
function starvedMachine(serverCpuMs: number): boolean {
  return loadavg()[0]! > 2 * cpus().length && serverCpuMs < ANSWER_MS / 2;
}

function errorCodeOf(body: string, type: string | undefined): string {
  return type ?? /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? /"__type":"([^"]*)"/.exec(body)?.[1] ?? '?';
}

async function prepare(server: RunningServer): Promise<void> {
  const made = await rawRequest(server, {
    method: 'PUT',
    path: '/v20190125/meshes',
    body: JSON.stringify({ meshName: 'fz' }),
  });
  if (made.status !== 200) throw new Error(`CreateMesh: ${made.text}`);
  const vn = await rawRequest(server, {
    method: 'PUT',
    path: '/v20190125/meshes/fz/virtualNodes',
    body: JSON.stringify({
      virtualNodeName: 'vn',
      spec: {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname: 'vn.local' } },
      },
    }),
  });
  if (vn.status !== 200) throw new Error(`CreateVirtualNode: ${vn.text}`);
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const rng = new Rng(opts.seed);
  const server = await startServer({ args: ['--dns-listen', '127.0.0.1:0'] });
  const pid = server.process.pid!;
  const failures: string[] = [];
  const fail = (what: string) => {
    if (failures.length < MAX_FAILURES) failures.push(what);
    opts.log?.(`FAILURE ${what}`);
  };
  const report: FuzzReport = {
    seed: opts.seed,
    cases: opts.cases,
    seconds: 0,
    http: { sent: 0, byStatus: {}, slowestMs: 0 },
    xds: { response: 0, status: 0, silent: 0 },
    dns: { udp: 0, udpAnswered: 0, tcp: 0 },
    healthz: { answers: 0, slowestMs: 0 },
    rssMiB: { start: 0, peak: 0 },
    failures,
    starved: [],
  };
  const udp = new UdpProbe(Number(server.ready.dnsPort));
  try {
    await prepare(server);
    const nobody = await unprivilegedUser(server, 'fz-nobody');
    const xdsPort = Number(server.ready.xdsPort);
    const dnsPort = Number(server.ready.dnsPort);
    const metadata = () =>
      signedMetadata({ authority: `127.0.0.1:${xdsPort}`, ...server.credentials, region: server.region });
    report.rssMiB.start = report.rssMiB.peak = rssMiB(pid);
    const xds = new XdsFuzzer(xdsPort, metadata);
    const http = new Agent({ keepAlive: true, maxSockets: 1 });
    const healthz = probeHealthz(server);
    const logsBefore = server.logs.length;
    const livenessEvery = opts.cases > 10_000 ? 250 : 50;
    try {
      for (let i = 0; i < opts.cases; i++) {
        const label = `seed ${opts.seed} case ${i}`;
        const door = rng.next();
        if (door < 0.7) {
          const c = mutateCase(rng, rng.pick(HTTP_SEEDS));
          const keys = rng.chance(0.75) ? server.credentials : rng.chance(0.8) ? nobody : undefined;
          const cpuBefore = cpuMs(pid);
          try {
            const out = await sendCase(server.apiPort, server.region, c, keys, ANSWER_MS * 5, http);
            report.http.sent++;
            report.http.byStatus[out.status] = (report.http.byStatus[out.status] ?? 0) + 1;
            report.http.slowestMs = Math.max(report.http.slowestMs, out.ms);
            const code = errorCodeOf(out.body, out.errorType);
            if (out.status >= 500 && !(out.status === 503 && MODELED_5XX.has(code))) {
              fail(
                `${label}: ${c.service} ${c.method} ${c.path.slice(0, 120)} → ${out.status} ${code} ${out.body.slice(0, 200)}`,
              );
            }
            if (out.ms > ANSWER_MS) {
              const spent = cpuMs(pid) - cpuBefore;
              const what = `${label}: ${c.service} ${c.method} ${c.path.slice(0, 120)} (${c.body.length} bytes) took ${out.ms.toFixed(0)} ms, ${spent} ms of server CPU`;
              if (starvedMachine(spent)) report.starved.push(what);
              else fail(what);
            }
          } catch (err) {
            fail(`${label}: ${c.service} ${c.method} ${c.path.slice(0, 120)}: no answer (${(err as Error).message})`);
          }
        } else if (door < 0.85) {
          // Silence is a valid outcome for a mutated stream (an ACK, an unknown type); the fresh-stream check below catches a stuck server.
          const outcome = await xds.run(rng, 'mesh/fz/virtualNode/vn', SILENCE_MS);
          report.xds[outcome]++;
        } else if (rng.chance(0.7)) {
          report.dns.udp++;
          if (await udp.ask(mutatedPacket(rng), 50)) report.dns.udpAnswered++;
        } else {
          report.dns.tcp++;
          await tcpCase(rng, dnsPort, SILENCE_MS);
        }
        if (i % livenessEvery === livenessEvery - 1 || i === opts.cases - 1) {
          if (server.process.exitCode !== null || server.process.signalCode !== null) {
            fail(`${label}: appmeshd exited (${server.process.exitCode ?? server.process.signalCode})`);
            break;
          }
          report.rssMiB.peak = Math.max(report.rssMiB.peak, rssMiB(pid));
          // The doors still work: a valid request on each answers in time.
          const ok = await sendCase(server.apiPort, server.region, HTTP_SEEDS[0]!, server.credentials, ANSWER_MS * 5);
          if (ok.status !== 200 || ok.ms > ANSWER_MS)
            fail(`${label}: ListMeshes afterwards → ${ok.status} in ${ok.ms.toFixed(0)} ms`);
          if (!(await udp.ask(dnsQuery(7, 'appmesh.us-east-1.amazonaws.com', 1), ANSWER_MS)))
            fail(`${label}: a valid DNS query went unanswered`);
          if (!(await xdsAnswers(xdsPort, metadata(), 'mesh/fz/virtualNode/vn', ANSWER_MS)))
            fail(`${label}: a fresh xDS stream got nothing within ${ANSWER_MS} ms`);
        }
        if (opts.log && opts.cases >= 10 && i % Math.ceil(opts.cases / 10) === 0 && i > 0) {
          opts.log(`${i}/${opts.cases} cases, ${failures.length} failures, RSS ${report.rssMiB.peak.toFixed(0)} MiB`);
        }
        if (failures.length >= MAX_FAILURES) break;
      }
    } finally {
      xds.close();
      http.destroy();
      const h = await healthz.stop().catch((err: Error) => {
        fail(`/healthz failed: ${err.message}`);
        return { maxMs: 0, answers: 0 };
      });
      report.healthz = { answers: h.answers, slowestMs: h.maxMs };
    }
    if (report.healthz.slowestMs > HEALTHZ_MS) {
      // Slow /healthz answers with no slow request to blame were the machine's doing when it is overloaded.
      const what = `/healthz took ${report.healthz.slowestMs.toFixed(0)} ms at worst`;
      if (loadavg()[0]! > 2 * cpus().length && failures.length === 0)
        report.starved.push(`${what} (load average ${loadavg()[0]!.toFixed(1)})`);
      else fail(what);
    }
    if (report.rssMiB.peak - report.rssMiB.start > RSS_GROWTH_MIB)
      fail(`RSS grew from ${report.rssMiB.start.toFixed(0)} to ${report.rssMiB.peak.toFixed(0)} MiB`);
    for (const entry of server.logs.slice(logsBefore)) {
      if (typeof entry.level === 'number' && entry.level >= 50)
        fail(`server logged an error: ${JSON.stringify(entry).slice(0, 600)}`);
    }
  } finally {
    udp.close();
    await server.stop();
    server.cleanup();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

// xDS convergence at scale: N simulated Envoys (real ADS streams, SotW or delta) connected as proxies of the virtual
// nodes of a mesh of M virtual nodes, services and routers (each node with 10 backends, one of them shared by all);
// a route weight change on the shared service goes through the API, and each stream times how long until it has
// received and ACKed the new config. Also reports the server's RSS and CPU at rest and during the push.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backendsOf,
  createMesh,
  createNode,
  createRoute,
  createRouter,
  createService,
  nodeSpec,
  updateRoute,
  vnName,
  vsName,
} from './lib/appmesh.js';
import { Fleet, type AdsMode, type ConvergenceResult, type SyncResult } from './lib/ads.js';
import { preloadEnvoy } from './lib/envoy.js';
import { call, endpoint, pool, send } from './lib/http.js';
import { nowUs, summarizeProfile, type ProfileSummary, type Window } from './lib/profile.js';
import { benchCredentials, startAppmeshd, startBareXds } from './lib/servers.js';
import { log, median, sampleProc, sleep, watchProc, type ProcSample } from './lib/util.js';

export interface XdsOptions {
  meshSize: number;
  streams: number[];
  modes: AdsMode[];
  backends: number;
  pushes: number;
  restMs: number;
  streamsPerChannel: number;
  auth: 'sigv4' | 'none';
  profile: 'auto' | 'always' | 'never';
}

export interface PushRecord extends ConvergenceResult {
  push: number;
  apiMs: number;
  serverCpuSeconds: number;
  serverPeakRssMiB: number;
  generatorCpuSeconds: number;
}

export interface IdleSample {
  seconds: number;
  cpuSeconds: number;
  cpuPercentOfCore: number;
  rssMiB: number;
  mainThreadWakeupsPerSecond: number;
}

function idleSample(a: ProcSample, b: ProcSample): IdleSample {
  const seconds = (b.t - a.t) / 1000;
  return {
    seconds,
    cpuSeconds: b.cpuSeconds - a.cpuSeconds,
    cpuPercentOfCore: ((b.cpuSeconds - a.cpuSeconds) / seconds) * 100,
    rssMiB: b.rssBytes / 2 ** 20,
    mainThreadWakeupsPerSecond: (b.wakeups - a.wakeups) / seconds,
  };
}

/** A change only a few proxies see: the route of a service that LOCAL_USERS virtual nodes call. */
export interface LocalPushes {
  router: number;
  affectedStreams: number;
  pushes: PushRecord[];
  /** Medians over the pushes; outsideChanges is the most any push sent to streams the change does not concern. */
  p50: number;
  p99: number;
  pushCpuSeconds: number;
  outsideChanges: number;
}

/** The same fleet against the bare xDS server (pre-encoded responses of one proxy, same-sized update). */
export interface BareXdsRun {
  pushes: ConvergenceResult[];
  p50: number;
  p99: number;
  pushCpuSeconds: number;
  responseBytes: number;
}

export interface XdsRun {
  n: number;
  mode: AdsMode;
  proxiesPerVirtualNode: number;
  local?: LocalPushes;
  bare?: BareXdsRun;
  /** What proxy 0 held before and after the first shared push: the bare server's fixture. */
  fixture?: { resources: Record<string, Record<string, string>>; changed: Record<string, Record<string, string>> };
  sync: SyncResult;
  /** The server idle before any stream connected, and idle with every stream connected and synced. */
  idleNoStreams?: IdleSample;
  rest: IdleSample;
  pushes: PushRecord[];
  /** Monotonic-clock windows (µs) of the phases, to cut a CPU profile of the run. */
  windows: { sync: Window; rest: Window; pushes: Window[] };
  /** Medians over the pushes. */
  p50: number;
  p99: number;
  max: number;
  pushCpuSeconds: number;
  peakRssMiB: number;
}

export interface XdsResult {
  options: XdsOptions;
  available: boolean;
  note?: string;
  seed?: { resources: number; seconds: number };
  runs: XdsRun[];
  /** CPU profile of one run, split into the pushes and the rest window (all streams connected, idle). */
  profile?: {
    n: number;
    mode: AdsMode;
    reason: string;
    push: ProfileSummary;
    rest: ProfileSummary;
    sync: ProfileSummary;
  };
}

const MESH = 'bench-xds';
const SHARED_ROUTER = 0;
/** The router whose route the local pushes change (any router other than the shared one). */
const localRouter = (m: number) => Math.floor(m / 2);

/** Indexes of the virtual nodes that call the service of router j. */
function callersOf(j: number, m: number, backends: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < m; i++) if (backendsOf(i, m, backends).includes(vsName(j))) out.add(i);
  return out;
}

function serverArgs(o: XdsOptions): string[] {
  return [
    '--quota',
    'virtualNodesPerMesh=20000',
    '--quota',
    'virtualServicesPerMesh=20000',
    '--quota',
    'virtualRoutersPerMesh=20000',
    '--quota',
    'backendsPerVirtualNode=100',
    ...(o.auth === 'none' ? ['--xds-allow-unauthenticated'] : []),
  ];
}

async function seedMesh(o: XdsOptions, port: number): Promise<{ resources: number; seconds: number }> {
  const ep = endpoint('127.0.0.1', port, benchCredentials, 16);
  const m = o.meshSize;
  const idx = Array.from({ length: m }, (_, i) => i);
  const t0 = performance.now();
  await call(ep, createMesh(MESH));
  const phase = async (what: string, fn: (i: number) => Promise<unknown>) => {
    const t = performance.now();
    await pool(idx, 16, async (i) => {
      await fn(i);
    });
    log(`xds: seeded ${m} ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await phase('virtual routers', (i) => call(ep, createRouter(MESH, i)));
  await phase('virtual services', (i) => call(ep, createService(MESH, i)));
  await phase('virtual nodes', (i) => call(ep, createNode(MESH, vnName(i), nodeSpec(i, backendsOf(i, m, o.backends)))));
  await phase('routes', (i) => call(ep, createRoute(MESH, i, m, 50)));
  ep.agent.destroy();
  return { resources: 1 + 4 * m, seconds: (performance.now() - t0) / 1000 };
}

const nodeIds = (n: number, m: number) =>
  Array.from({ length: n }, (_, i) => `mesh/${MESH}/virtualNode/${vnName(i % m)}`);

/** Each router's current weight for node i (routes are seeded at 50): every push changes it. */
const weights = new Map<number, number>();

async function oneRun(
  o: XdsOptions,
  dataDir: string,
  n: number,
  mode: AdsMode,
  nodeArgs: string[] = [],
  measureIdle = false,
): Promise<XdsRun> {
  const server = await startAppmeshd({ dataDir, keepData: true, args: serverArgs(o), nodeArgs });
  const fleet = new Fleet({
    host: server.host,
    port: server.xdsPort!,
    mode,
    nodeIds: nodeIds(n, o.meshSize),
    streamsPerChannel: o.streamsPerChannel,
    ...(o.auth === 'sigv4' ? { credentials: benchCredentials } : {}),
  });
  const api = endpoint(server.host, server.port, benchCredentials, 1);
  try {
    // The idle server before any stream (background work), once per benchmark: it does not depend on N.
    let idleNoStreams: IdleSample | undefined;
    if (measureIdle) {
      await sleep(1000);
      const b0 = sampleProc(server.pid);
      await sleep(o.restMs);
      const b1 = sampleProc(server.pid);
      idleNoStreams = idleSample(b0, b1);
    }
    const syncFrom = nowUs();
    const sync = await fleet.connect(Math.max(60_000, n * 60));
    const syncWindow: Window = [syncFrom, nowUs()];
    log(
      `xds: ${mode} N=${n}: ${sync.synced}/${sync.streams} streams synced in ${sync.totalMs.toFixed(0)} ms (per stream p50 ${sync.perStream.p50.toFixed(0)} ms, p99 ${sync.perStream.p99.toFixed(0)} ms), ${sync.resourcesPerProxy} resources per proxy${sync.firstError ? `; ${sync.failed} failed: ${sync.firstError}` : ''}`,
    );
    if (sync.synced === 0) throw new Error(`no stream synced: ${sync.firstError}\n${server.logTail()}`);
    await sleep(1000);
    const r0 = sampleProc(server.pid);
    const restFrom = nowUs();
    await sleep(o.restMs);
    const restWindow: Window = [restFrom, nowUs()];
    const r1 = sampleProc(server.pid);
    const rest = idleSample(r0, r1);
    log(
      `xds: ${mode} N=${n}: at rest ${rest.cpuSeconds.toFixed(2)} CPU s over ${rest.seconds.toFixed(1)} s, RSS ${rest.rssMiB.toFixed(0)} MiB, main thread woke ${rest.mainThreadWakeupsPerSecond.toFixed(0)}/s${idleNoStreams ? ` (idle before any stream: ${idleNoStreams.cpuSeconds.toFixed(2)} CPU s, ${idleNoStreams.rssMiB.toFixed(0)} MiB, ${idleNoStreams.mainThreadWakeupsPerSecond.toFixed(0)} wakeups/s)` : ''}`,
    );
    const push = async (
      k: number,
      router: number,
      only?: (nodeId: string) => boolean,
      label = 'push',
    ): Promise<PushRecord> => {
      const weight = (weights.get(router) ?? 50) === 50 ? 80 : 50;
      weights.set(router, weight);
      const watch = watchProc(server.pid, 50);
      const gen0 = process.cpuUsage();
      const t0 = fleet.watch(only);
      await call(api, updateRoute(MESH, router, o.meshSize, weight));
      const apiMs = performance.now() - t0;
      const conv = await fleet.waitConverged(30_000);
      const proc = watch.stop();
      const gen = process.cpuUsage(gen0);
      const rec: PushRecord = {
        ...conv,
        push: k,
        apiMs,
        serverCpuSeconds: proc.cpuSeconds,
        serverPeakRssMiB: proc.peakRssBytes / 2 ** 20,
        generatorCpuSeconds: (gen.user + gen.system) / 1e6,
      };
      log(
        `xds: ${mode} N=${n} ${label} ${k}: ${conv.converged}/${conv.streams} converged, p50 ${conv.p50.toFixed(0)} ms, p99 ${conv.p99.toFixed(0)} ms, max ${conv.max.toFixed(0)} ms (API ${apiMs.toFixed(0)} ms); server ${proc.cpuSeconds.toFixed(3)} CPU s, generator ${rec.generatorCpuSeconds.toFixed(3)} CPU s, peak RSS ${rec.serverPeakRssMiB.toFixed(0)} MiB${conv.outsideChanges ? `; ${conv.outsideChanges} changes reached streams outside the change` : ''}${conv.firstError ? `; ${conv.failed} failed: ${conv.firstError}` : ''}`,
      );
      await sleep(500);
      return rec;
    };
    const pushes: PushRecord[] = [];
    const pushWindows: Window[] = [];
    const before = fleet.resourcesOf(0);
    let changedRecord: Record<string, Record<string, string>> | undefined;
    for (let k = 1; k <= o.pushes; k++) {
      const pushFrom = nowUs();
      pushes.push(await push(k, SHARED_ROUTER));
      pushWindows.push([pushFrom, nowUs()]);
      changedRecord ??= changedResources(before, fleet.resourcesOf(0));
    }
    const router = localRouter(o.meshSize);
    const callers = callersOf(router, o.meshSize, o.backends);
    const prefix = `mesh/${MESH}/virtualNode/`;
    const concerned = (nodeId: string) => callers.has(Number(nodeId.slice(prefix.length + 'vn-'.length)));
    const localPushes: PushRecord[] = [];
    for (let k = 1; k <= o.pushes; k++) localPushes.push(await push(k, router, concerned, 'local push'));
    const local: LocalPushes = {
      router,
      affectedStreams: localPushes[0]?.streams ?? 0,
      pushes: localPushes,
      p50: median(localPushes.map((p) => p.p50)),
      p99: median(localPushes.map((p) => p.p99)),
      pushCpuSeconds: median(localPushes.map((p) => p.serverCpuSeconds)),
      outsideChanges: Math.max(0, ...localPushes.map((p) => p.outsideChanges)),
    };
    return {
      n,
      mode,
      proxiesPerVirtualNode: Math.ceil(n / o.meshSize),
      sync,
      ...(idleNoStreams ? { idleNoStreams } : {}),
      rest,
      pushes,
      local,
      fixture: { resources: toRecord(before), changed: changedRecord ?? {} },
      windows: { sync: syncWindow, rest: restWindow, pushes: pushWindows },
      p50: median(pushes.map((p) => p.p50)),
      p99: median(pushes.map((p) => p.p99)),
      max: median(pushes.map((p) => p.max)),
      pushCpuSeconds: median(pushes.map((p) => p.serverCpuSeconds)),
      peakRssMiB: Math.max(rest.rssMiB, ...pushes.map((p) => p.serverPeakRssMiB)),
    };
  } finally {
    await fleet.close();
    api.agent.destroy();
    await server.stop();
  }
}

const toRecord = (m: Map<string, Map<string, Buffer>>) =>
  Object.fromEntries(
    [...m].map(([t, byName]) => [t, Object.fromEntries([...byName].map(([n, b]) => [n, b.toString('base64')]))]),
  );

/** The resources whose bytes differ after a push (what the bare server swaps in on its pushes). */
function changedResources(
  before: Map<string, Map<string, Buffer>>,
  after: Map<string, Map<string, Buffer>>,
): Record<string, Record<string, string>> {
  const out = new Map<string, Map<string, Buffer>>();
  for (const [t, byName] of after) {
    for (const [n, b] of byName) {
      if (before.get(t)?.get(n)?.equals(b)) continue;
      let m = out.get(t);
      if (!m) out.set(t, (m = new Map()));
      m.set(n, b);
    }
  }
  return toRecord(out);
}

/** The same N streams and mode against the bare xDS server, with the fixture the appmeshd run captured. */
async function bareRun(o: XdsOptions, run: XdsRun): Promise<BareXdsRun | undefined> {
  if (!run.fixture || Object.keys(run.fixture.changed).length === 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-bare-xds-'));
  const file = join(dir, 'fixture.json');
  writeFileSync(file, JSON.stringify(run.fixture));
  const server = await startBareXds(file);
  const fleet = new Fleet({
    host: server.host,
    port: server.xdsPort,
    mode: run.mode,
    nodeIds: nodeIds(run.n, o.meshSize),
    streamsPerChannel: o.streamsPerChannel,
  });
  const control = endpoint(server.host, server.port, benchCredentials, 1);
  try {
    const sync = await fleet.connect(Math.max(60_000, run.n * 60));
    if (sync.synced === 0) throw new Error(`bare xDS: no stream synced: ${sync.firstError}`);
    await sleep(500);
    const pushes: ConvergenceResult[] = [];
    const cpu: number[] = [];
    for (let k = 1; k <= o.pushes; k++) {
      const watch = watchProc(server.pid, 50);
      fleet.watch();
      await send(control, { method: 'POST', path: '/push' });
      const conv = await fleet.waitConverged(30_000);
      cpu.push(watch.stop().cpuSeconds);
      pushes.push(conv);
      log(
        `xds: bare ${run.mode} N=${run.n} push ${k}: ${conv.converged}/${conv.streams} converged, p50 ${conv.p50.toFixed(0)} ms, p99 ${conv.p99.toFixed(0)} ms; bare server ${cpu.at(-1)!.toFixed(3)} CPU s`,
      );
      await sleep(300);
    }
    const bytes = Object.values(run.fixture.changed).reduce(
      (a, m) => a + Object.values(m).reduce((b, v) => b + Buffer.from(v, 'base64').length, 0),
      0,
    );
    return {
      pushes,
      p50: median(pushes.map((p) => p.p50)),
      p99: median(pushes.map((p) => p.p99)),
      pushCpuSeconds: median(cpu),
      responseBytes: bytes,
    };
  } finally {
    await fleet.close();
    control.agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function xdsMissed(r: XdsRun): string[] {
  const out: string[] = [];
  const limit = r.n >= 10000 ? 2000 : 500;
  if (r.n >= 2000 && !(r.p99 < limit)) out.push(`p99 convergence ${r.p99.toFixed(0)} ms ≥ ${limit} ms`);
  if (r.n >= 2000 && r.n < 10000 && r.bare && !(r.p99 <= 2 * r.bare.p99))
    out.push(`p99 ${(r.p99 / r.bare.p99).toFixed(1)}× the bare xDS server's`);
  if (r.n >= 2000 && r.local && !(r.local.p99 < 100 && r.local.pushCpuSeconds < 0.02))
    out.push(`local change p99 ${r.local.p99.toFixed(0)} ms, ${(r.local.pushCpuSeconds * 1000).toFixed(0)} ms CPU`);
  if (r.n >= 10000 && !(r.peakRssMiB < 2048)) out.push(`RSS ${r.peakRssMiB.toFixed(0)} MiB ≥ 2 GiB`);
  if (!(r.rest.cpuPercentOfCore <= 0.5)) out.push(`CPU at rest ${r.rest.cpuPercentOfCore.toFixed(1)}% of a core`);
  if (r.sync.failed || r.pushes.some((p) => p.failed)) out.push('streams failed');
  return out;
}

export async function runXds(o: XdsOptions): Promise<XdsResult> {
  preloadEnvoy();
  const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-bench-xds-'));
  const result: XdsResult = { options: o, available: false, runs: [] };
  try {
    const server = await startAppmeshd({ dataDir, keepData: true, args: serverArgs(o) });
    try {
      if (!server.xdsPort) {
        result.note = 'appmeshd announced no xdsPort on its ready line: the xDS server is not available in this build';
        log(`xds: skipped (${result.note})`);
        return result;
      }
      log(
        `xds: seeding a mesh of ${o.meshSize} virtual nodes, services, routers and routes (${o.backends} backends per node)`,
      );
      result.seed = await seedMesh(o, server.port);
      log(`xds: seeded ${result.seed.resources} resources in ${result.seed.seconds.toFixed(1)} s`);
    } finally {
      await server.stop();
    }
    result.available = true;
    for (const n of o.streams) {
      for (const mode of o.modes) {
        try {
          // One retry: a run can fail for reasons outside the server (e.g. the build being rewritten under it).
          const first = result.runs.length === 0;
          const run = await oneRun(o, dataDir, n, mode, [], first).catch(async (err: Error) => {
            log(`xds: ${mode} N=${n} failed (${err.message.split('\n')[0]}); retrying once`);
            await sleep(2000);
            return oneRun(o, dataDir, n, mode, [], first);
          });
          const bare = await bareRun(o, run).catch((err: Error) => {
            log(`xds: bare ${mode} N=${n} failed: ${err.message}`);
            return undefined;
          });
          if (bare) run.bare = bare;
          delete run.fixture;
          result.runs.push(run);
        } catch (err) {
          log(`xds: ${mode} N=${n} failed: ${(err as Error).message}`);
          result.note = `${mode} N=${n} failed: ${(err as Error).message.split('\n')[0]}`;
        }
      }
    }
    const biggest = result.runs.filter((r) => r.n === Math.max(...o.streams));
    const missed = biggest.map((r) => ({ r, why: xdsMissed(r) })).find((x) => x.why.length);
    const target = missed?.r ?? biggest[0];
    if (target && (o.profile === 'always' || (o.profile === 'auto' && missed))) {
      const reason = missed ? missed.why.join('; ') : 'profile requested';
      log(`xds: profiling appmeshd for ${target.mode} N=${target.n} (${reason})`);
      const profDir = mkdtempSync(join(tmpdir(), 'appmeshd-prof-'));
      try {
        const run = await oneRun({ ...o, pushes: Math.max(1, o.pushes) }, dataDir, target.n, target.mode, [
          '--cpu-prof',
          '--cpu-prof-dir',
          profDir,
        ]);
        const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          const f = join(profDir, file);
          result.profile = {
            n: target.n,
            mode: target.mode,
            reason,
            push: summarizeProfile(f, run.windows.pushes),
            rest: summarizeProfile(f, [run.windows.rest]),
            sync: summarizeProfile(f, [run.windows.sync]),
          };
        }
      } catch (err) {
        log(`xds: profiling failed: ${(err as Error).message}`);
      } finally {
        rmSync(profDir, { recursive: true, force: true });
      }
    }
    return result;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

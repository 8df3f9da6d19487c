// API throughput and latency: DescribeVirtualNode, ListVirtualNodes (1,000 nodes, limit 100) and CreateVirtualNode,
// SigV4-signed, 16 keep-alive connections from wrk (pre-signed requests; the Node closed loop only when wrk is
// missing, and then no ratio is trusted), against appmeshd, moto_server and a bare node:http server that answers
// bodies of appmeshd's sizes. Runs are interleaved (appmeshd, moto, bare, appmeshd, …) and each figure is the median
// over the rounds; the generator's CPU is recorded beside the server's in every run.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMesh, createNode, describeNode, listNodes, nodeSpec, vnName } from './lib/appmesh.js';
import { call, closedLoop, endpoint, pool, send, type Call, type Endpoint, type LoadResult } from './lib/http.js';
import { nowUs, summarizeProfile, type ProfileSummary, type Window } from './lib/profile.js';
import { benchCredentials, startAppmeshd, startBare, startMoto, type Target } from './lib/servers.js';
import { log, median, sampleProc } from './lib/util.js';
import { runWrk, wrkAvailable, WRK_MISSING } from './lib/wrk.js';

export const OPS = ['DescribeVirtualNode', 'ListVirtualNodes', 'CreateVirtualNode'] as const;
export type Op = (typeof OPS)[number];
export const TARGETS = ['appmeshd', 'moto', 'bare'] as const;
export type TargetName = (typeof TARGETS)[number];

export interface ApiOptions {
  nodes: number;
  concurrency: number;
  rounds: number;
  warmupMs: number;
  durationMs: number;
  profile: 'auto' | 'always' | 'never';
  profileMs: number;
  /** wrk (default when installed) or the in-process Node closed loop. */
  generator?: 'wrk' | 'node';
}

/** A generator above this share of its one core may be what limits the rate: the run cannot show a server's limit. */
export const GENERATOR_SATURATED = 0.9;

export interface RunRecord extends LoadResult {
  round: number;
  op: Op;
  target: TargetName;
  /** Server CPU seconds over the measured window and per request (µs). */
  serverCpuSeconds: number;
  serverCpuUsPerRequest: number;
  generator: 'wrk' | 'node';
  /** The generator's CPU over the measured window as a share of one core. */
  generatorCoreShare: number;
}

export interface OpSummary {
  op: Op;
  target: TargetName;
  supported: boolean;
  note?: string;
  rps: number;
  p50: number;
  p99: number;
  serverCpuUsPerRequest: number;
  responseBytes: number;
  errors: number;
  rounds: number;
  /** Median generator CPU share of one core, and whether any round's generator was saturated. */
  generatorCoreShare: number;
  generatorSaturated: boolean;
}

export interface ApiResult {
  options: ApiOptions;
  runs: RunRecord[];
  summary: OpSummary[];
  generator: 'wrk' | 'node';
  generatorNote?: string;
  ratios: { op: Op; appmeshdOverMoto: number; appmeshdOverBare: number; bareGeneratorSaturated: boolean }[];
  /** CreateVirtualNode's server CPU per request into a mesh already holding 1,000 and 10,000 nodes (appmeshd only). */
  createAtScale?: { nodes: number; rps: number; serverCpuUsPerRequest: number }[];
  /** CPU profiles of appmeshd, one per operation (Describe first). */
  profiles?: { op: Op; reason: string; summary: ProfileSummary }[];
}

const API_MESH = 'bench-api';
const QUOTAS = ['--quota', 'virtualNodesPerMesh=1000000', '--quota', 'meshesPerAccount=1000'];

async function seed(ep: Endpoint, nodes: number): Promise<void> {
  await call(ep, createMesh(API_MESH));
  const idx = Array.from({ length: nodes }, (_, i) => i);
  await pool(idx, 16, async (i) => {
    await call(ep, createNode(API_MESH, vnName(i), nodeSpec(i)));
  });
}

function requestFor(op: Op, createMeshName: string, nodes: number): (w: number, seq: number) => Call {
  switch (op) {
    case 'DescribeVirtualNode':
      return (_w, seq) => describeNode(API_MESH, vnName((seq * 7919) % nodes));
    case 'ListVirtualNodes':
      return () => listNodes(API_MESH, 100);
    case 'CreateVirtualNode':
      return (w, seq) => createNode(createMeshName, `c-${w}-${seq}`, nodeSpec(seq));
  }
}

/** The requests one wrk run replays: every Create names a node no other run uses. */
function wrkCalls(op: Op, createMeshName: string, nodes: number, durationMs: number, tag: string): Call[] {
  const next = requestFor(op, createMeshName, nodes);
  if (op === 'ListVirtualNodes') return [next(0, 0)];
  if (op === 'DescribeVirtualNode') return Array.from({ length: nodes }, (_, i) => next(0, i));
  // Enough unique creates for 12,000 req/s over the window (3× the target rate).
  const count = Math.ceil((durationMs / 1000) * 12_000);
  return Array.from({ length: count }, (_, i) => createNode(createMeshName, `c-${tag}-${i}`, nodeSpec(i)));
}

async function measure(t: Target, ep: Endpoint, op: Op, round: number, o: ApiOptions): Promise<RunRecord> {
  const createMeshName = `bench-create-${round}`;
  if (op === 'CreateVirtualNode') await call(ep, createMesh(createMeshName));
  if ((o.generator ?? 'wrk') === 'wrk') {
    const base = {
      host: ep.host,
      port: ep.port,
      credentials: ep.credentials,
      connections: o.concurrency,
      serverPid: t.pid,
    };
    await runWrk({
      ...base,
      durationMs: o.warmupMs,
      calls: wrkCalls(op, createMeshName, o.nodes, o.warmupMs, `w${round}`),
    });
    const r = await runWrk({
      ...base,
      durationMs: o.durationMs,
      calls: wrkCalls(op, createMeshName, o.nodes, o.durationMs, `m${round}`),
    });
    return {
      ...r,
      round,
      op,
      target: t.name as TargetName,
      generator: 'wrk',
      serverCpuUsPerRequest: r.requests ? (r.serverCpuSeconds * 1e6) / r.requests : NaN,
    };
  }
  let before = sampleProc(t.pid);
  let after = before;
  const r = await closedLoop(ep, {
    concurrency: o.concurrency,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    next: requestFor(op, createMeshName, o.nodes),
    onWindow: (edge) => {
      if (edge === 'open') before = sampleProc(t.pid);
      else after = sampleProc(t.pid);
    },
  });
  const cpu = after.cpuSeconds - before.cpuSeconds;
  return {
    ...r,
    round,
    op,
    target: t.name as TargetName,
    serverCpuSeconds: cpu,
    serverCpuUsPerRequest: r.requests ? (cpu * 1e6) / r.requests : NaN,
    generator: 'node',
    generatorCoreShare: r.generatorCpuSeconds / r.seconds,
  };
}

/** A write's cost must not grow with the mesh: creates into meshes already holding 1,000 and 10,000 nodes. */
async function measureCreateAtScale(
  t: Target,
  ep: Endpoint,
  o: ApiOptions,
): Promise<{ nodes: number; rps: number; serverCpuUsPerRequest: number }[]> {
  const out: { nodes: number; rps: number; serverCpuUsPerRequest: number }[] = [];
  for (const nodes of [1000, 10_000]) {
    const mesh = `bench-scale-${nodes}`;
    await call(ep, createMesh(mesh));
    await pool(
      Array.from({ length: nodes }, (_, i) => i),
      16,
      async (i) => {
        await call(ep, createNode(mesh, vnName(i), nodeSpec(i)));
      },
    );
    const calls = Array.from({ length: Math.ceil((o.durationMs / 1000) * 12_000) }, (_, i) =>
      createNode(mesh, `s-${i}`, nodeSpec(i)),
    );
    const r = await runWrk({
      host: ep.host,
      port: ep.port,
      credentials: ep.credentials,
      connections: o.concurrency,
      durationMs: o.durationMs,
      calls,
      serverPid: t.pid,
    });
    const perRequest = r.requests ? (r.serverCpuSeconds * 1e6) / r.requests : NaN;
    out.push({ nodes, rps: r.rps, serverCpuUsPerRequest: perRequest });
    log(
      `api: CreateVirtualNode into a mesh of ${nodes} nodes: ${r.rps.toFixed(0)} req/s, ${perRequest.toFixed(0)} µs server CPU/req`,
    );
  }
  return out;
}

/** The API targets: req/s as a share of the bare server's (Describe, List), absolute req/s (Create). */
export const API_TARGETS = { describeOverBare: 0.5, listOverBare: 0.3, createRps: 4000 } as const;

export function apiTargetsMissed(r: Pick<ApiResult, 'ratios' | 'summary'>): Op[] {
  const ratio = (op: Op) => r.ratios.find((x) => x.op === op)?.appmeshdOverBare ?? NaN;
  const rps = (op: Op) => r.summary.find((x) => x.op === op && x.target === 'appmeshd')?.rps ?? NaN;
  const out: Op[] = [];
  if (!(ratio('DescribeVirtualNode') >= API_TARGETS.describeOverBare)) out.push('DescribeVirtualNode');
  if (!(ratio('ListVirtualNodes') >= API_TARGETS.listOverBare)) out.push('ListVirtualNodes');
  if (!(rps('CreateVirtualNode') >= API_TARGETS.createRps)) out.push('CreateVirtualNode');
  return out;
}

/** Does moto implement this operation? (one probe call) */
async function supported(ep: Endpoint, op: Op): Promise<string | undefined> {
  const c = requestFor(op, API_MESH, 1)(0, 0);
  const r = await send(ep, op === 'CreateVirtualNode' ? createNode(API_MESH, 'probe', nodeSpec(0)) : c);
  return r.status >= 200 && r.status < 300 ? undefined : `${r.status} ${r.body.slice(0, 200)}`;
}

/**
 * One appmeshd under `node --cpu-prof`: seeded like the measured one, then each operation's load in turn; the profile
 * is cut into one window per operation (start-up, seeding and warm-ups left out).
 */
async function profileOps(o: ApiOptions, ops: readonly Op[]): Promise<{ op: Op; summary: ProfileSummary }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-prof-'));
  const server = await startAppmeshd({ args: QUOTAS, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const windows = new Map<Op, Window>();
  try {
    const ep = endpoint(server.host, server.port, benchCredentials, o.concurrency);
    await seed(ep, o.nodes);
    await call(ep, createMesh('bench-create-profile'));
    for (const op of ops) {
      let from = 0;
      await closedLoop(ep, {
        concurrency: o.concurrency,
        warmupMs: 300,
        durationMs: o.profileMs,
        next: requestFor(op, 'bench-create-profile', o.nodes),
        onWindow: (edge) => {
          if (edge === 'open') from = nowUs();
          else windows.set(op, [from, nowUs()]);
        },
      });
    }
    ep.agent.destroy();
  } finally {
    await server.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled server wrote no .cpuprofile');
  const out = ops.map((op) => ({ op, summary: summarizeProfile(join(dir, file), [windows.get(op)!]) }));
  rmSync(dir, { recursive: true, force: true });
  return out;
}

export async function runApi(options: ApiOptions): Promise<ApiResult> {
  let generatorNote: string | undefined;
  if ((options.generator ?? 'wrk') === 'wrk' && !wrkAvailable()) {
    generatorNote = `${WRK_MISSING}; this run used the Node closed loop, whose own limit caps the bare server, so its ratios are not valid`;
    log(`api: ${generatorNote}`);
  }
  const o: ApiOptions = { ...options, generator: generatorNote ? 'node' : (options.generator ?? 'wrk') };
  const runs: RunRecord[] = [];
  const targets: Target[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'appmeshd-bench-api-'));
  try {
    log('api: starting appmeshd and moto_server');
    const [appmeshd, moto] = await Promise.all([startAppmeshd({ args: QUOTAS }), startMoto()]);
    targets.push(appmeshd, moto);
    const eps: Record<string, Endpoint> = {
      appmeshd: endpoint(appmeshd.host, appmeshd.port, benchCredentials, o.concurrency),
      moto: endpoint(moto.host, moto.port, benchCredentials, o.concurrency),
    };
    log(`api: seeding ${o.nodes} virtual nodes in each`);
    await seed(eps.appmeshd!, o.nodes);
    await seed(eps.moto!, o.nodes);
    // The bare server answers with bodies of exactly appmeshd's sizes.
    const bodies = {
      describe: (await send(eps.appmeshd!, describeNode(API_MESH, vnName(1)))).body,
      list: (await send(eps.appmeshd!, listNodes(API_MESH, 100))).body,
      create: (await send(eps.appmeshd!, createNode(API_MESH, 'size-probe', nodeSpec(1)))).body,
    };
    const bodiesFile = join(tmp, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const bare = await startBare(bodiesFile);
    targets.push(bare);
    eps.bare = endpoint(bare.host, bare.port, benchCredentials, o.concurrency);
    const motoUnsupported = new Map<Op, string>();
    for (const op of OPS) {
      const why = await supported(eps.moto!, op);
      if (why) motoUnsupported.set(op, why);
    }
    const byName = new Map(targets.map((t) => [t.name, t]));
    for (let round = 1; round <= o.rounds; round++) {
      for (const op of OPS) {
        for (const name of TARGETS) {
          if (name === 'moto' && motoUnsupported.has(op)) continue;
          const r = await measure(byName.get(name)!, eps[name]!, op, round, o);
          runs.push(r);
          log(
            `api: round ${round} ${op.padEnd(19)} ${name.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  server ${r.serverCpuUsPerRequest.toFixed(0)} µs CPU/req  generator ${(r.generatorCoreShare * 100).toFixed(0)}% of a core${r.errors ? `  ${r.errors} errors (${r.firstError})` : ''}`,
          );
        }
      }
    }
    const createAtScale =
      o.generator === 'wrk' ? await measureCreateAtScale(byName.get('appmeshd')!, eps.appmeshd!, o) : undefined;
    for (const ep of Object.values(eps)) ep.agent.destroy();
    const summary: OpSummary[] = [];
    for (const op of OPS) {
      for (const target of TARGETS) {
        const rs = runs.filter((r) => r.op === op && r.target === target);
        summary.push({
          op,
          target,
          supported: !(target === 'moto' && motoUnsupported.has(op)),
          ...(target === 'moto' && motoUnsupported.has(op) ? { note: `moto: ${motoUnsupported.get(op)}` } : {}),
          rps: median(rs.map((r) => r.rps)),
          p50: median(rs.map((r) => r.p50)),
          p99: median(rs.map((r) => r.p99)),
          serverCpuUsPerRequest: median(rs.map((r) => r.serverCpuUsPerRequest)),
          responseBytes: median(rs.map((r) => r.responseBytes)),
          errors: rs.reduce((a, r) => a + r.errors, 0),
          rounds: rs.length,
          generatorCoreShare: median(rs.map((r) => r.generatorCoreShare)),
          generatorSaturated: rs.some((r) => r.generatorCoreShare >= GENERATOR_SATURATED),
        });
      }
    }
    const rps = (op: Op, t: TargetName) => summary.find((s) => s.op === op && s.target === t)?.rps ?? NaN;
    const saturated = (op: Op, t: TargetName) =>
      summary.find((s) => s.op === op && s.target === t)?.generatorSaturated ?? true;
    const ratios = OPS.map((op) => ({
      op,
      appmeshdOverMoto: rps(op, 'appmeshd') / rps(op, 'moto'),
      appmeshdOverBare: rps(op, 'appmeshd') / rps(op, 'bare'),
      bareGeneratorSaturated: o.generator === 'node' || saturated(op, 'bare'),
    }));
    const result: ApiResult = {
      options: o,
      runs,
      summary,
      ratios,
      generator: o.generator ?? 'wrk',
      ...(generatorNote ? { generatorNote } : {}),
      ...(createAtScale ? { createAtScale } : {}),
    };
    for (const t of targets.splice(0)) await t.stop();
    const missedOps = apiTargetsMissed(result);
    if (o.profile === 'always' || (o.profile === 'auto' && missedOps.length)) {
      const reason = missedOps.length ? `target missed: ${missedOps.join(', ')}` : 'profile requested';
      log(`api: ${reason}; profiling appmeshd under each operation's load for ${o.profileMs} ms`);
      try {
        result.profiles = (await profileOps(o, OPS)).map((p) => ({ ...p, reason }));
      } catch (err) {
        log(`api: profiling failed: ${(err as Error).message}`);
      }
    }
    return result;
  } finally {
    for (const t of targets) await t.stop().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

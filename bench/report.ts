// The targets table and the generated part of BENCHMARKS.md.
import type { ApiResult } from './api.js';
import type { HostileResult } from './hostile.js';
import type { ProfileSummary } from './lib/profile.js';
import { fmt, median, type MachineInfo } from './lib/util.js';
import type { TranslateResult } from './translate.js';
import type { XdsResult } from './xds.js';

export interface TargetCheck { target: string; measured: string; status: 'met' | 'missed' | 'not measured'; note?: string }

export interface BenchResults {
  command: string; date: string; mode: 'quick' | 'full'; wallSeconds: number; machine: MachineInfo;
  api?: ApiResult; xds?: XdsResult; translate?: TranslateResult; hostile?: HostileResult; targets: TargetCheck[];
}

const status = (ok: boolean | undefined): TargetCheck['status'] => (ok === undefined ? 'not measured' : ok ? 'met' : 'missed');

export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const d = r.api?.ratios.find((x) => x.op === 'DescribeVirtualNode');
  out.push({
    target: 'DescribeVirtualNode ≥ 50% of the bare node:http server\'s req/s',
    measured: d ? `${fmt(d.appmeshdOverBare * 100)}%` : '–', status: status(d ? d.appmeshdOverBare >= 0.5 : undefined),
  });
  out.push({
    target: 'DescribeVirtualNode ≥ 20× moto_server\'s req/s',
    measured: d && Number.isFinite(d.appmeshdOverMoto) ? `${fmt(d.appmeshdOverMoto, 1)}×` : '–',
    status: status(d && Number.isFinite(d.appmeshdOverMoto) ? d.appmeshdOverMoto >= 20 : undefined),
  });
  const runs = r.xds?.runs ?? [];
  const nMax = runs.length ? Math.max(...runs.map((x) => x.n)) : 0;
  const big = runs.filter((x) => x.n === nMax);
  const atScale = nMax >= 2000 && (r.xds?.options.meshSize ?? 0) >= 1000;
  const scaleNote = big.length && !atScale ? `measured at N = ${nMax}, M = ${r.xds?.options.meshSize} (not the target size)` : undefined;
  const worst = <T>(xs: T[], f: (x: T) => number) => Math.max(...xs.map(f));
  out.push({
    target: 'xDS p99 convergence < 500 ms (N = 2,000, M = 1,000)',
    measured: big.length ? big.map((x) => `${x.mode} ${fmt(x.p99)} ms`).join(', ') : '–',
    status: status(big.length ? worst(big, (x) => x.p99) < 500 && big.every((x) => x.pushes.every((p) => p.failed === 0)) : undefined),
    ...(scaleNote ? { note: scaleNote } : {}),
  });
  out.push({
    target: 'Server RSS < 1 GiB with 2,000 streams',
    measured: big.length ? big.map((x) => `${x.mode} ${fmt(x.peakRssMiB)} MiB`).join(', ') : '–',
    status: status(big.length ? worst(big, (x) => x.peakRssMiB) < 1024 : undefined),
    ...(scaleNote ? { note: scaleNote } : {}),
  });
  out.push({
    target: 'Zero CPU at rest (< 1% of a core, all streams connected)',
    measured: runs.length ? `max ${fmt(worst(runs, (x) => x.rest.cpuPercentOfCore), 2)}% of a core` : '–',
    status: status(runs.length ? worst(runs, (x) => x.rest.cpuPercentOfCore) < 1 : undefined),
  });
  const pts = r.translate?.points ?? [];
  const bs = pts.filter((p) => p.series === 'backends').sort((a, b) => a.backends - b.backends);
  const lo = bs.find((p) => p.backends >= 10) ?? bs[0];
  const hi = bs.at(-1);
  if (lo && hi && hi.backends > lo.backends) {
    const k = hi.backends / lo.backends;
    const cold = hi.coldUs / lo.coldUs;
    const warm = hi.warmUs / lo.warmUs;
    out.push({
      target: `Translation cost no worse than linear in a proxy's backends (${lo.backends} → ${hi.backends}: ≤ ${fmt(k, 1)}×, +25% noise allowance)`,
      measured: `cold ${fmt(cold, 2)}×, warm ${fmt(warm, 2)}×`, status: status(cold <= k * 1.25 && warm <= k * 1.25),
    });
  } else out.push({ target: 'Translation cost no worse than linear in a proxy\'s backends', measured: '–', status: 'not measured' });
  const ms = pts.filter((p) => p.series === 'mesh').sort((a, b) => a.meshSize - b.meshSize);
  const m0 = ms[0];
  const m1 = ms.at(-1);
  if (m0 && m1 && m1.meshSize > m0.meshSize) {
    const cold = m1.coldUs / m0.coldUs;
    const warm = m1.warmUs / m0.warmUs;
    out.push({
      target: `Translation cost does not grow with the mesh (M ${m0.meshSize} → ${m1.meshSize}, same backends: ≤ 2×)`,
      measured: `cold ${fmt(cold, 2)}×, warm ${fmt(warm, 2)}×`, status: status(cold <= 2 && warm <= 2),
    });
  } else out.push({ target: 'Translation cost does not grow with the mesh', measured: '–', status: 'not measured' });
  const hs = r.hostile?.shapes ?? [];
  const slowest = hs.length ? hs.reduce((a, b) => (b.ms > a.ms ? b : a)) : undefined;
  const worstHealthz = hs.length ? hs.reduce((a, b) => (b.healthzP99Ms > a.healthzP99Ms ? b : a)) : undefined;
  out.push({
    target: 'A 1 MiB request of any shape (from a user with no permissions) is answered in < 250 ms',
    measured: slowest ? `slowest ${fmt(slowest.ms, 1)} ms (${slowest.name})` : '–', status: status(slowest ? slowest.ms < 250 : undefined),
  });
  out.push({
    target: '/healthz p99 stays < 50 ms while such a request runs',
    measured: worstHealthz ? `worst p99 ${fmt(worstHealthz.healthzP99Ms, 1)} ms (${worstHealthz.name})` : '–', status: status(worstHealthz ? worstHealthz.healthzP99Ms < 50 : undefined),
  });
  return out;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function targetsTable(targets: TargetCheck[]): string {
  return table(['Target', 'Measured', 'Status'], targets.map((t) => [t.target, t.measured, `${t.status === 'met' ? '✅ met' : t.status === 'missed' ? '❌ MISSED' : '– not measured'}${t.note ? ` (${t.note})` : ''}`]));
}

function profileSection(title: string, p: ProfileSummary): string {
  return [
    `**${title}** — ${p.busyMs} ms busy of ${p.sampledMs} ms sampled (sample count × the sampling interval; the rest idle). Top frames by self time:`,
    '',
    table(['Self %', 'Self ms', 'Function (location)'], p.self.map((f) => [fmt(f.percent, 1), String(f.ms), `\`${f.frame}\``])),
    '',
    'Top frames by inclusive time (the frame and everything it called):',
    '',
    table(['Incl. %', 'Incl. ms', 'Function (location)'], p.inclusive.map((f) => [fmt(f.percent, 1), String(f.ms), `\`${f.frame}\``])),
  ].join('\n');
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const s: string[] = [];
  s.push(`Generated by \`${r.command}\` on ${r.date} (${r.mode} mode, ${fmt(r.wallSeconds)} s wall).`);
  s.push('');
  s.push(`Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}, kernel ${m.kernel}; load average at start ${m.loadAverage.join(' / ')}. ` +
    'The load generators share these cores with the servers they measure (generator in the benchmark process, each server in its own process).');
  if (r.mode === 'quick') s.push('', '> **Quick mode**: small sizes and short runs, for checking the harness; these are not the published figures.');
  if ((m.loadAverage[0] ?? 0) > m.cores) {
    s.push('', `> **Busy machine**: the load average (${m.loadAverage[0]}) exceeded the ${m.cores} cores when the run started, so other work competed for the CPU. Absolute req/s and latencies are depressed and noisy; the ratios, the per-request server CPU and the CPU seconds per push hold up better.`);
  }
  s.push('', '### Targets', '', targetsTable(r.targets));
  if (r.api) {
    const a = r.api;
    s.push('', '### API throughput and latency', '',
      `${a.options.concurrency} concurrent keep-alive connections, closed loop, SigV4-signed; ${a.options.rounds} interleaved rounds of ${a.options.durationMs / 1000} s (after ${a.options.warmupMs / 1000} s warm-up) per operation and server; medians over the rounds. ` +
      `ListVirtualNodes lists a mesh of ${a.options.nodes} nodes with limit 100. "Server CPU/req" is the server process's CPU time (from /proc) divided by the requests it answered — less sensitive to the shared cores than req/s.`, '');
    s.push(table(['Operation', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'Server CPU/req µs', 'Response bytes', 'Errors'],
      a.summary.map((x) => x.supported
        ? [x.op, x.target, fmt(x.rps), fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.serverCpuUsPerRequest), fmt(x.responseBytes), String(x.errors)]
        : [x.op, x.target, 'not supported', '', '', '', '', ''])));
    s.push('', table(['Operation', 'appmeshd / moto (req/s)', 'appmeshd / bare (req/s)'],
      a.ratios.map((x) => [x.op, Number.isFinite(x.appmeshdOverMoto) ? `${fmt(x.appmeshdOverMoto, 1)}×` : '–', `${fmt(x.appmeshdOverBare * 100)}%`])));
    for (const p of a.profiles ?? []) {
      s.push('', profileSection(`appmeshd CPU profile (\`node --cpu-prof\`, a separate server) under ${p.op} load only (start-up, seeding and warm-up cut out; ${p.reason})`, p.summary));
    }
  }
  if (r.hostile) {
    s.push('', '### Hostile requests', '',
      `1 MiB requests of each shape, signed by an IAM user with no permissions (so all their cost is paid before authorization), each sent ${r.hostile.repetitions} times while /healthz is asked one request after another on a keep-alive connection; answer time is the median.`, '');
    s.push(table(['Shape', 'Bytes', 'Answer', 'ms', '/healthz p99 ms', '/healthz max ms'],
      r.hostile.shapes.map((h) => [h.name, String(h.bytes), `${h.status} ${h.error}`, fmt(h.ms, 1), fmt(h.healthzP99Ms, 1), fmt(h.healthzMaxMs, 1)])));
  }
  if (r.xds) {
    const x = r.xds;
    s.push('', '### xDS convergence', '');
    if (!x.available) s.push(`Not measured: ${x.note ?? 'unavailable'}.`);
    else {
      s.push(`Mesh of M = ${x.options.meshSize} virtual nodes, services, routers and routes, each node with ${x.options.backends} backends (one shared by all); seeded through the API in ${fmt(x.seed?.seconds ?? NaN, 1)} s. ` +
        `N simulated Envoys on real ADS streams (${x.options.streamsPerChannel} streams per gRPC channel, ${x.options.auth === 'sigv4' ? 'SigV4-signed metadata' : 'unauthenticated'}), proxies of virtual node i mod M (so N > M means several replicas per node). ` +
        `One push = UpdateRoute on the shared service's route (weights 50/50 ↔ 80/20); convergence per stream = from sending the API request until the stream ACKed the first response that changed a resource. ` +
        `Medians over ${x.options.pushes} pushes; CPU at rest is measured over ${x.options.restMs / 1000} s with every stream connected and idle.${x.note ? ` Note: ${x.note}.` : ''}`, '');
      s.push(table(['N', 'Mode', 'Initial sync (all)', 'p50 ms', 'p99 ms', 'max ms', 'Push CPU s (server / generator)', 'Peak RSS MiB', 'Rest CPU % core (wakeups/s)', 'Rest RSS MiB', 'Idle before any stream: CPU % (wakeups/s) / RSS MiB', 'Failed'],
        x.runs.map((r) => [String(r.n), r.mode, `${fmt(r.sync.totalMs)} ms`, fmt(r.p50), fmt(r.p99), fmt(r.max), `${fmt(r.pushCpuSeconds, 2)} / ${fmt(median(r.pushes.map((p) => p.generatorCpuSeconds)), 2)}`, fmt(r.peakRssMiB),
          `${fmt(r.rest.cpuPercentOfCore, 2)} (${fmt(r.rest.mainThreadWakeupsPerSecond)})`, fmt(r.rest.rssMiB),
          r.idleNoStreams ? `${fmt(r.idleNoStreams.cpuPercentOfCore, 2)} (${fmt(r.idleNoStreams.mainThreadWakeupsPerSecond)}) / ${fmt(r.idleNoStreams.rssMiB)}` : '',
          String(r.sync.failed + Math.max(0, ...r.pushes.map((p) => p.failed)))])));
      if (x.profile) {
        const pr = x.profile;
        s.push('', `CPU profile of appmeshd (\`node --cpu-prof\`) over a separate ${pr.mode} N = ${pr.n} run, cut into its phases (${pr.reason}); profiling slows the server, so these times are not comparable with the table above.`);
        s.push('', profileSection(`During the pushes (${pr.push.windows ?? 0} windows from the API request until the last stream ACKed)`, pr.push));
        s.push('', profileSection(`At rest (all ${pr.n} streams connected and idle)`, pr.rest));
        s.push('', profileSection('Initial sync (all streams connecting at once)', pr.sync));
      }
    }
  }
  if (r.translate) {
    const t = r.translate;
    s.push('', '### Translation cost', '');
    if (!t.available) s.push(`Not measured: ${t.note ?? 'unavailable'}.`);
    else {
      s.push(`\`translate(snapshot, proxy)\` in-process on a synthetic snapshot, one sidecar; best of ${t.options.batches} interleaved batches of ~${t.options.batchMs} ms (medians in the JSON). ` +
        '"Cold" uses a new snapshot object per call (translation memoizes per snapshot, so this is what the first proxy after a change pays); "warm" reuses it (every further proxy of that snapshot).', '');
      s.push(table(['Series', 'Mesh size M', 'Backends per proxy', 'Cold µs', 'Warm µs', 'Clusters', 'Route configs', 'Listeners'],
        t.points.map((p) => [p.series === 'mesh' ? 'mesh grows' : 'backends grow', String(p.meshSize), String(p.backends), fmt(p.coldUs), fmt(p.warmUs),
          String(p.resources.clusters), String(p.resources.routes), String(p.resources.listeners)])));
    }
  }
  return s.join('\n');
}

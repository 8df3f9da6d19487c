// The targets table and the generated part of BENCHMARKS.md.
import { API_TARGETS, type ApiResult, type Op } from './api.js';
import type { HostileResult } from './hostile.js';
import type { ProfileSummary } from './lib/profile.js';
import { fmt, median, type MachineInfo } from './lib/util.js';
import type { TranslateResult } from './translate.js';
import type { XdsResult, XdsRun } from './xds.js';
import type { LogsResult } from './logs.js';

export interface TargetCheck {
  target: string;
  measured: string;
  status: 'met' | 'missed' | 'not measured';
  note?: string;
}

export interface BenchResults {
  command: string;
  date: string;
  mode: 'quick' | 'full';
  wallSeconds: number;
  machine: MachineInfo;
  api?: ApiResult;
  xds?: XdsResult;
  translate?: TranslateResult;
  logs?: LogsResult;
  hostile?: HostileResult;
  targets: TargetCheck[];
}

const status = (ok: boolean | undefined): TargetCheck['status'] =>
  ok === undefined ? 'not measured' : ok ? 'met' : 'missed';

export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = [];
  const ratio = (op: Op) => r.api?.ratios.find((x) => x.op === op);
  const valid = (op: Op) => {
    const x = ratio(op);
    return x && !x.bareGeneratorSaturated;
  };
  const saturatedNote = (op: Op) =>
    ratio(op) && !valid(op)
      ? {
          note:
            r.api?.generator === 'node'
              ? 'Node generator, not wrk: the ratio measures the generator'
              : 'the generator was saturated against the bare server: the ratio is not valid',
        }
      : {};
  const ratioTarget = (op: Op, share: number, what: string): TargetCheck => {
    const x = ratio(op);
    return {
      target: `${what} ≥ ${fmt(share * 100)}% of the bare node:http server's req/s (wrk, ${r.api?.options.concurrency ?? 16} connections)`,
      measured: x ? `${fmt(x.appmeshdOverBare * 100)}%` : '–',
      status: x && valid(op) ? status(x.appmeshdOverBare >= share) : 'not measured',
      ...saturatedNote(op),
    };
  };
  out.push(ratioTarget('DescribeVirtualNode', API_TARGETS.describeOverBare, 'DescribeVirtualNode'));
  out.push(ratioTarget('ListVirtualNodes', API_TARGETS.listOverBare, 'ListVirtualNodes (limit 100 of 1,000)'));
  const create = r.api?.summary.find((x) => x.op === 'CreateVirtualNode' && x.target === 'appmeshd');
  const scale = r.api?.createAtScale;
  const [k1, k10] = [scale?.find((x) => x.nodes === 1000), scale?.find((x) => x.nodes === 10_000)];
  out.push({
    target: 'CreateVirtualNode server CPU per request into a mesh of 10,000 nodes within 1.5× of 1,000',
    measured:
      k1 && k10
        ? `${fmt(k10.serverCpuUsPerRequest)} vs ${fmt(k1.serverCpuUsPerRequest)} µs (${fmt(k10.serverCpuUsPerRequest / k1.serverCpuUsPerRequest, 2)}×)`
        : '–',
    status: status(k1 && k10 ? k10.serverCpuUsPerRequest <= 1.5 * k1.serverCpuUsPerRequest : undefined),
  });
  out.push({
    target: `CreateVirtualNode ≥ ${API_TARGETS.createRps} req/s, every acknowledgement durable`,
    measured: create ? `${fmt(create.rps)} req/s, ${fmt(create.serverCpuUsPerRequest)} µs CPU/req` : '–',
    status: create && !create.generatorSaturated ? status(create.rps >= API_TARGETS.createRps) : 'not measured',
  });
  const runs = r.xds?.runs ?? [];
  const meshOk = (r.xds?.options.meshSize ?? 0) >= 1000;
  const at = (n: number) => (meshOk ? runs.filter((x) => x.n === n) : []);
  const worst = <T>(xs: T[], f: (x: T) => number) => Math.max(...xs.map(f));
  const failed = (x: XdsRun) => x.sync.failed > 0 || x.pushes.some((p) => p.failed > 0);
  const sizeNote = (n: number) =>
    runs.length && !at(n).length
      ? {
          note: `not run at N = ${n}, M ≥ 1,000 (this run: N = ${[...new Set(runs.map((x) => x.n))].join(', ')}, M = ${r.xds?.options.meshSize})`,
        }
      : {};
  const big = at(2000);
  out.push({
    target:
      "xDS p99, worst case (a service every proxy uses), N = 2,000, M = 1,000: < 500 ms and ≤ 2× the bare xDS server's p99",
    measured: big.length
      ? big
          .map(
            (x) =>
              `${x.mode} ${fmt(x.p99)} ms (bare ${fmt(x.bare?.p99 ?? NaN)} ms, ${fmt(x.p99 / (x.bare?.p99 ?? NaN), 1)}×)`,
          )
          .join(', ')
      : '–',
    status: status(
      big.length
        ? big.every((x) => !failed(x) && x.p99 < 500 && x.bare !== undefined && x.p99 <= 2 * x.bare.p99)
        : undefined,
    ),
    ...sizeNote(2000),
  });
  const local = big.filter((x) => x.local);
  out.push({
    target:
      'xDS p99, local change (a route ~10 proxies use), N = 2,000: < 100 ms, server CPU per push < 20 ms, nothing sent to other proxies',
    measured: local.length
      ? local
          .map(
            (x) =>
              `${x.mode} ${fmt(x.local!.p99)} ms, ${fmt(x.local!.pushCpuSeconds * 1000)} ms CPU, ${x.local!.affectedStreams} streams, ${x.local!.outsideChanges} changes elsewhere`,
          )
          .join('; ')
      : '–',
    status: status(
      local.length
        ? local.every(
            (x) =>
              x.local!.p99 < 100 &&
              x.local!.pushCpuSeconds < 0.02 &&
              x.local!.outsideChanges === 0 &&
              x.local!.pushes.every((p) => p.failed === 0),
          )
        : undefined,
    ),
    ...sizeNote(2000),
  });
  const huge = at(10000);
  out.push({
    target: 'xDS N = 10,000, M = 1,000: p99 worst case < 2 s, RSS < 2 GiB',
    measured: huge.length ? huge.map((x) => `${x.mode} ${fmt(x.p99)} ms, ${fmt(x.peakRssMiB)} MiB`).join(', ') : '–',
    status: status(huge.length ? huge.every((x) => !failed(x) && x.p99 < 2000 && x.peakRssMiB < 2048) : undefined),
    ...sizeNote(10000),
  });
  out.push({
    target: 'CPU at rest with all streams connected ≤ 0.5% of a core',
    measured: runs.length
      ? `max ${fmt(
          worst(runs, (x) => x.rest.cpuPercentOfCore),
          2,
        )}% of a core`
      : '–',
    status: status(runs.length ? worst(runs, (x) => x.rest.cpuPercentOfCore) <= 0.5 : undefined),
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
      measured: `cold ${fmt(cold, 2)}×, warm ${fmt(warm, 2)}×`,
      status: status(cold <= k * 1.25 && warm <= k * 1.25),
    });
  } else
    out.push({
      target: "Translation cost no worse than linear in a proxy's backends",
      measured: '–',
      status: 'not measured',
    });
  const ms = pts.filter((p) => p.series === 'mesh').sort((a, b) => a.meshSize - b.meshSize);
  const m0 = ms[0];
  const m1 = ms.at(-1);
  if (m0 && m1 && m1.meshSize > m0.meshSize) {
    const cold = m1.coldUs / m0.coldUs;
    const warm = m1.warmUs / m0.warmUs;
    out.push({
      target: `Translation cost does not grow with the mesh (M ${m0.meshSize} → ${m1.meshSize}, same backends: ≤ 2×)`,
      measured: `cold ${fmt(cold, 2)}×, warm ${fmt(warm, 2)}×`,
      status: status(cold <= 2 && warm <= 2),
    });
  } else out.push({ target: 'Translation cost does not grow with the mesh', measured: '–', status: 'not measured' });
  const ing = r.logs?.ingest;
  out.push({
    target: 'Logs ingest ≥ 100,000 events/s (100-byte messages, batches of 1,000, 4 writers, SigV4, durable, SQLite)',
    measured: ing
      ? `${fmt(ing.eventsPerSecond)} events/s (server ${fmt(ing.serverCpuSeconds, 1)} CPU s, generator ${fmt(ing.generatorCpuSeconds, 1)} CPU s over ${fmt(ing.seconds, 1)} s)`
      : '–',
    status: status(
      ing ? ing.eventsPerSecond >= 100_000 && ing.errors === 0 && ing.storedEvents >= ing.events : undefined,
    ),
  });
  const fs = r.logs?.filter ?? [];
  const bigF = fs.at(-1);
  const smallF = fs[0];
  const fullSize = (bigF?.groupEvents ?? 0) >= 1_000_000;
  out.push({
    target: 'FilterLogEvents, one-term pattern, 1,000,000 events in one group: first page < 500 ms',
    measured: bigF
      ? `${fmt(bigF.firstPageMs)} ms (${bigF.firstPageEvents} events; ${fmt(bigF.groupEvents)} events in the group)`
      : '–',
    status: status(bigF ? bigF.firstPageMs < 500 : undefined),
    ...(bigF && !fullSize ? { note: `measured at ${bigF.groupEvents} events` } : {}),
  });
  const growth =
    bigF && smallF && bigF !== smallF
      ? bigF.rssPeakMiB - bigF.rssBeforeMiB - (smallF.rssPeakMiB - smallF.rssBeforeMiB)
      : undefined;
  out.push({
    target: "FilterLogEvents memory flat in the group's size (peak RSS growth, 10× the events: < 32 MiB more)",
    measured:
      bigF && smallF
        ? `${fmt(smallF.groupEvents)} events: +${fmt(smallF.rssPeakMiB - smallF.rssBeforeMiB)} MiB; ${fmt(bigF.groupEvents)}: +${fmt(bigF.rssPeakMiB - bigF.rssBeforeMiB)} MiB`
        : '–',
    status: status(growth !== undefined ? growth < 32 : undefined),
  });
  const hs = r.hostile?.shapes ?? [];
  const slowest = hs.length ? hs.reduce((a, b) => (b.ms > a.ms ? b : a)) : undefined;
  const worstHealthz = hs.length ? hs.reduce((a, b) => (b.healthzP99Ms > a.healthzP99Ms ? b : a)) : undefined;
  out.push({
    target: 'A 1 MiB request of any shape (from a user with no permissions) is answered in < 250 ms',
    measured: slowest ? `slowest ${fmt(slowest.ms, 1)} ms (${slowest.name})` : '–',
    status: status(slowest ? slowest.ms < 250 : undefined),
  });
  out.push({
    target: '/healthz p99 stays < 50 ms while such a request runs',
    measured: worstHealthz ? `worst p99 ${fmt(worstHealthz.healthzP99Ms, 1)} ms (${worstHealthz.name})` : '–',
    status: status(worstHealthz ? worstHealthz.healthzP99Ms < 50 : undefined),
  });
  return out;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function targetsTable(targets: TargetCheck[]): string {
  return table(
    ['Target', 'Measured', 'Status'],
    targets.map((t) => [
      t.target,
      t.measured,
      `${t.status === 'met' ? '✅ met' : t.status === 'missed' ? '❌ MISSED' : '– not measured'}${t.note ? ` (${t.note})` : ''}`,
    ]),
  );
}

function profileSection(title: string, p: ProfileSummary): string {
  return [
    `**${title}** — ${p.busyMs} ms busy of ${p.sampledMs} ms sampled (sample count × the sampling interval; the rest idle). Top frames by self time:`,
    '',
    table(
      ['Self %', 'Self ms', 'Function (location)'],
      p.self.map((f) => [fmt(f.percent, 1), String(f.ms), `\`${f.frame}\``]),
    ),
    '',
    'Top frames by inclusive time (the frame and everything it called):',
    '',
    table(
      ['Incl. %', 'Incl. ms', 'Function (location)'],
      p.inclusive.map((f) => [fmt(f.percent, 1), String(f.ms), `\`${f.frame}\``]),
    ),
  ].join('\n');
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const s: string[] = [];
  s.push(`Generated by \`${r.command}\` on ${r.date} (${r.mode} mode, ${fmt(r.wallSeconds)} s wall).`);
  s.push('');
  s.push(
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}, kernel ${m.kernel}; load average at start ${m.loadAverage.join(' / ')}. ` +
      "The load generators share these cores with the servers they measure (wrk, or the simulated Envoys in the benchmark process; each server in its own process); every table reports the generator's CPU beside the server's.",
  );
  if (r.mode === 'quick')
    s.push(
      '',
      '> **Quick mode**: small sizes and short runs, for checking the harness; these are not the published figures.',
    );
  if ((m.loadAverage[0] ?? 0) > m.cores) {
    s.push(
      '',
      `> **Busy machine**: the load average (${m.loadAverage[0]}) exceeded the ${m.cores} cores when the run started, so other work competed for the CPU. Absolute req/s and latencies are depressed and noisy; the ratios, the per-request server CPU and the CPU seconds per push hold up better.`,
    );
  }
  s.push('', '### Targets', '', targetsTable(r.targets));
  if (r.api) {
    const a = r.api;
    s.push(
      '',
      '### API throughput and latency',
      '',
      `${a.generator === 'wrk' ? `wrk (one thread, ${a.options.concurrency} keep-alive connections, pre-signed SigV4 requests)` : `${a.options.concurrency} concurrent keep-alive connections from the Node closed loop (${a.generatorNote ?? 'wrk not used'})`}; ${a.options.rounds} interleaved rounds of ${a.options.durationMs / 1000} s (after ${a.options.warmupMs / 1000} s warm-up) per operation and server; medians over the rounds. ` +
        `ListVirtualNodes lists a mesh of ${a.options.nodes} nodes with limit 100. "Server CPU/req" is the server process's CPU time (from /proc) divided by the requests it answered — less sensitive to the shared cores than req/s.`,
      '',
    );
    s.push(
      table(
        [
          'Operation',
          'Server',
          'req/s',
          'p50 ms',
          'p99 ms',
          'Server CPU/req µs',
          'Generator CPU % of a core',
          'Response bytes',
          'Errors',
        ],
        a.summary.map((x) =>
          x.supported
            ? [
                x.op,
                x.target,
                fmt(x.rps),
                fmt(x.p50, 2),
                fmt(x.p99, 2),
                fmt(x.serverCpuUsPerRequest),
                `${fmt(x.generatorCoreShare * 100)}${x.generatorSaturated ? ' (saturated)' : ''}`,
                fmt(x.responseBytes),
                String(x.errors),
              ]
            : [x.op, x.target, 'not supported', '', '', '', '', '', ''],
        ),
      ),
    );
    s.push(
      '',
      table(
        ['Operation', 'appmeshd / moto (req/s)', 'appmeshd / bare (req/s)'],
        a.ratios.map((x) => [
          x.op,
          Number.isFinite(x.appmeshdOverMoto) ? `${fmt(x.appmeshdOverMoto, 1)}×` : '–',
          `${fmt(x.appmeshdOverBare * 100)}%`,
        ]),
      ),
    );
    for (const p of a.profiles ?? []) {
      s.push(
        '',
        profileSection(
          `appmeshd CPU profile (\`node --cpu-prof\`, a separate server) under ${p.op} load only (start-up, seeding and warm-up cut out; ${p.reason})`,
          p.summary,
        ),
      );
    }
  }
  if (r.hostile) {
    s.push(
      '',
      '### Hostile requests',
      '',
      `1 MiB requests of each shape, signed by an IAM user with no permissions (so all their cost is paid before authorization), each sent ${r.hostile.repetitions} times while /healthz is asked one request after another on a keep-alive connection; answer time is the median.`,
      '',
    );
    s.push(
      table(
        ['Shape', 'Bytes', 'Answer', 'ms', '/healthz p99 ms', '/healthz max ms'],
        r.hostile.shapes.map((h) => [
          h.name,
          String(h.bytes),
          `${h.status} ${h.error}`,
          fmt(h.ms, 1),
          fmt(h.healthzP99Ms, 1),
          fmt(h.healthzMaxMs, 1),
        ]),
      ),
    );
  }
  if (r.xds) {
    const x = r.xds;
    s.push('', '### xDS convergence', '');
    if (!x.available) s.push(`Not measured: ${x.note ?? 'unavailable'}.`);
    else {
      s.push(
        `Mesh of M = ${x.options.meshSize} virtual nodes, services, routers and routes, each node with ${x.options.backends} backends (one shared by all); seeded through the API in ${fmt(x.seed?.seconds ?? NaN, 1)} s. ` +
          `N simulated Envoys on real ADS streams (${x.options.streamsPerChannel} streams per gRPC channel, ${x.options.auth === 'sigv4' ? 'SigV4-signed metadata' : 'unauthenticated'}), proxies of virtual node i mod M (so N > M means several replicas per node). ` +
          `One push = UpdateRoute on the shared service's route (weights 50/50 ↔ 80/20); convergence per stream = from sending the API request until the stream ACKed the first response that changed a resource. ` +
          `A local change = UpdateRoute on the route of a service only the nodes listed in its callers use (the streams of those nodes are timed; every other stream must receive nothing). ` +
          `The bare xDS server (bench/bare-xds-server.ts: grpc-js, pre-encoded responses of one proxy as appmeshd encoded them, the same update swapped in) gets the same N streams and ACK behaviour right after, as the transport's limit. ` +
          `Medians over ${x.options.pushes} pushes; CPU at rest is measured over ${x.options.restMs / 1000} s with every stream connected and idle.${x.note ? ` Note: ${x.note}.` : ''}`,
        '',
      );
      s.push(
        table(
          [
            'N',
            'Mode',
            'Initial sync (all)',
            'p50 ms',
            'p99 ms',
            'max ms',
            'Push CPU s (server / generator)',
            'Bare xDS p50 / p99 ms (its CPU s)',
            'Local change: streams, p50 / p99 ms, server CPU ms, changes elsewhere',
            'Peak RSS MiB',
            'Rest CPU % core (wakeups/s)',
            'Rest RSS MiB',
            'Idle before any stream: CPU % (wakeups/s) / RSS MiB',
            'Failed',
          ],
          x.runs.map((r) => [
            String(r.n),
            r.mode,
            `${fmt(r.sync.totalMs)} ms`,
            fmt(r.p50),
            fmt(r.p99),
            fmt(r.max),
            `${fmt(r.pushCpuSeconds, 2)} / ${fmt(median(r.pushes.map((p) => p.generatorCpuSeconds)), 2)}`,
            r.bare ? `${fmt(r.bare.p50)} / ${fmt(r.bare.p99)} (${fmt(r.bare.pushCpuSeconds, 2)})` : '–',
            r.local
              ? `${r.local.affectedStreams}, ${fmt(r.local.p50)} / ${fmt(r.local.p99)}, ${fmt(r.local.pushCpuSeconds * 1000)}, ${r.local.outsideChanges}`
              : '–',
            fmt(r.peakRssMiB),
            `${fmt(r.rest.cpuPercentOfCore, 2)} (${fmt(r.rest.mainThreadWakeupsPerSecond)})`,
            fmt(r.rest.rssMiB),
            r.idleNoStreams
              ? `${fmt(r.idleNoStreams.cpuPercentOfCore, 2)} (${fmt(r.idleNoStreams.mainThreadWakeupsPerSecond)}) / ${fmt(r.idleNoStreams.rssMiB)}`
              : '',
            String(r.sync.failed + Math.max(0, ...r.pushes.map((p) => p.failed))),
          ]),
        ),
      );
      if (x.profile) {
        const pr = x.profile;
        s.push(
          '',
          `CPU profile of appmeshd (\`node --cpu-prof\`) over a separate ${pr.mode} N = ${pr.n} run, cut into its phases (${pr.reason}); profiling slows the server, so these times are not comparable with the table above.`,
        );
        s.push(
          '',
          profileSection(
            `During the pushes (${pr.push.windows ?? 0} windows from the API request until the last stream ACKed)`,
            pr.push,
          ),
        );
        s.push('', profileSection(`At rest (all ${pr.n} streams connected and idle)`, pr.rest));
        s.push('', profileSection('Initial sync (all streams connecting at once)', pr.sync));
      }
    }
  }
  if (r.logs) {
    const l = r.logs;
    const o = l.options;
    s.push(
      '',
      '### CloudWatch Logs',
      '',
      `Ingest: ${o.writers} writers, each with one PutLogEvents request in flight (closed loop, keep-alive, SigV4-signed), batches of ${o.batch} events of ${o.messageBytes} bytes into one stream each, ` +
        `for ${o.ingestMs / 1000} s after a 1 s warm-up, on SQLite (WAL, synchronous=FULL: a batch is on disk before it is acknowledged); the stored events are counted back afterwards. ` +
        'Filter: a one-term pattern (`ERROR`, one message in ten) over groups filled through the API; the first page is the median over the rounds; a full scan pages through the whole group.',
      '',
    );
    const i = l.ingest;
    s.push(
      table(
        [
          'events/s',
          'batches/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'server CPU s',
          'generator CPU s',
          'acknowledged / stored events',
        ],
        [
          [
            fmt(i.eventsPerSecond),
            fmt(i.batchesPerSecond, 1),
            fmt(i.p50Ms, 1),
            fmt(i.p99Ms, 1),
            String(i.errors),
            fmt(i.serverCpuSeconds, 1),
            fmt(i.generatorCpuSeconds, 1),
            `${i.events} / ${i.storedEvents}`,
          ],
        ],
      ),
    );
    s.push(
      '',
      table(
        [
          'Group events',
          'First page ms',
          'First page events',
          'Full scan ms',
          'Pages',
          'Matches',
          'RSS before MiB',
          'RSS peak MiB',
        ],
        l.filter.map((f) => [
          fmt(f.groupEvents),
          fmt(f.firstPageMs),
          String(f.firstPageEvents),
          fmt(f.fullScanMs),
          String(f.pages),
          String(f.matches),
          fmt(f.rssBeforeMiB),
          fmt(f.rssPeakMiB),
        ]),
      ),
    );
  }
  if (r.translate) {
    const t = r.translate;
    s.push('', '### Translation cost', '');
    if (!t.available) s.push(`Not measured: ${t.note ?? 'unavailable'}.`);
    else {
      s.push(
        `\`translate(snapshot, proxy)\` in-process on a synthetic snapshot, one sidecar; best of ${t.options.batches} interleaved batches of ~${t.options.batchMs} ms (medians in the JSON). ` +
          '"Cold" uses a new snapshot object per call (translation memoizes per snapshot, so this is what the first proxy after a change pays); "warm" reuses it (every further proxy of that snapshot).',
        '',
      );
      s.push(
        table(
          [
            'Series',
            'Mesh size M',
            'Backends per proxy',
            'Cold µs',
            'Warm µs',
            'Clusters',
            'Route configs',
            'Listeners',
          ],
          t.points.map((p) => [
            p.series === 'mesh' ? 'mesh grows' : 'backends grow',
            String(p.meshSize),
            String(p.backends),
            fmt(p.coldUs),
            fmt(p.warmUs),
            String(p.resources.clusters),
            String(p.resources.routes),
            String(p.resources.listeners),
          ]),
        ),
      );
    }
  }
  return s.join('\n');
}

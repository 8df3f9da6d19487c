// Summarises a V8 .cpuprofile (node --cpu-prof): where the samples fell, by function, self and inclusive.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { repoRoot } from './util.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  frame: string;
  ms: number;
  percent: number;
}
export interface ProfileSummary {
  sampledMs: number;
  busyMs: number;
  self: Frame[];
  inclusive: Frame[];
  windows?: number;
}

/** A time window on the monotonic clock, in µs: V8 profiles and process.hrtime share CLOCK_MONOTONIC on Linux. */
export type Window = [fromUs: number, toUs: number];
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** A location safe to publish: repository-relative, node-internal, or a bare file name. */
function where(url: string): string {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  const root = `${repoRoot}/`;
  if (u.startsWith(root)) return u.slice(root.length);
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + 1);
  if (u.startsWith('/')) u = basename(u);
  return u;
}

const key = (cf: CallFrame) => {
  const loc = where(cf.url);
  return loc ? `${cf.functionName || '(anonymous)'} ${loc}:${cf.lineNumber + 1}` : cf.functionName || '(anonymous)';
};

// '(program)' is native code outside JavaScript (the VM, libuv, add-ons): busy. Only '(idle)' is waiting for events.
const IDLE = new Set(['(idle)']);

/** Summarises the samples of a profile, only those inside `windows` when given. */
export function summarizeProfile(file: string, windows?: readonly Window[], top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let busy = 0;
  // V8 samples on a wall-clock timer: when the machine is overloaded a runnable thread that waits for a core is
  // charged, at the next sample, to whatever frame it was in (often the syscall that woke its peer). Weighting each
  // sample by the nominal interval, not by the time since the previous one, keeps that waiting out of the figures.
  const sortedDeltas = [...p.timeDeltas].filter((d) => d > 0).sort((a, b) => a - b);
  const intervalMs = (sortedDeltas[sortedDeltas.length >> 1] ?? 1000) / 1000;
  let ts = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const deltaUs = p.timeDeltas[i] ?? 0;
    ts += deltaUs;
    if (windows && !windows.some(([a, b]) => ts >= a && ts <= b)) continue;
    const dt = intervalMs;
    total += dt;
    const node = byId.get(p.samples[i]!);
    if (!node) continue;
    const k = key(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    if (IDLE.has(node.callFrame.functionName)) continue;
    busy += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const kk = key(n.callFrame);
      if (n.callFrame.functionName === '(root)' || seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const rank = (m: Map<string, number>, skipIdle: boolean): Frame[] =>
    [...m.entries()]
      .filter(([k]) => !skipIdle || !IDLE.has(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, ms]) => ({ frame, ms: Math.round(ms), percent: busy ? Math.round((ms / busy) * 1000) / 10 : 0 }));
  return {
    sampledMs: Math.round(total),
    busyMs: Math.round(busy),
    self: rank(self, true),
    inclusive: rank(incl, true),
    ...(windows ? { windows: windows.length } : {}),
  };
}

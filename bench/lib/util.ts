// Small helpers shared by the benchmark scripts: paths, percentiles, /proc readings, machine description.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file runs from dist/bench/lib/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** Value at quantile q (0..1) of an ascending array (nearest rank). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** A latency record: every sample kept (a few hundred thousand at most), sorted once when summarised. */
export class LatencyRecorder {
  private buf = new Float64Array(1 << 16);
  private n = 0;
  record(value: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = value;
  }
  get count(): number {
    return this.n;
  }
  summary(): { count: number; p50: number; p90: number; p99: number; max: number; mean: number } {
    const s = this.buf.slice(0, this.n).sort();
    let sum = 0;
    for (const v of s) sum += v;
    return {
      count: this.n,
      p50: quantile(s, 0.5),
      p90: quantile(s, 0.9),
      p99: quantile(s, 0.99),
      max: this.n ? s[this.n - 1]! : NaN,
      mean: this.n ? sum / this.n : NaN,
    };
  }
}

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

export interface ProcSample {
  t: number;
  cpuSeconds: number;
  rssBytes: number;
  hwmBytes: number;
  /** Voluntary context switches of the main thread: how often it went to sleep, i.e. woke up. */
  wakeups: number;
}

/** CPU seconds (user + system) and resident memory of a process, from /proc/<pid>/stat and /proc/<pid>/status. */
export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  const wakeups = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return {
    t: performance.now(),
    cpuSeconds: (utime + stime) / ticksPerSecond(),
    rssBytes: kb('VmRSS'),
    hwmBytes: kb('VmHWM'),
    wakeups,
  };
}

/** Samples a process every `intervalMs` until stopped; reports CPU used and peak RSS over the window. */
export function watchProc(
  pid: number,
  intervalMs = 50,
): { stop(): { cpuSeconds: number; wallSeconds: number; peakRssBytes: number; endRssBytes: number } } {
  const first = sampleProc(pid);
  let last = first;
  let peak = first.rssBytes;
  const timer = setInterval(() => {
    try {
      last = sampleProc(pid);
      peak = Math.max(peak, last.rssBytes);
    } catch {
      /* exited */
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        last = sampleProc(pid);
        peak = Math.max(peak, last.rssBytes);
      } catch {
        /* exited */
      }
      return {
        cpuSeconds: last.cpuSeconds - first.cpuSeconds,
        wallSeconds: (last.t - first.t) / 1000,
        peakRssBytes: peak,
        endRssBytes: last.rssBytes,
      };
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
export const mib = (bytes: number) => bytes / 2 ** 20;
export const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

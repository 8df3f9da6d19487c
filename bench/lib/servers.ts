// Starts and stops the processes a benchmark measures: appmeshd, moto_server and a bare node:http server.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, repoRoot, sleep } from './util.js';

export const BENCH_ACCESS_KEY_ID = 'AKIAAPPMESHDBENCH001';
export const BENCH_SECRET_ACCESS_KEY = 'appmeshd-bench-secret-key-000000000000000';
export const BENCH_REGION = 'us-east-1';
export const BENCH_ACCOUNT_ID = '111122223333';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}
export const benchCredentials: Credentials = {
  accessKeyId: BENCH_ACCESS_KEY_ID,
  secretAccessKey: BENCH_SECRET_ACCESS_KEY,
  region: BENCH_REGION,
};

export interface Target {
  name: string;
  pid: number;
  host: string;
  port: number;
  /** Extra ports announced on the ready line (xdsPort for appmeshd). */
  ready: Record<string, unknown>;
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
  });
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await waitExit(child);
  clearTimeout(t);
}

/** Waits for a JSON log line with msg "ready" on stderr; returns it. */
function waitReady(child: ChildProcess, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const tail: string[] = [];
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what} did not become ready:\n${tail.join('\n')}`)), timeoutMs);
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      let entry: Record<string, unknown> | undefined;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        /* not JSON */
      }
      if (entry?.msg === 'ready') {
        clearTimeout(timer);
        res(entry);
      }
    });
    child.stdout?.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited with ${code}:\n${tail.join('\n')}`));
    });
  });
}

export interface AppmeshdOptions {
  dataDir?: string;
  /** Keep the data dir on stop (to restart on the same data). */
  keepData?: boolean;
  args?: string[];
  /** Node flags put before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/**
 * Polls a log file for a JSON line with msg "ready". The server's log goes to a file rather than a pipe so that the
 * benchmark process (which is also the load generator) spends no CPU draining it.
 */
async function waitReadyFile(
  child: ChildProcess,
  file: string,
  what: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.includes('"ready"')) continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === 'ready') return entry;
      } catch {
        /* partial line */
      }
    }
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited with ${child.exitCode ?? child.signalCode}:\n${text.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready:\n${text.slice(-3000)}`);
    await sleep(50);
  }
}

export async function startAppmeshd(
  opts: AppmeshdOptions = {},
): Promise<Target & { dataDir: string; xdsPort: number | undefined; logTail(): string }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'appmeshd-bench-'));
  const logDir = mkdtempSync(join(tmpdir(), 'appmeshd-bench-log-'));
  const logFile = join(logDir, 'stderr.log');
  const fd = openSync(logFile, 'w');
  const args = [
    ...(opts.nodeArgs ?? []),
    join(repoRoot, 'bin', 'appmeshd.js'),
    'serve',
    '--data-dir',
    dataDir,
    '--api-port',
    '0',
    '--xds-port',
    '0',
    '--region',
    BENCH_REGION,
    '--account-id',
    BENCH_ACCOUNT_ID,
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      APPMESHD_ROOT_ACCESS_KEY_ID: BENCH_ACCESS_KEY_ID,
      APPMESHD_ROOT_SECRET_ACCESS_KEY: BENCH_SECRET_ACCESS_KEY,
    },
    stdio: ['ignore', 'ignore', fd],
  });
  closeSync(fd);
  let ready: Record<string, unknown>;
  try {
    ready = await waitReadyFile(child, logFile, 'appmeshd', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(logDir, { recursive: true, force: true });
    throw err;
  }
  const xds = Number(ready.xdsPort);
  return {
    name: 'appmeshd',
    pid: child.pid!,
    host: '127.0.0.1',
    port: Number(ready.apiPort),
    ready,
    dataDir,
    xdsPort: Number.isInteger(xds) && xds > 0 ? xds : undefined,
    /** The last lines of the server's log (for error reports). */
    logTail: () => {
      try {
        return readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        return '';
      }
    },
    async stop() {
      await stopChild(child);
      rmSync(logDir, { recursive: true, force: true });
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitTcp(port: number, child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}`);
    await sleep(100);
  }
}

/** moto's server (python3 -m moto.server), one process, on a free loopback port. */
export async function startMoto(): Promise<Target> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, AWS_DEFAULT_REGION: BENCH_REGION, MOTO_ACCOUNT_ID: BENCH_ACCOUNT_ID },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.resume();
  try {
    await waitTcp(port, child, 'moto_server', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { name: 'moto', pid: child.pid!, host: '127.0.0.1', port, ready: {}, stop: () => stopChild(child) };
}

/** A bare node:http server answering with canned bodies (dist/bench/bare-server.js); `bodiesFile` maps operation → body. */
export async function startBare(bodiesFile: string): Promise<Target> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bench', 'bare-server.js'), bodiesFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await waitReady(child, 'bare server', 20_000);
  return {
    name: 'bare',
    pid: child.pid!,
    host: '127.0.0.1',
    port: Number(ready.apiPort),
    ready,
    stop: () => stopChild(child),
  };
}

/** The bare xDS server (bench/bare-xds-server.ts) serving the resources in `fixtureFile`; `port` is its /push endpoint. */
export async function startBareXds(fixtureFile: string): Promise<Target & { xdsPort: number }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bench', 'bare-xds-server.js'), fixtureFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = await waitReady(child, 'bare xDS server', 20_000);
  return {
    name: 'bare-xds',
    pid: child.pid!,
    host: '127.0.0.1',
    port: Number(ready.apiPort),
    xdsPort: Number(ready.xdsPort),
    ready,
    stop: () => stopChild(child),
  };
}

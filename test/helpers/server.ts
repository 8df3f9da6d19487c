// Starts a real appmeshd process for end-to-end tests and tells where it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliPath = join(repoRoot, 'bin', 'appmeshd.js');

export const TEST_ACCESS_KEY_ID = 'AKIAAPPMESHDTEST0001';
export const TEST_SECRET_ACCESS_KEY = 'appmeshd-test-secret-key-0000000000000000';
/** Like the root credentials, one master key for every test server, so replicas of one store agree. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_REGION = 'us-east-1';
export const TEST_ACCOUNT_ID = '111122223333';

export interface RunningServer {
  process: ChildProcess;
  dataDir: string;
  apiPort: number;
  /** Everything the ready log line carried (ports of every component). */
  ready: Record<string, unknown>;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Log lines seen so far (parsed JSON). */
  logs: Record<string, unknown>[];
  /** SIGTERM and wait for exit (SIGKILL after a grace period). */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Removes the data dir (after stop). */
  cleanup(): void;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
  region?: string;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'appmeshd-test-'));
  const region = opts.region ?? TEST_REGION;
  const args = [
    cliPath,
    'serve',
    '--data-dir',
    dataDir,
    '--api-port',
    '0',
    '--xds-port',
    '0',
    '--region',
    region,
    '--account-id',
    TEST_ACCOUNT_ID,
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      APPMESHD_ROOT_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
      APPMESHD_ROOT_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
      APPMESHD_MASTER_KEY: TEST_MASTER_KEY,
      ...(opts.env ?? {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const ownsDataDir = opts.dataDir === undefined;
  const ready = await new Promise<Record<string, unknown>>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`appmeshd did not become ready; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)),
      20_000,
    );
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        entry = { raw: line };
      }
      logs.push(entry);
      if (entry.msg === 'ready') {
        clearTimeout(timer);
        res(entry);
      }
    });
    child.stdout!.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`appmeshd exited with ${code}; logs:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  const apiPort = Number(ready.apiPort);
  return {
    process: child,
    dataDir,
    apiPort,
    ready,
    region,
    logs,
    // https:// when the API speaks TLS (--api-tls*); the ready line says how to reach it.
    endpoint: typeof ready.apiUrl === 'string' ? ready.apiUrl : `http://127.0.0.1:${apiPort}`,
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Environment for running the aws CLI (v1) or boto3 against a test server. */
export function awsEnv(server: RunningServer, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...overrides,
  };
}

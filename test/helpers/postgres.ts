// A throwaway PostgreSQL server for tests.
//
// startTestPostgres():
//  - APPMESHD_TEST_DATABASE_URL set → uses that server (it cannot be stopped/started);
//  - else, if initdb and postgres are found (PATH, then /usr/lib/postgresql/*/bin) →
//    creates a temporary cluster (trust auth, loopback only, a free port, fsync off) and
//    starts it; as root, the server runs as the `postgres` OS user (or `nobody`);
//  - else (or with APPMESHD_TEST_NO_POSTGRES=1) → undefined (callers skip with PG_SKIP_MESSAGE).
// Every server started here is stopped and its directory removed by close(), and also
// when the test process exits.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export const PG_SKIP_MESSAGE = 'PostgreSQL suite skipped: no server found';

export interface TestPostgres {
  /** URL of the server's maintenance database (`postgres`). */
  readonly url: string;
  /** True when the server came from APPMESHD_TEST_DATABASE_URL (stop/start unavailable). */
  readonly external: boolean;
  /** True when stop()/start() can be used. */
  readonly controllable: boolean;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database made by createDatabase (terminating its sessions). */
  dropDatabase(url: string): Promise<void>;
  /** Stops the server: 'fast' (default) ends sessions with 57P01, 'immediate' like a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the stopped server again on the same port and data directory. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Stops the server, drops created databases (external) and removes the temporary directory. */
  close(): Promise<void>;
}

const run = promisify(execFile);

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, bin);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Directory holding initdb and postgres, or undefined. */
export function findPostgresBinaries(): { initdb: string; postgres: string } | undefined {
  const initdb = onPath('initdb');
  const postgres = onPath('postgres');
  if (initdb && postgres) return { initdb, postgres };
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  } catch {
    /* none */
  }
  for (const v of versions) {
    const dir = join('/usr/lib/postgresql', v, 'bin');
    try {
      accessSync(join(dir, 'initdb'), constants.X_OK);
      accessSync(join(dir, 'postgres'), constants.X_OK);
      return { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') };
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The unprivileged account to run the server as when we are root. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* none */
  }
  for (const user of ['postgres', 'nobody']) {
    const line = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
    const fields = line?.split(':');
    if (fields?.[2] && fields[3]) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  return { uid: 65534, gid: 65534 };
}

/**
 * A port that was free a moment ago. PostgreSQL cannot listen on port 0 and report what it got,
 * so the port is chosen first; the server is started again on another one when it was taken in
 * between (see startTestPostgres).
 */
async function probablyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

let dbCounter = 0;
function nextDatabaseName(): string {
  return `appmeshd_test_${process.pid}_${Date.now().toString(36)}_${++dbCounter}`;
}

/** Processes and directories to remove if the test process exits without close(). */
const live = new Map<number, string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [pid, dir] of live) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        /* gone */
      }
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      } catch {
        /* best effort */
      }
    }
  });
  // A test process interrupted by a signal still stops its servers (through the exit hook).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => process.exit(code));
  }
}

class ExternalPostgres implements TestPostgres {
  readonly external = true;
  readonly controllable = false;
  readonly running = true;
  private readonly created = new Set<string>();
  constructor(readonly url: string) {}

  async createDatabase(): Promise<string> {
    const name = nextDatabaseName();
    await adminQuery(this.url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    this.created.add(name);
    return withDatabase(this.url, name);
  }

  async dropDatabase(url: string): Promise<void> {
    const name = databaseOf(url);
    await adminQuery(this.url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    this.created.delete(name);
  }

  async stop(): Promise<void> {
    throw new Error('cannot stop an external PostgreSQL server (APPMESHD_TEST_DATABASE_URL)');
  }

  async start(): Promise<void> {
    throw new Error('cannot start an external PostgreSQL server (APPMESHD_TEST_DATABASE_URL)');
  }

  async close(): Promise<void> {
    for (const name of [...this.created]) {
      await adminQuery(this.url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`).catch(
        () => undefined,
      );
    }
    this.created.clear();
  }
}

class LocalPostgres implements TestPostgres {
  readonly external = false;
  readonly controllable = true;
  readonly url: string;
  private proc: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly port: number,
    private readonly account: { uid: number; gid: number } | undefined,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  async createDatabase(): Promise<string> {
    const name = nextDatabaseName();
    await adminQuery(this.url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return withDatabase(this.url, name);
  }

  async dropDatabase(url: string): Promise<void> {
    if (!this.running) return;
    await adminQuery(this.url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseOf(url))} WITH (FORCE)`);
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('test PostgreSQL server is closed');
    if (this.proc) return;
    const log = openSync(join(this.dir, 'server.log'), 'a');
    const proc = spawn(
      this.bin,
      [
        '-D',
        join(this.dir, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
        '-c',
        'shared_buffers=32MB',
      ],
      { stdio: ['ignore', log, log], ...(this.account ?? {}) },
    );
    closeSync(log);
    this.proc = proc;
    live.set(proc.pid!, this.dir);
    this.exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        live.delete(proc.pid!);
        if (this.proc === proc) this.proc = undefined;
        resolve();
      });
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!this.proc) throw new Error(`test PostgreSQL exited during startup; see its server.log:\n${this.logTail()}`);
      try {
        await adminQuery(this.url, 'SELECT 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          await this.stop('immediate');
          throw new Error(`test PostgreSQL did not start in 30s: ${(err as Error).message}\n${this.logTail()}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop('immediate');
    this.closed = true;
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }

  private logTail(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }
}

/**
 * A PostgreSQL server for tests, or undefined when there is none. Call close() when done
 * (an exit hook also cleans up local servers).
 */
export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  const external = process.env.APPMESHD_TEST_DATABASE_URL;
  if (external) return new ExternalPostgres(external);
  if (process.env.APPMESHD_TEST_NO_POSTGRES) return undefined;
  const bins = findPostgresBinaries();
  if (!bins) return undefined;
  const account = serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-pg-'));
  installExitHook();
  try {
    if (account) chownSync(dir, account.uid, account.gid);
    await run(
      bins.initdb,
      [
        '-D',
        join(dir, 'data'),
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      { ...(account ?? {}), timeout: 60_000 },
    );
    if (account) chownSync(dir, account.uid, account.gid);
    for (let attempt = 1; ; attempt++) {
      const server = new LocalPostgres(bins.postgres, dir, await probablyFreePort(), account);
      try {
        await server.start();
        return server;
      } catch (err) {
        if (attempt >= 5 || !/Address already in use/.test((err as Error).message)) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

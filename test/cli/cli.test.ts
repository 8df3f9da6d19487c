// The command line as a new user meets it: usage and exit codes, `--help` for every
// command listing every flag with its default (from the same table the parser uses),
// `version`, and startup failures that are one line and a non-zero exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serveFlags } from '../../src/server/config.js';
import { caFlags } from '../../src/cli/ca-command.js';
import { configDumpFlags, proxiesFlags } from '../../src/cli/admin-client.js';
import type { FlagTable } from '../../src/runtime/flags.js';
import { cliPath, repoRoot } from '../helpers/server.js';

const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-cli-'));
let busy: Server;
let busyPort: number;
before(async () => {
  busy = createServer();
  busyPort = await new Promise<number>((res) =>
    busy.listen(0, '127.0.0.1', () => res((busy.address() as { port: number }).port)),
  );
});
after(() => {
  busy.close();
  rmSync(scratch, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, APPMESHD_DEBUG: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The lines of stderr that are not JSON log lines. */
const plainLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));

function assertOneLineFailure(r: ReturnType<typeof run>, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, `exit ${r.status}: ${r.stderr}`);
  const lines = plainLines(r.stderr);
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

function assertListsFlags(text: string, table: FlagTable): void {
  for (const f of table) {
    const row = text.split('\n').find((l) => l.trimStart().startsWith(`--${f.name}${f.value ? ` ${f.value}` : ''}`));
    assert.ok(row, `--${f.name} is listed:\n${text}`);
    assert.ok(row.includes(`[default: ${f.default}]`), `--${f.name} shows its default: ${row}`);
  }
}

test('appmeshd alone prints usage on stderr and exits 2; --help and help print it on stdout and exit 0', () => {
  const bare = run([]);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /^usage: appmeshd <command>/);
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = run(args);
    assert.equal(r.status, 0, args.join(' '));
    for (const c of ['serve', 'ca', 'proxies', 'config-dump', 'version'])
      assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    assert.match(r.stdout, /exit codes: 0 success, 1 the command failed, 2 usage error/);
  }
  assertOneLineFailure(run(['frobnicate']), 2, /^appmeshd: unknown command frobnicate/);
});

test('every command --help lists each of its flags with the default; help <command> is the same', () => {
  const tables: [string, FlagTable][] = [
    ['serve', serveFlags],
    ['ca', caFlags],
    ['proxies', proxiesFlags],
    ['config-dump', configDumpFlags],
  ];
  for (const [name, table] of tables) {
    const r = run([name, '--help']);
    assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: appmeshd ${name}`));
    assertListsFlags(r.stdout, table);
    assert.equal(run(['help', name]).stdout, r.stdout);
  }
  for (const f of ['api-tls-cert', 'api-tls-key', 'api-tls', 'api-insecure'])
    assert.ok(
      serveFlags.some((s) => s.name === f),
      f,
    );
});

test('version and --version print the package version', () => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const args of [['version'], ['--version']]) {
    const r = run(args);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `appmeshd ${version}\n`);
  }
});

test('usage errors are one line and exit 2', () => {
  assertOneLineFailure(
    run(['serve', '--no-such-flag']),
    2,
    /^appmeshd: Unknown option '--no-such-flag' \(--help lists the flags\)/,
  );
  assertOneLineFailure(run(['serve', '--api-port', 'eighty']), 2, /^appmeshd: --api-port must be a port number/);
  assertOneLineFailure(run(['serve', '--region', 'mars']), 2, /^appmeshd: --region mars is not a region name/);
  assertOneLineFailure(run(['ca', 'extra']), 2, /^appmeshd: Unexpected argument 'extra'/);
});

test('startup failures are one line and exit 1: API port in use, xDS port in use, unreachable database', () => {
  const dataDir = join(scratch, 'serve');
  assertOneLineFailure(
    run(['serve', '--data-dir', dataDir, '--api-port', String(busyPort), '--xds-port', '0']),
    1,
    new RegExp(
      `^appmeshd: cannot listen on 127\\.0\\.0\\.1:${busyPort} \\(the API port\\): the address is already in use`,
    ),
  );
  assertOneLineFailure(
    run(['serve', '--data-dir', dataDir, '--api-port', '0', '--xds-port', String(busyPort)]),
    1,
    new RegExp(
      `^appmeshd: cannot listen on 127\\.0\\.0\\.1:${busyPort} \\(the xDS port\\): the address is already in use`,
    ),
  );
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  assertOneLineFailure(
    run([
      'serve',
      '--data-dir',
      dataDir,
      '--api-port',
      '0',
      '--xds-port',
      '0',
      '--store',
      'postgres://appmeshd@127.0.0.1:1/appmeshd',
    ]),
    1,
    /^appmeshd: PostgreSQL is unavailable: connect ECONNREFUSED 127\.0\.0\.1:1$/,
  );
  assertOneLineFailure(
    run(['serve', '--data-dir', dataDir, '--store', 'mysql://x@y/z']),
    1,
    /^appmeshd: unsupported store URL scheme 'mysql'/,
  );
});

test('proxies and config-dump against an unreachable admin endpoint: one line, exit 1', () => {
  const env = { APPMESHD_ROOT_ACCESS_KEY_ID: 'AKIAAPPMESHDTEST0001', APPMESHD_ROOT_SECRET_ACCESS_KEY: 'x'.repeat(40) };
  assertOneLineFailure(
    run(['proxies', '--endpoint', 'http://127.0.0.1:1'], env),
    1,
    /^appmeshd: cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED/,
  );
  assertOneLineFailure(
    run(['config-dump', 'mesh/m/virtualNode/n', '--endpoint', 'http://127.0.0.1:1'], env),
    1,
    /^appmeshd: cannot reach http:\/\/127\.0\.0\.1:1/,
  );
  assertOneLineFailure(
    run(['proxies', '--endpoint', 'not a url'], env),
    2,
    /^appmeshd: --endpoint not a url: expected http:\/\/HOST:PORT/,
  );
});

test('appmeshd ca refuses a data directory with no server state and creates nothing', () => {
  const missing = join(scratch, 'never-served');
  assertOneLineFailure(
    run(['ca', '--data-dir', missing]),
    1,
    /does not exist: start appmeshd serve --data-dir .* first/,
  );
  assert.equal(existsSync(missing), false, 'no directory was created');
  const empty = mkdtempSync(join(scratch, 'empty-'));
  assertOneLineFailure(run(['ca', '--data-dir', empty]), 1, /holds no endpoint CA/);
  assert.deepEqual(readdirSync(empty), [], 'no CA was created');
});

test('README documents the exit codes and every serve flag', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  assert.match(readme, /exit code/i);
  for (const code of ['`0`', '`1`', '`2`']) assert.ok(readme.includes(code), `README names exit code ${code}`);
  for (const f of serveFlags) assert.ok(readme.includes(`\`--${f.name}`), `README documents --${f.name}`);
});

// The package as a user installs it: `npm pack`, then `npm install -g --prefix <tmp>` of the
// tarball (production dependencies only, so @grpc/grpc-js-xds is absent), then the
// `appmeshd` that lands on PATH prints its version and serves: the ready line, and a request
// signed by the aws CLI using only the AWS config and credentials files it wrote.
//
// better-sqlite3's install script (prebuild-install, else node-gyp) would compile SQLite from
// source without network access to its prebuilt binaries: about 1.5 CPU-minutes, which would
// dominate the suite. So the test hands prebuild-install a local prebuild packed from the
// addon this checkout already built (the same mechanism as a downloaded prebuild). Set
// APPMESHD_TEST_PACK_FROM_SOURCE=1 to compile it instead.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/server.js';
import { awsBinary } from '../helpers/aws-cli.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-pack-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** prebuild-install's file name for this platform's better-sqlite3 binary, packed from the built addon. */
async function localPrebuild(dir: string): Promise<string> {
  const pkgDir = join(repoRoot, 'node_modules', 'better-sqlite3');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; version: string };
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
    ?.glibcVersionRuntime;
  const util = require(join(repoRoot, 'node_modules', 'prebuild-install', 'util.js')) as {
    getDownloadUrl(o: Record<string, unknown>): string;
  };
  const url = util.getDownloadUrl({
    pkg,
    runtime: 'node',
    abi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    libc: glibc ? '' : 'musl',
  });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, url.slice(url.lastIndexOf('/') + 1));
  await run('tar', ['czf', file, '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  return dir;
}

test('npm pack → npm install -g --prefix → appmeshd version and appmeshd serve from PATH', {
  timeout: 15 * 60_000,
}, async (t) => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, any>;
  assert.equal(manifest.private, undefined, 'the package is publishable');
  assert.equal(manifest.scripts.prepack, 'npm run build', 'npm pack builds first');
  assert.equal(manifest.dependencies['@grpc/grpc-js-xds'], undefined, '@grpc/grpc-js-xds is not a runtime dependency');
  assert.ok(manifest.devDependencies['@grpc/grpc-js-xds']);

  // dist/ is fresh (the test command builds first), so prepack's build is skipped here.
  const started = Date.now();
  const { stdout: packed } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [info] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  const paths = info!.files.map((f) => f.path);
  for (const p of [
    'bin/appmeshd.js',
    'dist/src/cli/main.js',
    'dist/console-ui/app.js',
    'package.json',
    'README.md',
    'vendor/xds-protos/envoy-api/envoy/service/discovery/v3/ads.proto',
  ]) {
    assert.ok(paths.includes(p), `${p} is in the package`);
  }
  for (const prefix of ['models/', 'dist/test/', 'dist/bench/', 'src/', 'test/', 'scripts/', 'node_modules/']) {
    assert.ok(!paths.some((p) => p.startsWith(prefix)), `nothing under ${prefix} is in the package`);
  }
  assert.ok(
    !paths.some((p) => p.startsWith('dist/src/') && p.endsWith('.map')),
    'no server source maps (their sources are not shipped)',
  );

  const prefix = join(scratch, 'prefix');
  const fromSource = process.env.APPMESHD_TEST_PACK_FROM_SOURCE === '1';
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false' };
  if (!fromSource) env.npm_config_better_sqlite3_local_prebuilds = await localPrebuild(join(scratch, 'prebuilds'));
  await run(
    npm,
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--allow-scripts=better-sqlite3',
      join(scratch, info!.filename),
    ],
    { env, cwd: scratch, maxBuffer: 64 * 1024 * 1024, timeout: 14 * 60_000 },
  );
  t.diagnostic(
    `pack + install took ${Math.round((Date.now() - started) / 1000)} s (better-sqlite3 ${fromSource ? 'compiled from source' : 'from a local prebuild'})`,
  );

  const installed = join(prefix, 'lib', 'node_modules', 'appmeshd');
  assert.ok(existsSync(join(prefix, 'bin', 'appmeshd')), "appmeshd is on the prefix's PATH");
  assert.ok(!existsSync(join(installed, 'node_modules', '@grpc', 'grpc-js-xds')), 'dev dependencies are not installed');
  assert.ok(readdirSync(join(installed, 'node_modules')).includes('better-sqlite3'));

  const userEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
  };
  for (const k of [
    'APPMESHD_ROOT_ACCESS_KEY_ID',
    'APPMESHD_ROOT_SECRET_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_CA_BUNDLE',
  ])
    delete userEnv[k];
  const { stdout: version } = await run('appmeshd', ['version'], { env: userEnv, cwd: scratch });
  assert.equal(version, `appmeshd ${manifest.version}\n`);

  const dataDir = join(scratch, 'data');
  const child = spawn(
    'appmeshd',
    ['serve', '--data-dir', dataDir, '--api-port', '0', '--xds-port', '0', '--region', 'ap-southeast-2'],
    {
      env: userEnv,
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ready line')), 30_000);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === 'ready') {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          /* not a log line */
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`appmeshd serve exited with ${code}`));
      });
    });
    assert.equal(ready.region, 'ap-southeast-2');
    assert.ok(Number(ready.xdsPort) > 0, 'the xDS server loaded the vendored protos and listens');
    assert.equal(ready.configFile, join(dataDir, 'config'));

    const aws = await awsBinary();
    const { stdout } = await run(aws, ['appmesh', 'create-mesh', '--mesh-name', 'installed', '--output', 'json'], {
      env: {
        ...userEnv,
        AWS_CONFIG_FILE: join(dataDir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'credentials'),
        AWS_PROFILE: 'appmeshd',
        AWS_PAGER: '',
      },
    });
    assert.match(
      (JSON.parse(stdout) as { mesh: { metadata: { arn: string } } }).mesh.metadata.arn,
      /^arn:aws:appmesh:ap-southeast-2:\d{12}:mesh\/installed$/,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

// The Envoy/xDS protos come from the repository (vendor/xds-protos/), not from a private
// folder of @grpc/grpc-js-xds, and the vendored tree is exactly what the server loads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { envoyIncludeDirs, loadEnvoyProtos } from '../../src/xds/protos/load.js';
import { VENDORED_PROTOS_ROOT } from '../../src/xds/proto-files.js';
import { repoRoot } from '../helpers/server.js';

const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-protos-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const script = join(repoRoot, 'scripts', 'vendor-xds-protos.mjs');
const check = (dir?: string) =>
  spawnSync(process.execPath, [script, '--check', ...(dir ? ['--vendor', dir] : [])], { encoding: 'utf8' });

test('the server loads the Envoy protos from vendor/xds-protos in the repository', () => {
  assert.equal(VENDORED_PROTOS_ROOT, join(repoRoot, 'vendor', 'xds-protos'));
  const dirs = envoyIncludeDirs();
  assert.ok(
    dirs.slice(0, -1).every((d) => d.startsWith(VENDORED_PROTOS_ROOT)),
    dirs.join(', '),
  );
  assert.ok(!dirs.some((d) => d.includes('grpc-js-xds')), 'no include directory inside @grpc/grpc-js-xds');
  assert.ok(loadEnvoyProtos().lookupType('envoy.config.cluster.v3.Cluster'));
});

test('the vendor check passes on the repository and fails on a missing, an extra or a changed file', () => {
  const ok = check();
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /every import resolves/);

  const missing = join(scratch, 'missing');
  cpSync(VENDORED_PROTOS_ROOT, missing, { recursive: true });
  unlinkSync(join(missing, 'envoy-api', 'envoy', 'config', 'core', 'v3', 'address.proto'));
  const r1 = check(missing);
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /unresolved import: envoy\/config\/core\/v3\/address\.proto/);

  const extra = join(scratch, 'extra');
  cpSync(VENDORED_PROTOS_ROOT, extra, { recursive: true });
  writeFileSync(join(extra, 'envoy-api', 'unused.proto'), 'syntax = "proto3";\n');
  const r2 = check(extra);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /not loaded by the server, yet vendored: envoy-api\/unused\.proto/);

  const changed = join(scratch, 'changed');
  cpSync(VENDORED_PROTOS_ROOT, changed, { recursive: true });
  writeFileSync(join(changed, 'envoy-api', 'envoy', 'service', 'discovery', 'v3', 'ads.proto'), 'syntax = "proto3";\n');
  const r3 = check(changed);
  assert.equal(r3.status, 1);
  assert.match(
    r3.stderr,
    /differs from @grpc\/grpc-js-xds: envoy-api\/envoy\/service\/discovery\/v3\/ads\.proto|not in @grpc\/grpc-js-xds's closure|missing:/,
  );
});

// The checks npm test runs before any test: each must refuse what it claims to refuse. A copy of the repository's
// Biome configuration is run over small files that break one rule each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

/** Runs `biome ci` with the repository's configuration over `files` (paths relative to a fresh tree). */
function biomeCi(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-gates-'));
  try {
    copyFileSync(join(root, 'biome.json'), join(dir, 'biome.json'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(biome, ['ci', '--colors=off', '--vcs-enabled=false', '.'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const clean = 'export const one = 1;\n';

test('a clean file passes the gate (so the refusals below are about their rule)', () => {
  const r = biomeCi({ 'src/appmesh/ok.ts': clean });
  assert.equal(r.status, 0, r.output);
});

test('an import cycle fails, type-only imports included', () => {
  const r = biomeCi({
    'src/appmesh/a.ts': "import type { B } from './b.js';\nexport interface A {\n  b?: B;\n}\n",
    'src/appmesh/b.ts': "import type { A } from './a.js';\nexport interface B {\n  a?: A;\n}\n",
  });
  assert.notEqual(r.status, 0);
  assert.match(r.output, /noImportCycles/);
});

test('unformatted code fails', () => {
  const r = biomeCi({ 'src/appmesh/ugly.ts': 'export const one  =  1\n' });
  assert.notEqual(r.status, 0);
  assert.match(r.output, /format/);
});

test('lint errors fail: explicit any in src, a floating promise', () => {
  const any = biomeCi({ 'src/appmesh/any.ts': 'export const f = (x: any): unknown => x;\n' });
  assert.notEqual(any.status, 0);
  assert.match(any.output, /noExplicitAny/);
  const floating = biomeCi({
    'src/appmesh/floating.ts': 'export async function g(): Promise<void> {}\nexport function h(): void {\n  g();\n}\n',
  });
  assert.notEqual(floating.status, 0);
  assert.match(floating.output, /noFloatingPromises/);
});

test('the layer rules fail: runtime importing upward, a domain importing the composition root', () => {
  const runtime = biomeCi({
    'src/runtime/up.ts': "export { one } from '../appmesh/ok.js';\n",
    'src/appmesh/ok.ts': clean,
  });
  assert.notEqual(runtime.status, 0);
  assert.match(runtime.output, /noRestrictedImports/);
  const root = biomeCi({
    'src/appmesh/wiring.ts': "export { one } from '../server/config.js';\n",
    'src/server/config.ts': clean,
  });
  assert.notEqual(root.status, 0);
  assert.match(root.output, /noRestrictedImports/);
});

test('the type-assertion ceiling fails when src holds more assertions than it allows', () => {
  const count = (max: string) =>
    spawnSync(process.execPath, [join(root, 'scripts', 'count-casts.mjs'), '--max', max], { encoding: 'utf8' });
  const listed = count('100000');
  assert.equal(listed.status, 0, listed.stderr);
  const total = Number(/total\s+(\d+)/.exec(listed.stdout)?.[1]);
  assert.ok(total > 0, listed.stdout);
  assert.equal(count(String(total)).status, 0);
  assert.equal(count(String(total - 1)).status, 1);
});

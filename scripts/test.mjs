#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Node 20 treats every .js file under a `test` directory as a test when given a folder,
// which would also run fixtures and helper programs, so the files are listed explicitly.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = find(join(root, 'dist', 'test'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files found (run npm run build first)');
  process.exit(1);
}
// A hung test must fail, named, instead of stalling the run. Node 20 applies --test-timeout to
// each test file as a whole (the file is reported as timed out, after the tests that passed),
// so this is sized for the slowest file, the Terraform suite, on a loaded 2-core machine.
const timeoutMs = Number(process.env.APPMESHD_TEST_TIMEOUT_MS ?? 15 * 60_000);
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', `--test-timeout=${timeoutMs}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

#!/usr/bin/env node
// Counts type assertions (`x as T`, not `as const`) in src/ outside generated code, per folder, with Biome's
// structural search: node scripts/count-casts.mjs [--max N] (exits 1 above N). Explicit `any` is a lint error.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = execFileSync(
  join(root, 'node_modules', '.bin', 'biome'),
  ['search', '--colors=off', '--max-diagnostics=100000', '--reporter=json', '`$x as $t`', 'src'],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
const lines = new Map();
const source = (path) => {
  let l = lines.get(path);
  if (!l) lines.set(path, (l = readFileSync(join(root, path), 'utf8').split('\n')));
  return l;
};
const byFolder = new Map();
let total = 0;
for (const d of JSON.parse(out).diagnostics) {
  const { path, start, end } = d.location;
  const text = source(path)
    .slice(start.line - 1, end.line)
    .join('\n');
  if (/\bas\s+const\s*$/.test(text.slice(0, text.length - (source(path)[end.line - 1].length - end.column + 1))))
    continue;
  total++;
  const folder = path.split('/')[1];
  byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
}
for (const [k, v] of [...byFolder].sort((x, y) => y[1] - x[1])) console.log(`${k.padEnd(12)} ${v}`);
console.log(`total        ${total}`);
const max = process.argv.indexOf('--max');
if (max > 0 && total > Number(process.argv[max + 1])) process.exit(1);

#!/usr/bin/env node
// Vendors the Envoy/xDS protos the server loads into vendor/xds-protos/: only the transitive
// closure of the files listed in src/xds/proto-files.ts, copied from the deps/ folder of the
// installed @grpc/grpc-js-xds package (a dev dependency).
//   node scripts/vendor-xds-protos.mjs          refresh vendor/xds-protos/
//   node scripts/vendor-xds-protos.mjs --check  fail unless every import of the vendored files
//                                               resolves, no file is extra, and (when the package
//                                               is installed) the files equal what a refresh writes
// Needs a build (npm run build): the list of files comes from dist/src/xds/proto-files.js.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const listFile = join(root, 'dist', 'src', 'xds', 'proto-files.js');
if (!existsSync(listFile)) {
  console.error('vendor-xds-protos: dist/src/xds/proto-files.js is missing; run npm run build first');
  process.exit(1);
}
const { ENVOY_PROTO_FILES, XDS_SERVICE_PROTO_FILES, VENDORED_PROTO_DIRS } = await import(listFile);
const roots = [...new Set([...ENVOY_PROTO_FILES, ...XDS_SERVICE_PROTO_FILES])];
// --vendor DIR checks or writes another tree (the tests use it to see the check fail).
const vendorArg = process.argv.indexOf('--vendor');
const vendorRoot = vendorArg > 0 ? resolve(process.argv[vendorArg + 1]) : join(root, 'vendor', 'xds-protos');
const protobufjsDir = dirname(require.resolve('protobufjs/package.json'));
const protobuf = require('protobufjs');
/** Well-known types protobufjs carries built in (google/protobuf/*.proto) or as files. */
const providedByProtobufjs = (file) => Object.hasOwn(protobuf.common, file) || existsSync(join(protobufjsDir, file));

const IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/** The closure of `roots` over `base/<dir>` include directories: relative path → { dir, text }. */
function closure(base) {
  const found = new Map();
  const unresolved = [];
  const queue = roots.map((f) => ({ file: f, from: '(root list)' }));
  const seen = new Set();
  while (queue.length) {
    const { file, from } = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const dir = VENDORED_PROTO_DIRS.find((d) => existsSync(join(base, d, file)));
    if (!dir) {
      if (!providedByProtobufjs(file)) unresolved.push(`${file} (imported by ${from})`);
      continue;
    }
    const text = readFileSync(join(base, dir, file), 'utf8');
    found.set(file, { dir, text });
    for (const m of text.matchAll(IMPORT)) queue.push({ file: m[1], from: file });
  }
  return { found, unresolved };
}

function listTree(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? listTree(p) : [p];
  });
}

function sourceDeps() {
  try {
    return join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  } catch {
    return undefined;
  }
}

const fail = (lines) => {
  console.error(
    `vendor-xds-protos --check failed:\n  ${lines.join('\n  ')}\nrun node scripts/vendor-xds-protos.mjs to refresh`,
  );
  process.exit(1);
};

if (process.argv.includes('--check')) {
  const { found, unresolved } = closure(vendorRoot);
  const problems = unresolved.map((u) => `unresolved import: ${u}`);
  const expected = new Set([...found].map(([f, { dir }]) => join(dir, f)));
  for (const p of listTree(vendorRoot)) {
    const rel = relative(vendorRoot, p);
    if (rel.endsWith('.proto') && !expected.has(rel)) problems.push(`not loaded by the server, yet vendored: ${rel}`);
  }
  const deps = sourceDeps();
  if (deps) {
    const upstream = closure(deps).found;
    for (const [f, { dir, text }] of upstream) {
      const mine = found.get(f);
      if (!mine) problems.push(`missing: ${join(dir, f)}`);
      else if (mine.dir !== dir || mine.text !== text) problems.push(`differs from @grpc/grpc-js-xds: ${join(dir, f)}`);
    }
    for (const f of found.keys()) if (!upstream.has(f)) problems.push(`not in @grpc/grpc-js-xds's closure: ${f}`);
  }
  if (problems.length) fail(problems);
  console.log(
    `vendor/xds-protos: ${found.size} files, every import resolves${deps ? ', identical to @grpc/grpc-js-xds' : ' (@grpc/grpc-js-xds not installed: contents not compared)'}`,
  );
} else {
  const deps = sourceDeps();
  if (!deps) {
    console.error('vendor-xds-protos: @grpc/grpc-js-xds is not installed (npm install)');
    process.exit(1);
  }
  const { found, unresolved } = closure(deps);
  if (unresolved.length) fail(unresolved.map((u) => `unresolved import: ${u}`));
  for (const d of VENDORED_PROTO_DIRS) rmSync(join(vendorRoot, d), { recursive: true, force: true });
  for (const [f, { dir, text }] of found) {
    const out = join(vendorRoot, dir, f);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  }
  const version = JSON.parse(readFileSync(join(deps, '..', 'package.json'), 'utf8')).version;
  console.log(`vendor/xds-protos: ${found.size} files from @grpc/grpc-js-xds ${version}`);
}

#!/usr/bin/env node
// Refreshes models/aws/ from the service models that botocore (the PyPI package boto3 and
// the AWS CLI are built on) ships: documentation text is dropped, so only shapes, traits
// and constraints remain. The generator reads models/aws/ only; run this after upgrading
// botocore, then `npm run codegen`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'models', 'aws');

// botocore's folder name and API version of each service appmeshd speaks.
const models = [
  ['appmesh', '2019-01-25'],
  ['ec2', '2016-11-15'],
  ['iam', '2010-05-08'],
  ['logs', '2014-03-28'],
  ['servicediscovery', '2017-03-14'],
  ['sts', '2011-06-15'],
];
const DROP = new Set(['documentation', 'documentationUrl']);

function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, v] of Object.entries(value)) if (!DROP.has(key)) out[key] = strip(v);
    return out;
  }
  return value;
}

function readModelFile(path) {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
  return undefined;
}

const botocoreData =
  process.env.BOTOCORE_DATA_DIR ??
  join(
    execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
    }).trim(),
    'data',
  );
mkdirSync(outDir, { recursive: true });
for (const [name, version] of models) {
  const dir = join(botocoreData, name, version);
  const service = readModelFile(join(dir, 'service-2.json'));
  if (!service) throw new Error(`no model for ${name} ${version} in botocore's data`);
  writeFileSync(join(outDir, `${name}-${version}.json`), `${JSON.stringify(strip(JSON.parse(service)), null, 1)}\n`);
  const paginators = readModelFile(join(dir, 'paginators-1.json'));
  if (paginators)
    writeFileSync(
      join(outDir, `${name}-${version}.paginators.json`),
      `${JSON.stringify(JSON.parse(paginators), null, 1)}\n`,
    );
  console.log(`models/aws/${name}-${version}.json`);
}

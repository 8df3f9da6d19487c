// The data directory's AWS config file joins the generated credentials: with only
// AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE set, the aws CLI, boto3 and
// SDK v3 find the region (the server's --region, not us-east-1) and the endpoint URL, and
// over --api-tls auto the CLI and boto3 also find the CA bundle (SDK v3 does not read
// ca_bundle; it trusts NODE_EXTRA_CA_CERTS).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { repoRoot, startServer, type RunningServer } from '../helpers/server.js';
import { awsBinary } from '../helpers/aws-cli.js';

const run = promisify(execFile);
const servers: RunningServer[] = [];
after(async () => {
  for (const s of servers) {
    await s.stop();
    s.cleanup();
  }
});

/** A server with generated root credentials (none in its environment). */
async function generated(args: string[]): Promise<RunningServer> {
  const s = await startServer({
    region: 'eu-north-1',
    args,
    env: { APPMESHD_ROOT_ACCESS_KEY_ID: '', APPMESHD_ROOT_SECRET_ACCESS_KEY: '' },
  });
  servers.push(s);
  return s;
}

/** Only what the README tells a user to set: no region, no endpoint, no keys from elsewhere. */
function userEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^AWS_/.test(k) || k === 'NODE_EXTRA_CA_CERTS') delete env[k];
  return {
    ...env,
    AWS_CONFIG_FILE: join(dataDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'credentials'),
    AWS_PROFILE: 'appmeshd',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const SDK_SCRIPT = `
import { AppMeshClient, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
const c = new AppMeshClient({});
const out = await c.send(new ListMeshesCommand({}));
console.log(JSON.stringify({ region: await c.config.region(), meshes: out.meshes.map((m) => m.arn) }));
`;

async function sdk(env: NodeJS.ProcessEnv): Promise<{ region: string; meshes: string[] }> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SDK_SCRIPT], { env, cwd: repoRoot });
  return JSON.parse(stdout) as { region: string; meshes: string[] };
}

async function boto3(env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stdout } = await run(
    'python3',
    [
      '-c',
      'import boto3, json; print(json.dumps([m["arn"] for m in boto3.client("appmesh").list_meshes()["meshes"]]))',
    ],
    { env },
  );
  return JSON.parse(stdout) as string[];
}

test('plain HTTP: the config file gives the CLI, boto3 and SDK v3 the region and endpoint_url', async () => {
  const s = await generated([]);
  const dataDir = s.dataDir;
  assert.equal(s.ready.configFile, join(dataDir, 'config'));
  assert.equal(statSync(join(dataDir, 'config')).mode & 0o777, 0o600);
  const text = readFileSync(join(dataDir, 'config'), 'utf8');
  assert.match(text, /^\[profile appmeshd\]$/m);
  assert.match(text, /^region = eu-north-1$/m);
  assert.match(text, new RegExp(`^endpoint_url = http://127\\.0\\.0\\.1:${s.apiPort}$`, 'm'));

  const env = userEnv(dataDir);
  const { stdout } = await run(
    await awsBinary(),
    ['appmesh', 'create-mesh', '--mesh-name', 'from-config', '--output', 'json'],
    { env },
  );
  const arn = (JSON.parse(stdout) as { mesh: { metadata: { arn: string } } }).mesh.metadata.arn;
  assert.match(arn, /^arn:aws:appmesh:eu-north-1:/);
  assert.deepEqual(await boto3(env), [arn]);
  assert.deepEqual(await sdk(env), { region: 'eu-north-1', meshes: [arn] });
});

test('--api-tls auto: ca_bundle in the config file serves the CLI and boto3; SDK v3 with NODE_EXTRA_CA_CERTS', async () => {
  const s = await generated(['--api-tls', 'auto']);
  const text = readFileSync(join(s.dataDir, 'config'), 'utf8');
  assert.match(text, new RegExp(`^endpoint_url = https://127\\.0\\.0\\.1:${s.apiPort}$`, 'm'));
  assert.match(text, new RegExp(`^ca_bundle = ${join(s.dataDir, 'ca', 'ca.pem').replace(/\./g, '\\.')}$`, 'm'));
  const env = userEnv(s.dataDir);
  const { stdout } = await run(
    await awsBinary(),
    ['appmesh', 'create-mesh', '--mesh-name', 'tls-config', '--output', 'json'],
    { env },
  );
  const arn = (JSON.parse(stdout) as { mesh: { metadata: { arn: string } } }).mesh.metadata.arn;
  assert.deepEqual(await boto3(env), [arn]);
  await assert.rejects(sdk(env), /self[- ]signed|certificate/i, 'SDK v3 ignores ca_bundle');
  assert.deepEqual(await sdk(userEnv(s.dataDir, { NODE_EXTRA_CA_CERTS: join(s.dataDir, 'ca', 'ca.pem') })), {
    region: 'eu-north-1',
    meshes: [arn],
  });

  // The admin commands find the URL, region, CA and credentials from --data-dir alone.
  const adminEnv = userEnv(s.dataDir);
  for (const k of [
    'APPMESHD_ROOT_ACCESS_KEY_ID',
    'APPMESHD_ROOT_SECRET_ACCESS_KEY',
    'APPMESHD_ENDPOINT',
    'APPMESHD_REGION',
  ])
    delete adminEnv[k];
  const { stdout: proxies } = await run(
    process.execPath,
    [join(repoRoot, 'bin', 'appmeshd.js'), 'proxies', '--data-dir', s.dataDir],
    { env: adminEnv },
  );
  assert.equal(proxies, 'no connected proxies\n');
});

// SigV4 at the edge, for real: what is refused, with which error code, and that the SDK
// parses each one; plus that no secret ever reaches the logs.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import { startServer, TEST_SECRET_ACCESS_KEY, type RunningServer } from '../helpers/server.js';
import { meshClient, rejectsWith } from '../appmesh/fixtures.js';
import { rawRequest } from '../helpers/raw.js';

let server: RunningServer;
let mesh: AppMesh;

before(async () => {
  server = await startServer();
  mesh = meshClient(server);
  await mesh.createMesh({ meshName: 'auth' });
});
after(async () => {
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

function client(overrides: {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  systemClockOffset?: number;
}): AppMesh {
  return new AppMesh({
    endpoint: server.endpoint,
    region: overrides.region ?? server.region,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? server.credentials.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? server.credentials.secretAccessKey,
    },
    maxAttempts: 1,
    ...(overrides.systemClockOffset !== undefined ? { systemClockOffset: overrides.systemClockOffset } : {}),
  });
}

async function refusedBySdk(c: AppMesh, name: string): Promise<string> {
  try {
    return await rejectsWith(c.listMeshes({}), name, 403);
  } finally {
    c.destroy();
  }
}

test('an unknown access key is a 403 UnrecognizedClientException', async () => {
  await refusedBySdk(client({ accessKeyId: 'AKIAUNKNOWNKEY000000' }), 'UnrecognizedClientException');
  const raw = await rawRequest(server, { path: '/v20190125/meshes', accessKeyId: 'AKIAUNKNOWNKEY000000' });
  assert.equal(raw.status, 403);
  assert.equal(raw.errorType, 'UnrecognizedClientException');
  assert.equal(typeof raw.json?.message, 'string');
});

test('a wrong secret is a 403 InvalidSignatureException', async () => {
  const msg = await refusedBySdk(
    client({ secretAccessKey: 'not-the-secret-not-the-secret-not-the-se' }),
    'InvalidSignatureException',
  );
  assert.match(msg, /signature/i);
});

test('an unsigned request is a 403', async () => {
  const raw = await rawRequest(server, { path: '/v20190125/meshes', sign: false });
  assert.equal(raw.status, 403);
  assert.equal(raw.errorType, 'MissingAuthenticationTokenException');
  const unsigned = new AppMesh({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
    signer: { sign: async (r) => r },
  });
  await refusedBySdk(unsigned, 'MissingAuthenticationTokenException');
  const garbage = await rawRequest(server, {
    path: '/v20190125/meshes',
    sign: false,
    headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' },
  });
  assert.equal(garbage.status, 403);
  assert.equal(garbage.errorType, 'IncompleteSignatureException');
});

test('a request signed for another region is a 403', async () => {
  const msg = await refusedBySdk(client({ region: 'eu-west-1' }), 'InvalidSignatureException');
  assert.match(msg, /region/);
});

test('a request signed for another service name is refused', async () => {
  for (const service of ['notaservice', 'appmesh-preview']) {
    const raw = await rawRequest(server, { path: '/v20190125/meshes', service });
    assert.equal(raw.status, 403, `${service}: ${raw.text}`);
    assert.ok(raw.errorType, 'the refusal is a modeled error');
  }
});

test('clock skew over 15 minutes is refused; under it is accepted', async () => {
  await refusedBySdk(client({ systemClockOffset: -16 * 60_000 }), 'InvalidSignatureException');
  await refusedBySdk(client({ systemClockOffset: 16 * 60_000 }), 'InvalidSignatureException');
  const late = await rawRequest(server, { path: '/v20190125/meshes', now: new Date(Date.now() - 20 * 60_000) });
  assert.equal(late.status, 403);
  const ok = client({ systemClockOffset: -10 * 60_000 });
  assert.ok((await ok.listMeshes({})).meshes);
  ok.destroy();
});

test('a body changed after signing is refused and not applied', async () => {
  const body = JSON.stringify({ meshName: 'signed-name' });
  const raw = await rawRequest(server, {
    method: 'PUT',
    path: '/v20190125/meshes',
    body,
    bodyAfterSigning: JSON.stringify({ meshName: 'evil-name!!' }),
  });
  assert.equal(raw.status, 403);
  assert.equal(raw.errorType, 'InvalidSignatureException');
  await rejectsWith(mesh.describeMesh({ meshName: 'evil-name!!' }), 'NotFoundException');
  await rejectsWith(mesh.describeMesh({ meshName: 'signed-name' }), 'NotFoundException');
});

test('a query string changed after signing is refused', async () => {
  const signed = await rawRequest(server, { path: '/v20190125/meshes', rawQuery: 'limit=5' });
  assert.equal(signed.status, 200);
  const query = await rawRequest(server, {
    path: '/v20190125/meshes',
    rawQuery: 'limit=5',
    rawQueryAfterSigning: 'limit=6',
  });
  assert.equal(query.status, 403);
  assert.equal(query.errorType, 'InvalidSignatureException');
});

test('names that need percent-encoding sign, route and round-trip', async () => {
  for (const name of ['a b', 'plus+sign', 'per%cent', 'tilde~star*', 'ünï', "quote'paren()"]) {
    const vn = await mesh.createVirtualNode({ meshName: 'auth', virtualNodeName: name, spec: {} });
    assert.equal(vn.virtualNode?.virtualNodeName, name);
    assert.equal(
      (await mesh.describeVirtualNode({ meshName: 'auth', virtualNodeName: name })).virtualNode?.virtualNodeName,
      name,
    );
    await mesh.tagResource({ resourceArn: vn.virtualNode!.metadata!.arn!, tags: [{ key: 'k', value: 'v' }] });
    assert.equal((await mesh.listTagsForResource({ resourceArn: vn.virtualNode!.metadata!.arn! })).tags?.length, 1);
    await mesh.deleteVirtualNode({ meshName: 'auth', virtualNodeName: name });
  }
});

test('no secret appears in the logs', async () => {
  // Every request above was logged; the secret and signatures must not be.
  const text = server.logs.map((l) => JSON.stringify(l)).join('\n');
  assert.ok(
    server.logs.some((l) => l.msg === 'request'),
    'requests are logged',
  );
  assert.ok(!text.includes(TEST_SECRET_ACCESS_KEY), 'the secret access key is not logged');
  assert.ok(!/Signature=[0-9a-f]{64}/.test(text), 'signatures are not logged');
  assert.ok(!text.toLowerCase().includes('aws4-hmac-sha256 credential'), 'authorization headers are not logged');
});

test('generated root credentials work, are kept private, and their secret is never logged', async () => {
  const fresh = await startServer({ env: { APPMESHD_ROOT_ACCESS_KEY_ID: '', APPMESHD_ROOT_SECRET_ACCESS_KEY: '' } });
  try {
    const file = join(fresh.dataDir, 'credentials');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    const accessKeyId = /aws_access_key_id = (\S+)/.exec(text)?.[1];
    const secretAccessKey = /aws_secret_access_key = (\S+)/.exec(text)?.[1];
    assert.ok(accessKeyId && secretAccessKey, text.replace(/secret.*/g, ''));
    const own = new AppMesh({
      endpoint: fresh.endpoint,
      region: fresh.region,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    assert.ok((await own.listMeshes({})).meshes);
    own.destroy();
    // The test credentials do not work against this deployment.
    const other = meshClient(fresh);
    await rejectsWith(other.listMeshes({}), 'UnrecognizedClientException', 403);
    other.destroy();
    const logged = fresh.logs.map((l) => JSON.stringify(l)).join('\n');
    assert.ok(logged.includes(file), 'the log says where the credentials are');
    assert.ok(!logged.includes(secretAccessKey), 'the generated secret is not logged');
  } finally {
    await fresh.stop();
    fresh.cleanup();
  }
});

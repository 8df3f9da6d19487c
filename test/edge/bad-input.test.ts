// Bad input at the edge: each gets a clear, modeled error (x-amzn-errortype + JSON message)
// and the server stays up. Also the unauthenticated operational endpoints.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest, type RawResult } from '../helpers/raw.js';
import { poll } from '../helpers/wait.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const MiB = 1024 * 1024;

function clearError(res: RawResult, status: number | number[], type?: string): void {
  const statuses = Array.isArray(status) ? status : [status];
  assert.ok(statuses.includes(res.status), `status ${res.status} (${res.text.slice(0, 300)})`);
  assert.ok(res.errorType, `x-amzn-errortype is set (${res.text.slice(0, 300)})`);
  if (type) assert.equal(res.errorType, type);
  assert.equal(typeof res.json?.message, 'string', `a JSON body with a message: ${res.text.slice(0, 300)}`);
  assert.ok(String(res.json?.message).length < 2000, 'the message does not echo the input');
}

async function stillUp(): Promise<void> {
  const res = await rawRequest(server, { path: '/v20190125/meshes' });
  assert.equal(res.status, 200, res.text);
}

const createMesh = (body: string | Buffer, headers?: Record<string, string>) =>
  rawRequest(server, { method: 'PUT', path: '/v20190125/meshes', body, ...(headers ? { headers } : {}) });

test('malformed JSON', async () => {
  for (const body of ['{"meshName":', '{meshName: "a"}', '{"meshName":"a"} trailing', '\u0000']) {
    const res = await createMesh(body);
    clearError(res, 400, 'BadRequestException');
    assert.match(String(res.json?.message), /JSON/);
  }
  await stillUp();
});

test('JSON that is not an object', async () => {
  for (const body of ['[]', '3', '"mesh"', 'null', 'true']) {
    const res = await createMesh(body);
    clearError(res, 400, 'BadRequestException');
    assert.match(String(res.json?.message), /object/);
  }
  await stillUp();
});

test('wrong content type', async () => {
  const res = await createMesh(JSON.stringify({ meshName: 'ct' }), { 'content-type': 'application/xml' });
  clearError(res, [400, 415], 'BadRequestException');
  assert.match(String(res.json?.message), /content type/i);
  await stillUp();
});

test('a body over 1 MiB is a 413, with a content-length header', async () => {
  const body = JSON.stringify({ meshName: 'big', pad: 'x'.repeat(MiB) });
  const res = await createMesh(body);
  clearError(res, 413);
  await stillUp();
});

test('a body over 1 MiB is a 413, streamed chunked without a content-length', async () => {
  const body = Buffer.from(JSON.stringify({ meshName: 'big', pad: 'x'.repeat(2 * MiB) }));
  const res = await rawRequest(server, { method: 'PUT', path: '/v20190125/meshes', body, chunked: true });
  assert.equal(res.headers['content-length'] !== undefined || res.headers['transfer-encoding'] !== undefined, true);
  clearError(res, 413);
  await stillUp();
});

test('exactly 1 MiB is not refused for size', async () => {
  const head = JSON.stringify({ meshName: 'fits', pad: '' });
  const body = head.replace('"pad":""', `"pad":"${'x'.repeat(MiB - head.length)}"`);
  assert.equal(Buffer.byteLength(body), MiB);
  const res = await createMesh(body);
  assert.equal(res.status, 200, res.text.slice(0, 300));
});

test('unknown paths', async () => {
  for (const path of [
    '/',
    '/nope',
    '/v20190125',
    '/v20190125/meshes/a/b/c/d/e/f',
    '/v20190125/meshes/a/virtualThings',
  ]) {
    const res = await rawRequest(server, { path });
    clearError(res, [400, 404]);
  }
  await stillUp();
});

test('a wrong method on a known path', async () => {
  const res = await rawRequest(server, { method: 'POST', path: '/v20190125/meshes', body: '{}' });
  clearError(res, [404, 405]);
  const patch = await rawRequest(server, { method: 'PATCH', path: '/v20190125/meshes/m' });
  clearError(patch, [404, 405]);
  await stillUp();
});

test('invalid UTF-8 in the body', async () => {
  const body = Buffer.concat([Buffer.from('{"meshName":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
  const res = await createMesh(body);
  clearError(res, 400, 'BadRequestException');
  assert.match(String(res.json?.message), /UTF-8/);
  await stillUp();
});

test('invalid percent-encoding in the path', async () => {
  for (const label of ['%E0%A4%A', '%zz', '%', '%C3%28']) {
    const res = await rawRequest(server, { path: `/v20190125/meshes/${label}` });
    clearError(res, 400, 'BadRequestException');
  }
  await stillUp();
});

test('a 100 KB name, in the body and in the path', async () => {
  const name = 'n'.repeat(100 * 1024);
  const body = await createMesh(JSON.stringify({ meshName: name }));
  clearError(body, 400, 'BadRequestException');
  assert.match(String(body.json?.message), /meshName/);
  const path = await rawRequest(server, { path: `/v20190125/meshes/${name}` }).catch((err: Error) => err);
  // A request line that long is refused before routing; it must still be a clear, modeled error.
  assert.ok(!(path instanceof Error), `the server answers: ${path}`);
  clearError(path as RawResult, [400, 414, 431]);
  await stillUp();
});

test('100,000-deep nesting', async () => {
  const depth = 100_000;
  const deep = '['.repeat(depth) + ']'.repeat(depth);
  const inKnown = await createMesh(`{"meshName":"deep","spec":{"egressFilter":${deep}}}`);
  clearError(inKnown, 400, 'BadRequestException');
  const inUnknown = await createMesh(
    `{"meshName":"deep2","spec":{"unknown":${deep}},"other":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
  );
  // The body's depth is limited before it is parsed, whichever members hold the nesting.
  clearError(inUnknown, 400, 'BadRequestException');
  assert.match(String(inUnknown.json?.message), /nested more than 64 deep/);
  await stillUp();
});

test('unknown members are dropped, not stored and echoed back', async () => {
  const res = await createMesh(
    JSON.stringify({
      meshName: 'extra',
      spec: { egressFilter: { type: 'ALLOW_ALL', color: 'red' }, surprise: 1 },
      other: true,
    }),
  );
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json?.spec, { egressFilter: { type: 'ALLOW_ALL' } });
  const described = await rawRequest(server, { path: '/v20190125/meshes/extra' });
  assert.deepEqual(described.json?.spec, { egressFilter: { type: 'ALLOW_ALL' } });
});

test('a bad query value', async () => {
  const res = await rawRequest(server, { path: '/v20190125/meshes', rawQuery: 'limit=abc' });
  clearError(res, 400, 'BadRequestException');
  await stillUp();
});

function plainGet(path: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.apiPort, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          text: Buffer.concat(chunks).toString(),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

test('/healthz and /readyz answer 200 without auth', async () => {
  assert.equal((await plainGet('/healthz')).status, 200);
  assert.equal((await plainGet('/readyz')).status, 200);
});

test('/metrics is Prometheus text with request counts by operation and status and a latency histogram', async () => {
  await rawRequest(server, { path: '/v20190125/meshes/not-there' });
  const res = await plainGet('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/plain/);
  assert.match(res.text, /# TYPE appmeshd_api_requests_total counter/);
  assert.match(res.text, /appmeshd_api_requests_total\{[^}]*operation="ListMeshes"[^}]*status="200"[^}]*\} \d+/);
  assert.match(res.text, /appmeshd_api_requests_total\{[^}]*operation="DescribeMesh"[^}]*status="404"[^}]*\} 1/);
  assert.match(res.text, /appmeshd_api_requests_total\{[^}]*operation="CreateMesh"[^}]*status="400"[^}]*\} \d+/);
  assert.match(res.text, /# TYPE appmeshd_api_request_duration_seconds histogram/);
  assert.match(
    res.text,
    /appmeshd_api_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*operation="ListMeshes"|appmeshd_api_request_duration_seconds_bucket\{[^}]*operation="ListMeshes"[^}]*le="\+Inf"/,
  );
  assert.match(res.text, /appmeshd_api_request_duration_seconds_count\{[^}]*operation="ListMeshes"/);
});

test('every response carries a request id, and the request log line has the same one', async () => {
  const ok = await rawRequest(server, { path: '/v20190125/meshes' });
  const bad = await rawRequest(server, { path: '/v20190125/meshes/%zz' });
  for (const res of [ok, bad]) {
    const id = res.headers['x-amzn-requestid'];
    assert.ok(typeof id === 'string' && id.length > 0);
    // The log line is written when the response finishes; it reaches the pipe a moment later.
    await poll(() => server.logs.some((l) => l.requestId === id), { until: (seen) => seen, timeoutMs: 1000 });
    const line = server.logs.find((l) => l.requestId === id && l.msg === 'request');
    assert.ok(line, `a request log line for ${id}`);
    assert.equal(line.status, res.status);
  }
});

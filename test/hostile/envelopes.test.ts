// Defects: a 413 (body over 1 MiB) to an EC2 or IAM client came back as JSON, which their
// SDKs cannot read; a client that never finished its headers was answered 400 instead of
// 408. Both are now answered in a form the client understands.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { EC2_VERSION, IAM_VERSION, queryCall, xmlText } from './support.js';

const MiB = 1024 * 1024;
let server: RunningServer;

before(async () => {
  server = await startServer({ args: ['--headers-timeout-ms', '400'] });
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

test('413 to an EC2 client is the EC2 XML error envelope', async () => {
  for (const chunked of [false, true]) {
    const res = await queryCall(
      server,
      'ec2',
      `Action=DescribeVpcs&Version=${EC2_VERSION}&Pad=${'x'.repeat(MiB)}`,
      undefined,
      { chunked },
    );
    assert.equal(res.status, 413, res.text.slice(0, 200));
    assert.match(res.text, /^<\?xml[^>]*>\s*<Response><Errors><Error><Code>InvalidParameterValue<\/Code>/);
  }
});

test('413 to an IAM client is the Query ErrorResponse envelope', async () => {
  const res = await queryCall(server, 'iam', `Action=ListUsers&Version=${IAM_VERSION}&Pad=${'x'.repeat(MiB)}`);
  assert.equal(res.status, 413, res.text.slice(0, 200));
  assert.match(res.text, /^<ErrorResponse/);
  assert.equal(xmlText(res.text, 'Code'), 'ValidationError');
});

test('413 to App Mesh and Cloud Map clients stays JSON', async () => {
  const mesh = await rawRequest(server, {
    method: 'PUT',
    path: '/v20190125/meshes',
    body: JSON.stringify({ meshName: 'x', pad: 'x'.repeat(MiB) }),
  });
  assert.equal(mesh.status, 413);
  assert.equal(mesh.errorType, 'BadRequestException');
  const sd = await rawRequest(server, {
    method: 'POST',
    path: '/',
    service: 'servicediscovery',
    body: JSON.stringify({ pad: 'x'.repeat(MiB) }),
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Route53AutoNaming_v20170314.ListNamespaces',
    },
  });
  assert.equal(sd.status, 413);
  assert.equal(sd.json?.__type, 'InvalidInput');
});

test('a client that does not finish its headers in time gets 408, and the server keeps serving', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(server.apiPort, '127.0.0.1', () =>
      socket.write('GET /v20190125/meshes HTTP/1.1\r\nhost: x\r\nx-slow: '),
    );
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s: ${text}`));
    }, 10_000);
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.match(answer, /x-amzn-errortype: RequestTimeoutException/);
  assert.equal((await rawRequest(server, { path: '/v20190125/meshes' })).status, 200);
});

test('an unparseable HEAD request is answered without a body (found by the fuzzer: the client read the body as garbage)', async () => {
  const { request } = await import('node:http');
  const status = await new Promise<number | string>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.apiPort,
        method: 'HEAD',
        path: `/v20190125/${'x'.repeat(20_000)}`,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (err) => resolve(err.message));
    req.end();
  });
  assert.equal(status, 431);
});

// Defect: X-Amz-Security-Token was ignored, so the root key with a bogus session token was
// accepted (200). appmeshd issues no temporary credentials, so any session token — as a
// header or as a presigned query parameter — is refused in each protocol's own words.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { EC2_VERSION, IAM_VERSION, queryCall, xmlText } from './support.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const TOKEN = 'FwoGZXIvYXdzEBogus//token+value==';

test('root key + a bogus X-Amz-Security-Token header: refused by all four services', async () => {
  const headers = { 'x-amz-security-token': TOKEN };
  const mesh = await rawRequest(server, { path: '/v20190125/meshes', headers });
  assert.equal(mesh.status, 403, mesh.text);
  assert.equal(mesh.errorType, 'UnrecognizedClientException');

  const sd = await rawRequest(server, {
    method: 'POST',
    path: '/',
    service: 'servicediscovery',
    body: '{}',
    headers: {
      ...headers,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Route53AutoNaming_v20170314.ListNamespaces',
    },
  });
  assert.equal(sd.status, 403, sd.text);
  assert.equal(sd.json?.__type, 'UnrecognizedClientException');

  const ec2 = await queryCall(server, 'ec2', `Action=DescribeVpcs&Version=${EC2_VERSION}`, undefined, { headers });
  assert.equal(ec2.status, 403, ec2.text);
  assert.equal(xmlText(ec2.text, 'Code'), 'InvalidClientTokenId');

  const iam = await queryCall(server, 'iam', `Action=ListUsers&Version=${IAM_VERSION}`, undefined, { headers });
  assert.equal(iam.status, 403, iam.text);
  assert.equal(xmlText(iam.text, 'Code'), 'InvalidClientTokenId');
});

test('a session token as a query parameter is refused too', async () => {
  const rawQuery = `X-Amz-Security-Token=${encodeURIComponent(TOKEN)}`;
  const mesh = await rawRequest(server, { path: '/v20190125/meshes', rawQuery });
  assert.equal(mesh.status, 403, mesh.text);
  assert.equal(mesh.errorType, 'UnrecognizedClientException');
  const ec2 = await rawRequest(server, {
    path: '/',
    rawQuery: `Action=DescribeVpcs&Version=${EC2_VERSION}&${rawQuery}`,
    service: 'ec2',
  });
  assert.equal(ec2.status, 403, ec2.text);
  assert.equal(xmlText(ec2.text, 'Code'), 'InvalidClientTokenId');
});

test('without a token the same requests succeed', async () => {
  assert.equal((await rawRequest(server, { path: '/v20190125/meshes' })).status, 200);
  assert.equal((await queryCall(server, 'ec2', `Action=DescribeVpcs&Version=${EC2_VERSION}`)).status, 200);
});

test('SignedHeaders must be distinct and in canonical order (each header is hashed once)', async () => {
  const res = await rawRequest(server, { path: '/v20190125/meshes' });
  assert.equal(res.status, 200);
  // Re-sign by hand with a repeated header name: refused before any hashing.
  const { signRequest } = await import('../../src/auth/sigv4.js');
  const host = `127.0.0.1:${server.apiPort}`;
  const signed = signRequest({
    method: 'GET',
    host,
    path: '/v20190125/meshes',
    headers: { 'x-pad': 'p'.repeat(4000) },
    accessKeyId: server.credentials.accessKeyId,
    secretAccessKey: server.credentials.secretAccessKey,
    region: server.region,
    service: 'appmesh',
  });
  const repeated = signed.authorization!.replace(
    /SignedHeaders=([^,]+)/,
    (_m, list: string) => `SignedHeaders=${Array(300).fill(list).join(';')}`,
  );
  const { request } = await import('node:http');
  const answer = await new Promise<{ status: number; type: unknown }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.apiPort,
        path: '/v20190125/meshes',
        headers: { ...signed, authorization: repeated },
        agent: false,
      },
      (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, type: r.headers['x-amzn-errortype'] }));
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.type, 'IncompleteSignatureException');
});

// Defect: decoding ran before authorization and was quadratic in the number of list members,
// so one 1 MiB request from a user with no permissions froze the process (EC2 DescribeVpcs
// with 52,900 filters blocked /healthz for 28.7 s; IAM CreateUser with 43,000 tags took
// 63.8 s). Now decoding is linear with limits of its own, the answer is the protocol's
// modeled 400, and /healthz keeps answering while it runs.
//
// The bounds are generous for a loaded CI machine (the old code missed them by 30×).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { EC2_VERSION, IAM_VERSION, queryCall, unprivilegedUser, whileProbing, xmlText, type Keys } from './support.js';

const MiB = 1024 * 1024;
const REQUEST_BOUND_MS = 3000;
const HEALTHZ_BOUND_MS = 1000;

let server: RunningServer;
let nobody: Keys;

before(async () => {
  server = await startServer();
  nobody = await unprivilegedUser(server);
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

/** `${prefix}1${suffix}&${prefix}2${suffix}&…` up to (about) `bytes` long. */
function manyParams(head: string, item: (i: number) => string, bytes: number): string {
  const parts = [head];
  let size = head.length;
  for (let i = 1; size < bytes - 64; i++) {
    const p = item(i);
    parts.push(p);
    size += p.length + 1;
  }
  return parts.join('&');
}

test('EC2 DescribeVpcs with 52,900 filters (1 MiB) from a user with no permissions: a fast modeled 400, /healthz unaffected', async () => {
  const body = manyParams(`Action=DescribeVpcs&Version=${EC2_VERSION}`, (i) => `Filter.${i}.Name=a`, MiB);
  assert.ok(body.length <= MiB && body.split('&').length > 50_000);
  const { result, ms, healthzMaxMs, healthzAnswers } = await whileProbing(server, () =>
    queryCall(server, 'ec2', body, nobody),
  );
  assert.equal(result.status, 400, result.text.slice(0, 300));
  assert.match(result.text, /^<\?xml/);
  assert.equal(xmlText(result.text, 'Code'), 'InvalidParameterValue');
  assert.ok(ms < REQUEST_BOUND_MS, `answered in ${ms.toFixed(0)} ms`);
  assert.ok(
    healthzAnswers > 0 && healthzMaxMs < HEALTHZ_BOUND_MS,
    `/healthz slowest ${healthzMaxMs.toFixed(0)} ms over ${healthzAnswers} answers`,
  );
});

test('IAM CreateUser with 43,000 Tags.member.N.Key (1 MiB): a fast modeled 400 (XML ErrorResponse), /healthz unaffected', async () => {
  const body = manyParams(
    `Action=CreateUser&Version=${IAM_VERSION}&UserName=many`,
    (i) => `Tags.member.${i}.Key=k`,
    MiB,
  );
  assert.ok(body.length <= MiB && body.split('&').length > 40_000);
  const { result, ms, healthzMaxMs } = await whileProbing(server, () => queryCall(server, 'iam', body, nobody));
  assert.equal(result.status, 400, result.text.slice(0, 300));
  assert.match(result.text, /^<ErrorResponse/);
  assert.equal(xmlText(result.text, 'Code'), 'ValidationError');
  assert.ok(ms < REQUEST_BOUND_MS, `answered in ${ms.toFixed(0)} ms`);
  assert.ok(healthzMaxMs < HEALTHZ_BOUND_MS, `/healthz slowest ${healthzMaxMs.toFixed(0)} ms`);
});

test('a list under the parameter limit but over the member limit is refused by name, quickly', async () => {
  const body = manyParams(`Action=DescribeVpcs&Version=${EC2_VERSION}`, (i) => `VpcId.${i}=vpc-${i}`, 40_000)
    .split('&')
    .slice(0, 2002)
    .join('&');
  const { result, ms } = await whileProbing(server, () => queryCall(server, 'ec2', body, nobody));
  assert.equal(result.status, 400);
  assert.match(xmlText(result.text, 'Message') ?? '', /VpcId has more than 1000 members/);
  assert.ok(ms < REQUEST_BOUND_MS);
});

test("the model's own maximum still applies (IAM: at most 50 tags), and 50 tags are accepted", async () => {
  const tags = (n: number) =>
    Array.from({ length: n }, (_, i) => `Tags.member.${i + 1}.Key=k${i}&Tags.member.${i + 1}.Value=v`).join('&');
  const over = await queryCall(
    server,
    'iam',
    `Action=CreateUser&Version=${IAM_VERSION}&UserName=fifty-one&${tags(51)}`,
  );
  assert.equal(over.status, 400);
  assert.match(xmlText(over.text, 'Message') ?? '', /Tags: must have at most 50 items/);
  const ok = await queryCall(server, 'iam', `Action=CreateUser&Version=${IAM_VERSION}&UserName=fifty&${tags(50)}`);
  assert.equal(ok.status, 200, ok.text);
  const got = await queryCall(server, 'iam', `Action=GetUser&Version=${IAM_VERSION}&UserName=fifty`);
  assert.equal(got.text.match(/<Key>/g)?.length, 50, got.text);
});

test('a validation error over a huge list names the count and a few paths, not every violation', async () => {
  const body = `Action=DescribeVpcs&Version=${EC2_VERSION}&${Array.from({ length: 900 }, (_, i) => `Filter.${i + 1}.Name=${'x'.repeat(300)}`).join('&')}`;
  const res = await queryCall(server, 'ec2', body, nobody);
  assert.ok(res.status === 400 || res.status === 403, res.text.slice(0, 300));
  assert.ok(res.text.length < 8 * 1024, `the error is ${res.text.length} bytes`);
});

test('App Mesh (rest-json): 1 MiB of nested JSON, and a JSON object with 100,000 members, are answered quickly', async () => {
  const deep = `{"meshName":"deep","spec":${'['.repeat(MiB / 2 - 64)}${']'.repeat(MiB / 2 - 64)}}`;
  const wide = `{"meshName":"wide","spec":{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":1`).join(',')}}}`.slice(
    0,
    MiB,
  );
  for (const body of [deep, wide.endsWith('}}') ? wide : `${wide.slice(0, wide.lastIndexOf(','))}}}`]) {
    const { result, ms, healthzMaxMs } = await whileProbing(server, () =>
      rawRequest(server, {
        method: 'PUT',
        path: '/v20190125/meshes',
        body,
        accessKeyId: nobody.accessKeyId,
        secretAccessKey: nobody.secretAccessKey,
      }),
    );
    assert.ok(result.status === 400 || result.status === 403, `${result.status} ${result.text.slice(0, 200)}`);
    assert.ok(result.errorType, 'a modeled error');
    assert.ok(ms < REQUEST_BOUND_MS, `answered in ${ms.toFixed(0)} ms`);
    assert.ok(healthzMaxMs < HEALTHZ_BOUND_MS, `/healthz slowest ${healthzMaxMs.toFixed(0)} ms`);
  }
});

// Defect: operation names that are JavaScript built-ins reached object internals — EC2
// `Action=hasOwnProperty` → 500, Cloud Map target `…valueOf` → 500, IAM `Action=toString` →
// 200. Lookups by a name from the request now find only what the model defines, and an
// unknown name is the protocol's modeled unknown-operation error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { EC2_VERSION, IAM_VERSION, queryCall, xmlText } from './support.js';

const BUILT_INS = [
  'hasOwnProperty',
  'toString',
  'valueOf',
  'constructor',
  '__proto__',
  '__defineGetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
];

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

test('EC2 Action=hasOwnProperty (and every other Object.prototype name) is InvalidAction, not a 500', async () => {
  for (const name of BUILT_INS) {
    const res = await queryCall(server, 'ec2', `Action=${name}&Version=${EC2_VERSION}`);
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.equal(xmlText(res.text, 'Code'), 'InvalidAction', name);
  }
});

test('IAM Action=toString (and every other Object.prototype name) is InvalidAction, not a 200', async () => {
  for (const name of BUILT_INS) {
    const res = await queryCall(server, 'iam', `Action=${name}&Version=${IAM_VERSION}`);
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.match(res.text, /^<ErrorResponse/);
    assert.equal(xmlText(res.text, 'Code'), 'InvalidAction', name);
  }
});

test('Cloud Map X-Amz-Target …valueOf (and every other Object.prototype name) is UnknownOperationException, not a 500', async () => {
  for (const name of BUILT_INS) {
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/',
      service: 'servicediscovery',
      body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Route53AutoNaming_v20170314.${name}` },
    });
    assert.equal(res.status, 400, `${name}: ${res.text}`);
    assert.equal(res.json?.__type, 'UnknownOperationException', name);
  }
});

test('built-in names as members, map keys and values are plain data everywhere', async () => {
  // EC2: a protocol name that is a built-in is an invalid protocol, not a crash.
  const vpc = await queryCall(server, 'ec2', `Action=CreateVpc&Version=${EC2_VERSION}&CidrBlock=10.9.0.0/16`);
  const vpcId = xmlText(vpc.text, 'vpcId')!;
  const sg = await queryCall(
    server,
    'ec2',
    `Action=CreateSecurityGroup&Version=${EC2_VERSION}&GroupName=g&GroupDescription=d&VpcId=${vpcId}`,
  );
  const groupId = xmlText(sg.text, 'groupId')!;
  for (const name of ['constructor', 'toString', '__proto__']) {
    const res = await queryCall(
      server,
      'ec2',
      `Action=AuthorizeSecurityGroupIngress&Version=${EC2_VERSION}&GroupId=${groupId}&IpPermissions.1.IpProtocol=${name}&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8`,
    );
    assert.equal(res.status, 400, res.text);
    assert.equal(xmlText(res.text, 'Code'), 'InvalidParameterValue');
  }
  // Query parameters named like built-ins are ignored; tags with such keys round-trip.
  const odd = await queryCall(
    server,
    'ec2',
    `Action=DescribeVpcs&Version=${EC2_VERSION}&__proto__.x=1&constructor=2&Filter.__proto__.Name=a`,
  );
  assert.equal(odd.status, 200, odd.text);
  const tag = await queryCall(
    server,
    'ec2',
    `Action=CreateTags&Version=${EC2_VERSION}&ResourceId.1=${vpcId}&Tag.1.Key=__proto__&Tag.1.Value=constructor`,
  );
  assert.equal(tag.status, 200, tag.text);
  const tags = await queryCall(
    server,
    'ec2',
    `Action=DescribeTags&Version=${EC2_VERSION}&Filter.1.Name=resource-id&Filter.1.Value.1=${vpcId}`,
  );
  assert.match(tags.text, /<key>__proto__<\/key>/);
  // Cloud Map: instance attributes named like built-ins are stored as given.
  const sd = (target: string, body: unknown) =>
    rawRequest(server, {
      method: 'POST',
      path: '/',
      service: 'servicediscovery',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Route53AutoNaming_v20170314.${target}`,
      },
    });
  const ns = await sd('CreateHttpNamespace', { Name: 'proto-ns' });
  assert.equal(ns.status, 200, ns.text);
  // App Mesh: a mesh may be named like a built-in.
  for (const name of ['constructor', '__proto__', 'toString']) {
    const made = await rawRequest(server, {
      method: 'PUT',
      path: '/v20190125/meshes',
      body: JSON.stringify({ meshName: name }),
    });
    assert.equal(made.status, 200, made.text);
    const got = await rawRequest(server, { path: `/v20190125/meshes/${name}` });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json?.meshName, name);
  }
});

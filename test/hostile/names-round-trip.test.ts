// Defects: a mesh named with a lone surrogate ("ls\ud800") was stored and listed but could
// never be described or deleted (and kept using quota); PostgreSQL answered 500 to any name
// holding NUL where SQLite accepted it; and one EC2 tag value holding a character XML 1.0
// cannot carry (U+0001) made DescribeVpcs fail for every caller. Input strings must now be
// well-formed Unicode of XML-safe characters: anything else is the service's validation
// error naming the field, with both stores behaving the same.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { PG_SKIP_MESSAGE, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { rawRequest } from '../helpers/raw.js';
import { sdkClient } from '../ec2/cli.js';
import { EC2_VERSION, IAM_VERSION, queryCall, xmlText } from './support.js';

const pg = await startTestPostgres();

function appMeshNames(store: () => RunningServer): void {
  const server = () => store();
  const createMesh = (meshName: string) =>
    rawRequest(server(), { method: 'PUT', path: '/v20190125/meshes', body: JSON.stringify({ meshName }) });

  test('a mesh named with a lone surrogate is refused with BadRequestException naming the field, and never stored', async () => {
    for (const name of ['ls\ud800', 'x\udc00y', '\ud83d']) {
      const res = await createMesh(name);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.errorType, 'BadRequestException');
      assert.match(String(res.json?.message), /meshName: contains an unpaired surrogate/);
    }
    const list = await rawRequest(server(), { path: '/v20190125/meshes' });
    assert.deepEqual((list.json?.meshes as unknown[] | undefined)?.length, 0, list.text);
  });

  test('a name holding NUL or another control character is a 400 on every store, never a 500', async () => {
    for (const name of ['nul\u0000x', 'bell\u0007', 'esc\u001b', 'del\u007f', '\uffff']) {
      const res = await createMesh(name);
      assert.equal(res.status, 400, `${JSON.stringify(name)}: ${res.text}`);
      assert.equal(res.errorType, 'BadRequestException');
      assert.match(String(res.json?.message), /meshName: contains a character that is not allowed/);
    }
    // The same names in a path (describe, delete) are 400s as well.
    for (const encoded of ['nul%00x', 'ls%ED%A0%80', 'bell%07']) {
      const got = await rawRequest(server(), { path: `/v20190125/meshes/${encoded}` });
      assert.equal(got.status, 400, `${encoded}: ${got.text}`);
      const del = await rawRequest(server(), { method: 'DELETE', path: `/v20190125/meshes/${encoded}` });
      assert.equal(del.status, 400, `${encoded}: ${del.text}`);
    }
  });

  test('names with characters outside the BMP, tabs in descriptions and the like still round-trip', async () => {
    const name = 'mesh-\u{1F984}';
    const made = await createMesh(name);
    assert.equal(made.status, 200, made.text);
    const got = await rawRequest(server(), { path: `/v20190125/meshes/${encodeURIComponent(name)}` });
    assert.equal(got.status, 200, got.text);
    const del = await rawRequest(server(), { method: 'DELETE', path: `/v20190125/meshes/${encodeURIComponent(name)}` });
    assert.equal(del.status, 200, del.text);
  });
}

describe('App Mesh names on SQLite', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    server?.cleanup();
  });
  appMeshNames(() => server);

  test('EC2: a tag value holding U+0001 is InvalidParameterValue, and DescribeVpcs stays readable by the SDK', async () => {
    const vpc = await queryCall(server, 'ec2', `Action=CreateVpc&Version=${EC2_VERSION}&CidrBlock=10.1.0.0/16`);
    const vpcId = xmlText(vpc.text, 'vpcId')!;
    for (const value of ['%01', '%00', '%EF%BF%BE']) {
      const res = await queryCall(
        server,
        'ec2',
        `Action=CreateTags&Version=${EC2_VERSION}&ResourceId.1=${vpcId}&Tag.1.Key=k&Tag.1.Value=a${value}b`,
      );
      assert.equal(res.status, 400, res.text);
      assert.equal(xmlText(res.text, 'Code'), 'InvalidParameterValue');
      assert.match(xmlText(res.text, 'Message') ?? '', /Tags\[0\]\.Value: contains a character that is not allowed/);
    }
    const ok = await queryCall(
      server,
      'ec2',
      `Action=CreateTags&Version=${EC2_VERSION}&ResourceId.1=${vpcId}&Tag.1.Key=k&Tag.1.Value=fine`,
    );
    assert.equal(ok.status, 200, ok.text);
    const described = await sdkClient(server).send(new DescribeVpcsCommand({}));
    assert.ok(described.Vpcs?.some((v) => v.VpcId === vpcId && v.Tags?.some((t) => t.Value === 'fine')));
  });

  test('IAM: a user name or tag holding a control character is ValidationError', async () => {
    for (const body of [`UserName=a%01b`, `UserName=ok&Tags.member.1.Key=k&Tags.member.1.Value=%07`]) {
      const res = await queryCall(server, 'iam', `Action=CreateUser&Version=${IAM_VERSION}&${body}`);
      assert.equal(res.status, 400, res.text);
      assert.equal(xmlText(res.text, 'Code'), 'ValidationError');
    }
  });

  test('Cloud Map: a namespace name holding a lone surrogate is InvalidInput', async () => {
    const res = await rawRequest(server, {
      method: 'POST',
      path: '/',
      service: 'servicediscovery',
      body: JSON.stringify({ Name: 'ns\ud800' }),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Route53AutoNaming_v20170314.CreateHttpNamespace',
      },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.__type, 'InvalidInput');
    assert.match(String(res.json?.message), /Name: contains an unpaired surrogate/);
  });
});

describe('App Mesh names on PostgreSQL', { skip: pg ? false : PG_SKIP_MESSAGE }, () => {
  let server: RunningServer;
  let db: TestPostgres;
  before(async () => {
    db = pg!;
    server = await startServer({ args: ['--store', await db.createDatabase()] });
  });
  after(async () => {
    await server?.stop();
    server?.cleanup();
    await db?.close();
  });
  appMeshNames(() => server);
});

// `appmeshd export` round trips: a server's meshes (specs and tags) exported in appmeshd's
// format or as a CloudFormation template, and saved `aws appmesh describe-*` output from
// the real aws CLI, each imported into an empty server, recreate the same state.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppMesh, TagResourceCommand, type AppMeshClient } from '@aws-sdk/client-app-mesh';
import { gateway, gatewayRoute, httpRoute, richNode, router } from '../appmesh/fixtures.js';
import { awsBinary, runAws } from '../helpers/aws-cli.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { K8S_MANIFESTS } from './color-mesh.js';
import { appmeshd, credentialsEnv, importJson, readMeshState, sdkClient, type MeshState } from './support.js';

let source: RunningServer;
let client: AppMeshClient;
let dir: string;
let env: NodeJS.ProcessEnv;
let expected: MeshState[];
const started: RunningServer[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appmeshd-export-'));
  source = await startServer();
  started.push(source);
  client = sdkClient(source);
  env = credentialsEnv(source, dir);
  writeFileSync(join(dir, 'color.yaml'), K8S_MANIFESTS);
  await importJson(source, env, [join(dir, 'color.yaml')]);
  // Tags too, on a mesh and on a route.
  const state = await readMeshState(client, 'color-k8s');
  const arns = await Promise.all(
    ['mesh', 'route'].map(async (kind) => {
      const sdk = await import('@aws-sdk/client-app-mesh');
      if (kind === 'mesh')
        return (await client.send(new sdk.DescribeMeshCommand({ meshName: 'color-k8s' }))).mesh!.metadata!.arn!;
      return (
        await client.send(
          new sdk.DescribeRouteCommand({ meshName: 'color-k8s', virtualRouterName: 'color_shop', routeName: 'split' }),
        )
      ).route!.metadata!.arn!;
    }),
  );
  for (const arn of arns)
    await client.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'owner', value: 'platform' },
          { key: 'tier', value: '' },
        ],
      }),
    );
  expected = await readMeshState(client, 'color-k8s');
  assert.equal(expected.length, state.length);

  // A second mesh using most of the spec surface (TLS, pools, outlier detection, retries, logging, rewrites).
  const m = new AppMesh({ endpoint: source.endpoint, region: source.region, credentials: source.credentials });
  try {
    await m.createMesh({
      meshName: 'rich',
      spec: { egressFilter: { type: 'ALLOW_ALL' }, serviceDiscovery: { ipPreference: 'IPv6_PREFERRED' } },
      tags: [{ key: 'k', value: 'v' }],
    });
    await m.createVirtualNode({ meshName: 'rich', virtualNodeName: 'app', spec: richNode('back.local') });
    await m.createVirtualRouter({ meshName: 'rich', virtualRouterName: 'r', spec: router() });
    await m.createRoute({ meshName: 'rich', virtualRouterName: 'r', routeName: 'main', spec: httpRoute('app') });
    await m.createVirtualService({
      meshName: 'rich',
      virtualServiceName: 'back.local',
      spec: { provider: { virtualRouter: { virtualRouterName: 'r' } } },
    });
    await m.createVirtualGateway({ meshName: 'rich', virtualGatewayName: 'gw', spec: gateway() });
    await m.createGatewayRoute({
      meshName: 'rich',
      virtualGatewayName: 'gw',
      gatewayRouteName: 'api',
      spec: gatewayRoute('back.local'),
    });
  } finally {
    m.destroy();
  }
  rich = await readMeshState(client, 'rich');
  assert.equal(rich.length, 7);
});

let rich: MeshState[];

after(async () => {
  client?.destroy();
  for (const s of started) {
    await s.stop();
    s.cleanup();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function importIntoEmptyServer(file: string, withTags: boolean): Promise<void> {
  const target = await startServer();
  started.push(target);
  const targetEnv = credentialsEnv(target, dir);
  const first = await importJson(target, targetEnv, [file]);
  assert.equal(first.summary.create, expected.length + rich.length);
  const c = sdkClient(target);
  try {
    for (const [mesh, want] of [
      ['color-k8s', expected],
      ['rich', rich],
    ] as const) {
      const state = await readMeshState(c, mesh);
      assert.deepEqual(
        state.map((s) => ({ ...s, tags: withTags ? s.tags : [] })),
        want.map((s) => ({ ...s, tags: withTags ? s.tags : [] })),
        mesh,
      );
    }
  } finally {
    c.destroy();
  }
  assert.deepEqual((await importJson(target, targetEnv, [file])).summary, {
    create: 0,
    update: 0,
    unchanged: expected.length + rich.length,
    delete: 0,
  });
}

test('export in appmeshd format recreates every resource and tag on an empty server', async () => {
  const file = join(dir, 'export.json');
  const r = await appmeshd(['export', '--endpoint-url', source.endpoint, '--output', file], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`exported ${expected.length + rich.length} resource\\(s\\)`));
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { format: string; resources: { type: string }[] };
  assert.equal(doc.format, 'appmeshd-export');
  const one = await appmeshd(['export', '--endpoint-url', source.endpoint, '--mesh', 'rich'], env);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(
    (JSON.parse(one.stdout) as { resources: { type: string; meshName: string }[] }).resources.map(
      (x) => `${x.type} ${x.meshName}`,
    ),
    [
      'Mesh rich',
      'VirtualNode rich',
      'VirtualRouter rich',
      'Route rich',
      'VirtualService rich',
      'VirtualGateway rich',
      'GatewayRoute rich',
    ],
    'one mesh, in creation order',
  );
  await importIntoEmptyServer(file, true);
});

test('export as a CloudFormation template reads back to the same state', async () => {
  const file = join(dir, 'export.template.json');
  const r = await appmeshd(
    ['export', '--endpoint-url', source.endpoint, '--format', 'cloudformation', '--output', file],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(readFileSync(file, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const route = Object.values(t.Resources).find(
    (x) => x.Type === 'AWS::AppMesh::Route' && x.Properties.RouteName === 'split',
  )!;
  // References CloudFormation needs for ordering are Fn::GetAtt, and tags are CloudFormation's {Key, Value}.
  assert.deepEqual(Object.keys(route.Properties.VirtualRouterName as object), ['Fn::GetAtt']);
  assert.match(
    JSON.stringify(route.Properties.Spec),
    /"VirtualNode":\{"Fn::GetAtt":\["VirtualNode\w+","VirtualNodeName"\]\}/,
  );
  assert.deepEqual(route.Properties.Tags, [
    { Key: 'owner', Value: 'platform' },
    { Key: 'tier', Value: '' },
  ]);
  await importIntoEmptyServer(file, true);
});

async function aws(args: string[]): Promise<string> {
  const r = await runAws(source, ['appmesh', ...args]);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const awsCli = await awsBinary();
const awsAvailable = await new Promise<boolean>((resolve) => execFile(awsCli, ['--version'], (err) => resolve(!err)));

test('saved describe-* output of the aws CLI imports to the same specs', {
  skip: awsAvailable ? false : 'the aws CLI is not installed',
}, async () => {
  const file = join(dir, 'describe.json');
  writeFileSync(file, '');
  // As an operator would have saved it: one describe-* call after another appended to a file, and a list-* among them.
  const calls: string[][] = [
    ['describe-mesh', '--mesh-name', 'color-k8s'],
    ['list-virtual-nodes', '--mesh-name', 'color-k8s'],
  ];
  for (const s of expected) {
    const base = ['--mesh-name', 'color-k8s'];
    switch (s.type) {
      case 'VirtualNode':
        calls.push(['describe-virtual-node', ...base, '--virtual-node-name', s.name]);
        break;
      case 'VirtualRouter':
        calls.push(['describe-virtual-router', ...base, '--virtual-router-name', s.name]);
        break;
      case 'Route':
        calls.push(['describe-route', ...base, '--virtual-router-name', s.parent!, '--route-name', s.name]);
        break;
      case 'VirtualService':
        calls.push(['describe-virtual-service', ...base, '--virtual-service-name', s.name]);
        break;
      case 'VirtualGateway':
        calls.push(['describe-virtual-gateway', ...base, '--virtual-gateway-name', s.name]);
        break;
      case 'GatewayRoute':
        calls.push([
          'describe-gateway-route',
          ...base,
          '--virtual-gateway-name',
          s.parent!,
          '--gateway-route-name',
          s.name,
        ]);
        break;
    }
  }
  const outputs = await Promise.all(calls.map(aws));
  for (const o of outputs) appendFileSync(file, o);
  const target = await startServer();
  started.push(target);
  const targetEnv = credentialsEnv(target, dir);
  const first = await importJson(target, targetEnv, [file]);
  assert.equal(first.summary.create, expected.length);
  assert.deepEqual(
    first.skipped.map((s) => s.type),
    ['list output (virtualNodes)'],
  );
  const c = sdkClient(target);
  try {
    // describe-* carries no tags: specs and names must match, tags are left alone.
    assert.deepEqual(
      (await readMeshState(c, 'color-k8s')).map((s) => ({ ...s, tags: [] })),
      expected.map((s) => ({ ...s, tags: [] })),
    );
  } finally {
    c.destroy();
  }
  assert.deepEqual((await importJson(target, targetEnv, [file])).summary, {
    create: 0,
    update: 0,
    unchanged: expected.length,
    delete: 0,
  });
});

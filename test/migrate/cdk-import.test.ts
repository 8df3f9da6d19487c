// A CDK app using aws-cdk-lib's aws-appmesh constructs, synthesised by the CDK's own CLI
// (offline), imported with `appmeshd import`; the server must then hold exactly what the
// app declared, field by field, a proxy of one of its nodes gets the matching Envoy
// configuration, and re-importing is a no-op. The same mesh as controller CRDs must import
// to the same resources under the controller's names, and --prune removes exactly what
// was taken out of the source.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { parseAllDocuments, stringify } from 'yaml';
import type { RunningServer } from '../helpers/server.js';
import {
  CDK_APP,
  CDK_NAMES,
  CDK_STACK,
  expectedResources,
  K8S_MANIFESTS,
  K8S_NAMES,
  type Names,
} from './color-mesh.js';
import { appmeshd, cdkAvailable, cdkSynth, idOf, importJson, migrationFixture, readMeshState } from './support.js';
import { adminGet } from '../helpers/admin.js';
import { poll } from '../helpers/wait.js';

const skip = cdkAvailable ? false : 'aws-cdk-lib / aws-cdk are not installed (npm ci installs them as devDependencies)';
let fixture: Awaited<ReturnType<typeof migrationFixture>>;
let server: RunningServer;
let client: AppMeshClient;
let dir: string;
let env: NodeJS.ProcessEnv;
let template: string;

before(async () => {
  if (skip) return;
  const started = Date.now();
  const synthDir = mkdtempSync(join(tmpdir(), 'appmeshd-cdk-'));
  writeFileSync(join(synthDir, 'app.cjs'), CDK_APP);
  [fixture, template] = await Promise.all([
    migrationFixture('appmeshd-cdk-'),
    cdkSynth(join(synthDir, 'app.cjs'), join(synthDir, 'cdk.out'), CDK_STACK),
  ]);
  console.log(`# cdk synth (with a server starting alongside): ${Date.now() - started} ms`);
  ({ server, client, env } = fixture);
  dir = synthDir;
});

after(async () => {
  await fixture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function assertMeshEquals(actual: Awaited<ReturnType<typeof readMeshState>>, names: Names, withTags: boolean): void {
  const expected = expectedResources(names);
  assert.deepEqual(actual.map(idOf).sort(), expected.map(idOf).sort(), 'the same set of resources');
  for (const e of expected) {
    const a = actual.find((r) => idOf(r) === idOf(e))!;
    assert.deepEqual(a.spec, e.spec, `${idOf(e)}: spec`);
    // The CDK tags the mesh and every construct under it; virtual services are not under the mesh construct.
    if (withTags)
      assert.deepEqual(
        a.tags,
        e.type === 'VirtualService' ? [] : [{ key: 'team', value: 'color' }],
        `${idOf(e)}: tags`,
      );
  }
}

test('cdk synth output imports to exactly what the CDK app declared', { skip }, async () => {
  const dry = await importJson(server, env, ['--dry-run', template]);
  assert.equal(dry.summary.create, 16);
  assert.equal(dry.summary.update + dry.summary.unchanged + dry.summary.delete, 0);
  assert.deepEqual(dry.skipped.map((s) => s.type).sort(), [
    'AWS::ServiceDiscovery::HttpNamespace',
    'AWS::ServiceDiscovery::Service',
  ]);
  // Dependency order: the mesh first, gateway routes last, services after the routers they name.
  const order = dry.plan.map((a) => a.type);
  assert.equal(order[0], 'Mesh');
  assert.ok(order.lastIndexOf('VirtualRouter') < order.indexOf('VirtualService'));
  assert.ok(order.lastIndexOf('Route') < order.indexOf('VirtualService'));
  assert.equal(order.at(-1), 'GatewayRoute');
  assert.equal((await readMeshState(client, 'color-mesh').catch(() => [])).length, 0, 'a dry run changes nothing');

  const applied = await importJson(server, env, [template]);
  assert.equal(applied.applied?.length, 16);
  assertMeshEquals(await readMeshState(client, 'color-mesh'), CDK_NAMES, true);

  // Again, naming the whole cdk.out directory: the manifests beside the template are listed as skipped.
  const again = await importJson(server, env, [join(dir, 'cdk.out')]);
  assert.deepEqual(again.summary, { create: 0, update: 0, unchanged: 16, delete: 0 }, 're-import is a no-op');
  assert.equal(again.applied?.length, 0);
  assert.ok(
    again.skipped.some((s) => s.type === 'file' && s.origin.endsWith('manifest.json')),
    JSON.stringify(again.skipped),
  );
});

async function configDump(node: string): Promise<string> {
  const r = await appmeshd(['config-dump', node, '--endpoint', server.endpoint], {
    ...process.env,
    APPMESHD_ROOT_ACCESS_KEY_ID: server.credentials.accessKeyId,
    APPMESHD_ROOT_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
  });
  assert.equal(r.code, 0, r.stderr);
  return JSON.stringify(JSON.parse(r.stdout));
}

test('a proxy of an imported node gets the Envoy configuration the CDK app describes', { skip }, async () => {
  // The Cloud Map namespace and service the template declares (skipped by the import) made through appmeshd's Cloud Map API, with one instance.
  const sd = new ServiceDiscovery({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
  });
  try {
    const op = (await sd.createHttpNamespace({ Name: 'color.local' })).OperationId!;
    const namespaceId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
    const serviceId = (await sd.createService({ Name: 'red', NamespaceId: namespaceId })).Service!.Id!;
    await sd.registerInstance({
      ServiceId: serviceId,
      InstanceId: 'red-1',
      Attributes: { AWS_INSTANCE_IPV4: '10.1.2.3', AWS_INSTANCE_PORT: '8080' },
    });
  } finally {
    sd.destroy();
  }
  const front = 'mesh/color-mesh/virtualNode/front';
  // Cloud Map instances reach the proxy configuration through the change feed.
  await poll(() => adminGet(server, `/admin/config-dump?node=${encodeURIComponent(front)}`), {
    until: (d) => JSON.stringify(d).includes('10.1.2.3'),
    timeoutMs: 10_000,
  });
  const dump = await configDump(front);
  assert.match(
    dump,
    /"address":"10\.1\.2\.3","port_value":8080/,
    'the Cloud Map node red has its instance as an endpoint',
  );
  assert.match(dump, /"address":"blue\.color\.local","port_value":8080/, 'the DNS node blue resolves its hostname');
  const routes = [...dump.matchAll(/"weighted_clusters":\{"clusters":\[(.*?)\]/g)].map(
    (m) => JSON.parse(`[${m[1]}]`) as { name: string; weight: number }[],
  );
  const split = routes.find((c) => c.length === 2);
  assert.ok(split, `a 3:1 split between blue and red in ${dump.slice(0, 2000)}`);
  assert.deepEqual(
    split.map((c) => [c.name.includes('blue') ? 'blue' : c.name.includes('red') ? 'red' : c.name, c.weight]).sort(),
    [
      ['blue', 3],
      ['red', 1],
    ],
  );
  assert.match(dump, /"prefix":"\/beta"/, 'the beta route with its prefix');
  assert.match(dump, /x-beta/, 'and its header match');
  assert.match(dump, /greeter\.Greeter/, 'the gRPC route to the greeter service');
  assert.match(dump, /"per_try_timeout":"1s"/, 'with its retry policy');
  assert.match(dump, /"timeout":"5s"/, 'the per-request timeout of the split route');
});

test('the same mesh as controller CRDs imports to the same resources under the controller names', {
  skip,
}, async () => {
  const file = join(dir, 'color.yaml');
  writeFileSync(file, K8S_MANIFESTS);
  const first = await importJson(server, env, [file]);
  assert.equal(first.summary.create, 16);
  assert.deepEqual(
    first.skipped.map((s) => s.type),
    ['v1 Namespace'],
  );
  assertMeshEquals(await readMeshState(client, 'color-k8s'), K8S_NAMES, false);
  const again = await importJson(server, env, [file]);
  assert.deepEqual(again.summary, { create: 0, update: 0, unchanged: 16, delete: 0 });
  // The same objects as `kubectl get … -o yaml` prints them: a List, with the fields the webhook and controller add.
  const docs = parseAllDocuments(K8S_MANIFESTS).map(
    (d) => d.toJS() as { kind: string; metadata: Record<string, unknown>; spec?: Record<string, unknown> },
  );
  const items = docs.map((d) => ({
    ...d,
    metadata: { ...d.metadata, uid: '6f1c3c1e-0000-4000-8000-000000000000', resourceVersion: '1234', generation: 1 },
    ...(d.kind !== 'Namespace' && d.kind !== 'Mesh'
      ? { spec: { ...d.spec, meshRef: { name: 'color-k8s', uid: '6f1c3c1e-0000-4000-8000-000000000001' } } }
      : {}),
    status: { conditions: [{ type: `${d.kind}Active`, status: 'True' }] },
  }));
  const listFile = join(dir, 'kubectl-get.yaml');
  writeFileSync(listFile, stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }));
  assert.deepEqual((await importJson(server, env, ['--dry-run', listFile])).summary, {
    create: 0,
    update: 0,
    unchanged: 16,
    delete: 0,
  });

  // Take a route, a gateway route and a node out of the source: --prune deletes exactly those.
  const trimmed = K8S_MANIFESTS.replace(/ {4}- name: beta\n(?: {6}.*\n| {8}.*\n)*?(?=---)/, '').replace(
    /---\napiVersion: appmesh\.k8s\.aws\/v1beta2\nkind: GatewayRoute\nmetadata: \{name: to-greeter[\s\S]*$/,
    '',
  );
  assert.ok(!trimmed.includes('name: beta') && !trimmed.includes('to-greeter'));
  writeFileSync(file, trimmed);
  const plan = await importJson(server, env, ['--prune', '--dry-run', file]);
  assert.deepEqual(
    plan.plan
      .filter((a) => a.action === 'delete')
      .map((a) => `${a.type} ${a.parentName}/${a.name}`)
      .sort(),
    ['GatewayRoute ingress_shop/to-greeter_shop', 'Route color_shop/beta'],
  );
  assert.equal(plan.summary.unchanged, 14);
  const pruned = await importJson(server, env, ['--prune', file]);
  assert.equal(pruned.applied?.length, 2);
  const state = await readMeshState(client, 'color-k8s');
  assert.deepEqual(
    expectedResources(K8S_NAMES)
      .map(idOf)
      .filter((id) => !state.some((s) => idOf(s) === id))
      .sort(),
    ['GatewayRoute ingress_shop/to-greeter_shop', 'Route color_shop/beta'],
  );
  assert.equal(state.length, 14);
  // Without --prune nothing would have been deleted; with it, a second run has nothing left to do.
  assert.deepEqual((await importJson(server, env, ['--prune', file])).summary, {
    create: 0,
    update: 0,
    unchanged: 14,
    delete: 0,
  });
  // The CDK mesh was not touched by pruning another mesh.
  assertMeshEquals(await readMeshState(client, 'color-mesh'), CDK_NAMES, true);
});

test('a changed spec is an update, and the table output names it', { skip }, async () => {
  const t = JSON.parse(readFileSync(template, 'utf8')) as {
    Resources: Record<
      string,
      { Properties: { Spec: { HttpRoute?: { Action: { WeightedTargets: { Weight: number }[] } } } } }
    >;
  };
  const split = Object.values(t.Resources).find(
    (r) => r.Properties?.Spec?.HttpRoute?.Action.WeightedTargets.length === 2,
  )!;
  split.Properties.Spec.HttpRoute!.Action.WeightedTargets[0]!.Weight = 1;
  const changed = join(dir, 'changed.template.json');
  writeFileSync(changed, JSON.stringify(t));
  const r = await appmeshd(['import', '--endpoint-url', server.endpoint, changed], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^update \(spec\)\s+Route\s+color-mesh\/color\/split/m);
  assert.match(r.stdout, /plan: 0 to create, 1 to update, 15 unchanged, 0 to delete/);
  assert.match(r.stdout, /^updated Route color-mesh\/color\/split$/m);
  const route = (await readMeshState(client, 'color-mesh')).find((s) => s.name === 'split')!;
  assert.deepEqual(
    (route.spec.httpRoute as { action: { weightedTargets: { weight: number }[] } }).action.weightedTargets.map(
      (w) => w.weight,
    ),
    [1, 1],
  );
});

// The xDS server against a raw ADS client: admission, SotW ACK/NACK, ordering, pushes on
// change, and delta resume with initial_resource_versions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateVirtualNodeCommand, UpdateRouteCommand, type AppMeshClient } from '@aws-sdk/client-app-mesh';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { adminGet } from '../../helpers/admin.js';
import { cliPath, startServer, type RunningServer } from '../../helpers/server.js';
import {
  T,
  openAds,
  resourceName,
  signedMetadata,
  type AdsStream,
  type DeltaResponse,
  type SotwResponse,
} from './ads-client.js';
import { appMesh, createDemoMesh, weightedRoute } from './mesh-fixture.js';

let server: RunningServer;
let xdsPort: number;
let mesh: AppMeshClient;
const MESH = 'm1';
const NODE = `mesh/${MESH}/virtualNode/client`;
const streams: AdsStream<unknown>[] = [];

function rootMetadata(delta = false): grpc.Metadata {
  return signedMetadata({ authority: `127.0.0.1:${xdsPort}`, ...server.credentials, region: server.region, delta });
}

function sotw(metadata = rootMetadata()): AdsStream<SotwResponse> {
  const s = openAds<SotwResponse>(xdsPort, { metadata });
  streams.push(s as AdsStream<unknown>);
  return s;
}

function delta(): AdsStream<DeltaResponse> {
  const s = openAds<DeltaResponse>(xdsPort, { metadata: rootMetadata(true), delta: true });
  streams.push(s as AdsStream<unknown>);
  return s;
}

const names = (r: SotwResponse) => (r.resources ?? []).map(resourceName).sort();
const ack = (s: AdsStream<SotwResponse>, r: SotwResponse, resourceNames: string[] = []) =>
  s.send({
    type_url: r.type_url,
    version_info: r.version_info,
    response_nonce: r.nonce,
    resource_names: resourceNames,
  });

async function setWeights(a: number, b: number): Promise<void> {
  await mesh.send(
    new UpdateRouteCommand({
      meshName: MESH,
      virtualRouterName: 'router',
      routeName: 'route',
      spec: weightedRoute('http', [
        { name: 'backend-a', weight: a },
        { name: 'backend-b', weight: b },
      ]),
    }),
  );
}

/** A SotW stream that subscribed like Envoy (CDS and LDS wildcard, then RDS by name) and ACKed everything. */
async function connectedEnvoy(): Promise<{ s: AdsStream<SotwResponse>; routeNames: string[]; rds: SotwResponse }> {
  const s = sotw();
  s.send({ node: { id: NODE }, type_url: T.cds });
  const cds = await s.next();
  assert.equal(cds.type_url, T.cds);
  ack(s, cds);
  s.send({ type_url: T.lds });
  const lds = await s.next();
  assert.equal(lds.type_url, T.lds);
  ack(s, lds);
  const routeNames = ['rds_egress_http_8080'];
  s.send({ type_url: T.rds, resource_names: routeNames });
  const rds = await s.next();
  assert.equal(rds.type_url, T.rds);
  assert.deepEqual(names(rds), routeNames);
  ack(s, rds, routeNames);
  return { s, routeNames, rds };
}

before(async () => {
  server = await startServer();
  xdsPort = Number(server.ready.xdsPort);
  assert.ok(xdsPort > 0, 'the ready line carries xdsPort');
  mesh = appMesh(server);
  await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'http',
    serviceName: 'svc.local',
    servicePort: 8080,
    backends: [
      { name: 'backend-a', port: 18081, weight: 80 },
      { name: 'backend-b', port: 18082, weight: 20 },
    ],
  });
});

after(async () => {
  for (const s of streams) s.close();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

describe('admission', () => {
  test('an unsigned stream is refused with UNAUTHENTICATED (16)', async () => {
    const s = sotw(new grpc.Metadata());
    s.send({ node: { id: NODE }, type_url: T.lds });
    const st = await s.closed;
    assert.equal(st.code, grpc.status.UNAUTHENTICATED);
  });

  test('a wrong secret or another region is UNAUTHENTICATED (16)', async () => {
    for (const md of [
      signedMetadata({
        authority: `127.0.0.1:${xdsPort}`,
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: 'wrong',
        region: server.region,
      }),
      signedMetadata({ authority: `127.0.0.1:${xdsPort}`, ...server.credentials, region: 'eu-west-1' }),
    ]) {
      const s = sotw(md);
      s.send({ node: { id: NODE }, type_url: T.lds });
      assert.equal((await s.closed).code, grpc.status.UNAUTHENTICATED);
    }
  });

  test('an unknown virtual node closes the stream with code 3', async () => {
    for (const id of [
      `mesh/${MESH}/virtualNode/nope`,
      'mesh/nomesh/virtualGateway/gw',
      `arn:aws:appmesh:${server.region}:999999999999:mesh/${MESH}/virtualNode/client`,
      'not-a-node',
    ]) {
      const s = sotw();
      s.send({ node: { id }, type_url: T.lds });
      const st = await s.closed;
      assert.equal(st.code, 3, `${id}: ${st.details}`);
    }
  });

  test('an identity without appmesh:StreamAggregatedResources is PERMISSION_DENIED (7)', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: server.region,
      credentials: server.credentials,
      maxAttempts: 1,
    });
    await iam.send(new CreateUserCommand({ UserName: 'no-rights' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-rights' }))).AccessKey!;
    iam.destroy();
    const s = sotw(
      signedMetadata({
        authority: `127.0.0.1:${xdsPort}`,
        accessKeyId: key.AccessKeyId!,
        secretAccessKey: key.SecretAccessKey!,
        region: server.region,
      }),
    );
    s.send({ node: { id: NODE }, type_url: T.lds });
    assert.equal((await s.closed).code, grpc.status.PERMISSION_DENIED);
  });

  test('the full ARN and the <mesh>@<owner> forms are admitted', async () => {
    for (const id of [
      `arn:aws:appmesh:${server.region}:111122223333:mesh/${MESH}/virtualNode/client`,
      `mesh/${MESH}@111122223333/virtualNode/client`,
    ]) {
      const s = sotw();
      s.send({ node: { id }, type_url: T.lds });
      const r = await s.next();
      assert.equal(r.type_url, T.lds);
      s.close();
    }
  });
});

describe('state of the world', () => {
  test('ACK is quiet; a change pushes only the route configuration, with a new version', async () => {
    const { s, routeNames, rds } = await connectedEnvoy();
    assert.ok(await s.quiet(300), 'nothing is re-sent after an ACK');
    await setWeights(50, 50);
    const pushed = await s.next();
    assert.equal(pushed.type_url, T.rds);
    assert.notEqual(pushed.version_info, rds.version_info);
    ack(s, pushed, routeNames);
    assert.ok(await s.quiet(300));
    s.close();
  });

  test('a NACK keeps the proxy on its config, is recorded, and is not answered by re-sending', async () => {
    const { s, routeNames, rds } = await connectedEnvoy();
    await setWeights(70, 30);
    const rejected = await s.next();
    assert.equal(rejected.type_url, T.rds);
    s.send({
      type_url: T.rds,
      version_info: rds.version_info,
      response_nonce: rejected.nonce,
      resource_names: routeNames,
      error_detail: { code: 3, message: 'route rejected by test' },
    });
    assert.ok(await s.quiet(700), 'the rejected config is not sent again');
    const { proxies } = await adminGet(server, '/admin/proxies');
    const mine = proxies.filter((p: any) => p.types.rds?.lastNack?.message === 'route rejected by test');
    assert.equal(mine.length, 1);
    assert.equal(mine[0].types.rds.ackedVersion, rds.version_info, 'still on the last accepted version');
    assert.equal(mine[0].types.rds.lastNack.version, rejected.version_info);
    assert.equal(mine[0].identity.name, 'client');

    await setWeights(60, 40);
    const next = await s.next();
    assert.equal(next.type_url, T.rds);
    assert.notEqual(next.version_info, rejected.version_info);
    ack(s, next, routeNames);
    s.close();
  });

  test('a new target: clusters go before routes; a dropped one is removed only after the routes are ACKed', async () => {
    const { s, routeNames } = await connectedEnvoy();
    await mesh.send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'backend-c',
        spec: {
          listeners: [{ portMapping: { port: 18083, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
        },
      }),
    );
    await mesh.send(
      new UpdateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'router',
        routeName: 'route',
        spec: weightedRoute('http', [
          { name: 'backend-a', weight: 50 },
          { name: 'backend-c', weight: 50 },
        ]),
      }),
    );
    const first = await s.next();
    assert.equal(first.type_url, T.cds, 'clusters first');
    const cdsNames = names(first);
    assert.ok(
      cdsNames.some((n) => n.includes('backend-c')),
      `new cluster present: ${cdsNames}`,
    );
    assert.ok(
      cdsNames.some((n) => n.includes('backend-b')),
      'the cluster leaving stays until routes moved',
    );
    ack(s, first);
    const second = await s.next();
    assert.equal(second.type_url, T.rds);
    const extra = await s.next(200).catch(() => undefined);
    assert.equal(extra, undefined, `cleanup waits for the route ACK: ${extra?.type_url} ${extra && names(extra)}`);
    ack(s, second, routeNames);
    const cleanup = await s.next();
    assert.equal(cleanup.type_url, T.cds);
    assert.ok(!names(cleanup).some((n) => n.includes('backend-b')), 'then the unused cluster goes');
    ack(s, cleanup);
    await setWeights(80, 20);
    assert.equal((await s.next()).type_url, T.cds, 'back to a/b: clusters first again');
    s.close();
  });

  test('a stale nonce is ignored and a reconnect at the same version gets nothing', async () => {
    const { s, routeNames, rds } = await connectedEnvoy();
    s.send({
      type_url: T.rds,
      version_info: 'old',
      response_nonce: 'stale-nonce',
      resource_names: [...routeNames, 'other'],
    });
    assert.ok(await s.quiet(300));
    s.close();
    const again = sotw();
    again.send({ node: { id: NODE }, type_url: T.rds, version_info: rds.version_info, resource_names: routeNames });
    assert.ok(await again.quiet(400), 'a resuming proxy that has this version is not sent it again');
    again.close();
  });
});

describe('delta', () => {
  test('initial_resource_versions: a reconnecting proxy gets nothing it already has, then only what changed', async () => {
    const d = delta();
    d.send({ node: { id: NODE }, type_url: T.cds });
    const cds = await d.next();
    d.send({ type_url: T.cds, response_nonce: cds.nonce });
    d.send({ type_url: T.lds });
    const lds = await d.next();
    d.send({ type_url: T.lds, response_nonce: lds.nonce });
    d.send({ type_url: T.rds, resource_names_subscribe: ['rds_egress_http_8080', 'rds_missing'] });
    const rds = await d.next();
    assert.deepEqual(
      (rds.resources ?? []).map((r) => r.name),
      ['rds_egress_http_8080'],
    );
    assert.deepEqual(
      rds.removed_resources,
      ['rds_missing'],
      'a subscribed name that does not exist is reported at once',
    );
    d.send({ type_url: T.rds, response_nonce: rds.nonce });
    const versions = (r: DeltaResponse) => Object.fromEntries((r.resources ?? []).map((x) => [x.name, x.version]));
    const known = { cds: versions(cds), lds: versions(lds), rds: versions(rds) };
    d.close();

    const again = delta();
    again.send({ node: { id: NODE }, type_url: T.cds, initial_resource_versions: known.cds });
    again.send({ type_url: T.lds, initial_resource_versions: known.lds });
    again.send({
      type_url: T.rds,
      resource_names_subscribe: ['rds_egress_http_8080'],
      initial_resource_versions: known.rds,
    });
    assert.ok(await again.quiet(500), 'no flap: nothing re-sent on resume');

    await setWeights(40, 60);
    const changed = await again.next();
    assert.equal(changed.type_url, T.rds);
    assert.deepEqual(
      (changed.resources ?? []).map((r) => r.name),
      ['rds_egress_http_8080'],
    );
    assert.notEqual(changed.resources![0]!.version, known.rds.rds_egress_http_8080);
    again.send({ type_url: T.rds, response_nonce: changed.nonce });
    assert.ok(await again.quiet(300));
    await setWeights(80, 20);
    assert.equal((await again.next()).type_url, T.rds);
    again.close();
  });
});

describe('visibility', () => {
  test('metrics and config-dump', async () => {
    const text = await (await fetch(`${server.endpoint}/metrics`)).text();
    for (const m of [
      'appmeshd_xds_streams',
      'appmeshd_xds_pushes_total',
      'appmeshd_xds_push_to_ack_seconds_bucket',
      'appmeshd_xds_nacks_total',
      'appmeshd_xds_admission_refusals_total',
    ]) {
      assert.ok(text.includes(m), `${m} exported`);
    }
    assert.match(
      text,
      /appmeshd_xds_admission_refusals_total\{reason="unauthenticated"\} [1-9]/,
      text
        .split('\n')
        .filter((l) => l.includes('xds'))
        .join('\n'),
    );
    const dump = await adminGet(server, `/admin/config-dump?node=${encodeURIComponent(NODE)}`);
    const routes = dump.configs.find((c: any) => c['@type'].endsWith('RoutesConfigDump'));
    assert.deepEqual(
      routes.dynamic_route_configs.map((r: any) => r.route_config.name),
      ['rds_egress_http_8080'],
    );
    const unsigned = await fetch(`${server.endpoint}/admin/proxies`);
    assert.equal(unsigned.status, 403);
  });
});

test('appmeshd proxies and appmeshd config-dump', async () => {
  const { s } = await connectedEnvoy();
  const run = promisify(execFile);
  const env = {
    ...process.env,
    APPMESHD_ROOT_ACCESS_KEY_ID: server.credentials.accessKeyId,
    APPMESHD_ROOT_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
  };
  const args = ['--endpoint', server.endpoint, '--region', server.region];
  const proxies = await run(process.execPath, [cliPath, 'proxies', ...args], { env });
  assert.match(proxies.stdout, new RegExp(`${NODE}  ads/sotw`));
  assert.match(proxies.stdout, /rds {2}acked [0-9a-f]+/);
  const dump = JSON.parse((await run(process.execPath, [cliPath, 'config-dump', NODE, ...args], { env })).stdout);
  const listeners = dump.configs.find((c: any) => c['@type'].endsWith('ListenersConfigDump'));
  assert.ok(listeners.dynamic_listeners.some((l: any) => l.name === 'lds_egress_0.0.0.0_15001'));
  await assert.rejects(
    run(process.execPath, [cliPath, 'config-dump', `mesh/${MESH}/virtualNode/nope`, ...args], { env }),
    /404/,
  );
  s.close();
});

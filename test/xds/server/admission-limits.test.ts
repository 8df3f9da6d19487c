// xDS admission against hostile streams, over real gRPC streams to a real server: node ids
// are bounded and never echoed whole, a node that does not exist costs no mesh rebuild, and
// streams that never read hold bounded memory however many pushes come due.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CreateVirtualNodeCommand, UpdateVirtualNodeCommand, type AppMeshClient } from '@aws-sdk/client-app-mesh';
import { MiB, rssBytes } from '../../helpers/process-memory.js';
import { startServer, type RunningServer } from '../../helpers/server.js';
import { poll, metric as serverMetric, untilSettled } from '../../helpers/wait.js';
import { T, openAds, signedMetadata, type AdsStream, type SotwResponse } from './ads-client.js';
import { appMesh, createDemoMesh, type DemoMesh } from './mesh-fixture.js';

let server: RunningServer;
let xdsPort: number;
let mesh: AppMeshClient;
let demo: DemoMesh;
const metric = (name: string) => serverMetric(server, name);
/** Waits until the server stopped building and pushing: several debounce intervals without a change. */
const pushesSettled = () =>
  untilSettled(
    async () =>
      [
        await metric('appmeshd_mesh_snapshot_builds_total'),
        await metric('appmeshd_xds_pushes_total'),
        await metric('appmeshd_xds_pushes_deferred_total'),
      ].join(),
    { quietMs: 200, timeoutMs: 10_000, what: 'the pushes to settle' },
  );
const MESH = 'adm';
const streams: AdsStream<unknown>[] = [];

function open(): AdsStream<SotwResponse> {
  const s = openAds<SotwResponse>(xdsPort, {
    metadata: signedMetadata({ authority: `127.0.0.1:${xdsPort}`, ...server.credentials, region: server.region }),
  });
  streams.push(s as AdsStream<unknown>);
  return s;
}

before(async () => {
  server = await startServer();
  xdsPort = Number(server.ready.xdsPort);
  mesh = appMesh(server);
  demo = await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'http',
    serviceName: 'svc.local',
    servicePort: 8080,
    backends: [
      { name: 'backend-a', port: 18081, weight: 1 },
      { name: 'backend-b', port: 18082, weight: 1 },
    ],
  });
});

after(async () => {
  for (const s of streams) s.close();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

test('node id of 150 KB and more: the refused stream gets its status, with the id cut short', async () => {
  const refusals = () => server.logs.filter((l) => l.msg === 'xds stream refused');
  const refusedBefore = refusals().length;
  const sizes = [150_000, 1_000_000];
  for (const size of sizes) {
    const s = open();
    s.send({ node: { id: `mesh/${MESH}/virtualNode/${'x'.repeat(size)}` }, type_url: T.cds });
    const status = await Promise.race([
      s.closed,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 10_000)),
    ]);
    assert.ok(status, `no status for a ${size}-character node id`);
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.match(status.details, /at most 1024 are accepted/);
    assert.ok(status.details.length < 400, `status details are ${status.details.length} characters`);
  }
  // The status can arrive before the server's log line has come through its stderr pipe.
  await poll(() => refusals().length, { until: (n) => n >= refusedBefore + sizes.length, timeoutMs: 5000 });
  const refusal = refusals().at(-1);
  assert.ok(refusal && JSON.stringify(refusal).length < 1000, 'the log line quotes the id cut short too');
});

test('unknown node: streams naming a node that does not exist cost no mesh rebuild until the mesh changes', async () => {
  const known = open();
  known.send({ node: { id: `mesh/${MESH}/virtualNode/${demo.clientName}` }, type_url: T.cds });
  assert.equal((await known.next()).type_url, T.cds);
  const refuse = async (name: string) => {
    const s = open();
    s.send({ node: { id: `mesh/${MESH}/virtualNode/${name}` }, type_url: T.cds });
    const status = await s.closed;
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.match(status.details, /not found/);
  };
  await refuse('ghost-0'); // the first one reads the mesh once
  const builds = await metric('appmeshd_mesh_snapshot_builds_total');
  const translations = await metric('appmeshd_xds_translations_total');
  for (let i = 1; i <= 20; i++) await refuse(`ghost-${i}`);
  assert.equal(await metric('appmeshd_mesh_snapshot_builds_total'), builds, '20 unknown nodes rebuilt the mesh');
  assert.equal(await metric('appmeshd_xds_translations_total'), translations, '20 unknown nodes were translated');

  // A change of the mesh ends the negative answer: a node created now is admitted at once.
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'ghost-21',
      spec: {
        listeners: [{ portMapping: { port: 9000, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
      },
    }),
  );
  const late = open();
  late.send({ node: { id: `mesh/${MESH}/virtualNode/ghost-21` }, type_url: T.cds });
  assert.equal((await late.next()).type_url, T.cds);
});

test('50 non-reading streams and 200 pushes: memory stays bounded and stale versions are never queued', async (t) => {
  const node = `mesh/${MESH}/virtualNode/${demo.clientName}`;
  const readers: AdsStream<SotwResponse>[] = [];
  for (let i = 0; i < 49; i++) {
    // with the stream of the previous test: App Mesh's 50 Envoys per node
    const s = open();
    s.send({ node: { id: node }, type_url: T.cds });
    s.send({ node: { id: node }, type_url: T.lds });
    assert.equal((await s.next()).type_url, T.cds);
    s.call.pause(); // reads nothing from now on
    readers.push(s);
  }
  const rssBefore = rssBytes(server.process.pid!);
  const update = async (i: number) => {
    // Past the debounce, so each change is its own push.
    await new Promise((r) => setTimeout(r, 30));
    // A new address for a backend: a new cluster list (wildcard CDS) for every client stream.
    await mesh.send(
      new UpdateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'backend-a',
        spec: {
          listeners: [{ portMapping: { port: 18081, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: `backend-${i}.local` } },
        },
      }),
    );
  };
  // 150 changes fill what a stalled stream can hold: its HTTP/2 window (64 KiB, about 70
  // cluster lists of this mesh) and the stream buffers on both sides.
  for (let i = 0; i < 150; i++) await update(i);
  await pushesSettled();
  const pushesBefore = await metric('appmeshd_xds_pushes_total');
  const buildsBefore = await metric('appmeshd_mesh_snapshot_builds_total');
  // 50 more: each would queue one more cluster list on each of the 49 streams.
  for (let i = 150; i < 200; i++) await update(i);
  await pushesSettled(); // the last debounced push
  const rebuilt = (await metric('appmeshd_mesh_snapshot_builds_total')) - buildsBefore;
  const pushes = (await metric('appmeshd_xds_pushes_total')) - pushesBefore;
  const grown = rssBytes(server.process.pid!) - rssBefore;
  assert.ok(rebuilt >= 40, `only ${rebuilt} of the last 50 mesh changes reached the server`);
  assert.ok(pushes < 49 * 3, `${pushes} responses sent for the last ${rebuilt} changes to 49 stalled streams`);
  const deferred = await metric('appmeshd_xds_pushes_deferred_total');
  assert.ok(deferred >= 49, `${deferred} pushes deferred`);
  assert.ok(grown < 64 * MiB, `server RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
  t.diagnostic(
    `${pushes} responses sent for the last ${rebuilt} of 200 changes to 49 stalled streams; ${deferred} pushes deferred; RSS ${(grown / MiB).toFixed(1)} MiB more`,
  );

  // A stream that reads again ends up on the newest configuration: what it missed while
  // stalled is not replayed version by version; it gets the latest once it drains.
  const reader = readers[0]!;
  for (const s of readers.slice(1)) s.close();
  const fresh = open();
  fresh.send({ node: { id: node }, type_url: T.cds });
  const current = await fresh.next();
  reader.call.resume();
  let lastCds: SotwResponse | undefined;
  // Drained once the current list arrives (nothing changes after it); a missing one ends at the timeout.
  while (lastCds?.version_info !== current.version_info) {
    const r = await reader.next(5000).catch(() => undefined);
    if (!r) break;
    if (r.type_url === T.cds) lastCds = r;
  }
  assert.equal(lastCds?.version_info, current.version_info, 'the resumed stream holds the current cluster list');
});

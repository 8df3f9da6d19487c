// The connected-Envoy quota at admission (gRPC code 8 past "Connected Envoy processes per virtual node"), and ACM
// warnings as an operator sees them (config-dump, server log).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { CreateVirtualNodeCommand, type AppMeshClient } from '@aws-sdk/client-app-mesh';
import { connectedProxies } from '../../helpers/admin.js';
import { poll, until } from '../../helpers/wait.js';
import { cliPath, startServer, type RunningServer } from '../../helpers/server.js';
import { T, openAds, signedMetadata, type AdsStream, type SotwResponse } from './ads-client.js';
import { appMesh, createDemoMesh } from './mesh-fixture.js';

let server: RunningServer;
let xdsPort: number;
let mesh: AppMeshClient;
const MESH = 'q1';
const NODE = `mesh/${MESH}/virtualNode/client`;
const streams: AdsStream<unknown>[] = [];

function open(): AdsStream<SotwResponse> {
  const s = openAds<SotwResponse>(xdsPort, {
    metadata: signedMetadata({ authority: `127.0.0.1:${xdsPort}`, ...server.credentials, region: server.region }),
  });
  streams.push(s as AdsStream<unknown>);
  return s;
}

/** A stream that identified as `node` and got its first response (admitted). */
async function admitted(node: string): Promise<AdsStream<SotwResponse>> {
  const s = open();
  s.send({ node: { id: node }, type_url: T.cds });
  assert.equal((await s.next()).type_url, T.cds);
  return s;
}

before(async () => {
  server = await startServer({ args: ['--quota', 'envoysPerVirtualNode=1'] });
  xdsPort = Number(server.ready.xdsPort);
  mesh = appMesh(server);
  await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'http',
    serviceName: 'svc.local',
    servicePort: 8080,
    backends: [{ name: 'backend-a', port: 18081, weight: 1 }],
  });
});

after(async () => {
  for (const s of streams) s.close();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

test('quota 1: a second stream for the same node is closed with code 8; after the first closes, a new one is admitted', async () => {
  const first = await admitted(NODE);
  const other = await admitted(`mesh/${MESH}/virtualNode/backend-a`); // another node has its own count

  const second = open();
  second.send({ node: { id: NODE }, type_url: T.cds });
  const st = await second.closed;
  assert.equal(st.code, grpc.status.RESOURCE_EXHAUSTED, st.details);
  assert.match(st.details, /Connected Envoy processes per virtual node: 1/);
  const text = await (await fetch(`${server.endpoint}/metrics`)).text();
  assert.match(text, /appmeshd_xds_admission_refusals_total\{reason="resource_exhausted"\} 1\b/);

  first.close();
  await until(async () => !(await connectedProxies(server)).some((p) => p.nodeId === NODE), {
    timeoutMs: 5000,
    what: 'the first stream to leave /admin/proxies',
  });
  const third = await admitted(NODE);
  assert.equal(third.pendingCount(), 0);
  third.close();
  other.close();
});

test('ACM: config-dump shows the warnings, the server logs them', async () => {
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'acm',
      spec: {
        listeners: [
          {
            portMapping: { port: 8443, protocol: 'http' },
            tls: {
              mode: 'STRICT',
              certificate: { acm: { certificateArn: `arn:aws:acm:${server.region}:111122223333:certificate/x` } },
            },
          },
        ],
        serviceDiscovery: { dns: { hostname: 'acm.local' } },
      },
    }),
  );
  const node = `mesh/${MESH}/virtualNode/acm`;
  const run = promisify(execFile);
  const env = {
    ...process.env,
    APPMESHD_ROOT_ACCESS_KEY_ID: server.credentials.accessKeyId,
    APPMESHD_ROOT_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
  };
  const out = await run(
    process.execPath,
    [cliPath, 'config-dump', node, '--endpoint', server.endpoint, '--region', server.region],
    { env },
  );
  const dump = JSON.parse(out.stdout);
  assert.equal(dump.warnings.length, 1);
  assert.match(dump.warnings[0], /listener http 8443: TLS mode STRICT with an ACM certificate.*refuses connections/);
  assert.match(out.stderr, /^warning: virtual node acm listener http 8443/m);
  const listeners = dump.configs.find((c: any) => c['@type'].endsWith('ListenersConfigDump'));
  assert.ok(
    !listeners.dynamic_listeners.some((l: any) => l.name.includes('15000')),
    'no ingress listener: the only port is refused',
  );
  const failClosed = () =>
    server.logs.filter(
      (l) => l.msg === 'proxy configuration fails closed where App Mesh features cannot exist self-hosted',
    );
  // The line can still be on its way through the server's stderr pipe.
  const logged = await poll(failClosed, { until: (lines) => lines.length > 0, timeoutMs: 5000 });
  assert.equal(logged.length, 1, 'once for this snapshot and identity');
  assert.deepEqual(logged[0]!.warnings, dump.warnings);
});

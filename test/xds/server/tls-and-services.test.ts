// The xDS port with TLS (--xds-tls-cert/--xds-tls-key), the single-type services, unsigned
// streams under --xds-allow-unauthenticated, and a proxy whose virtual node is deleted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CreateVirtualNodeCommand, DeleteVirtualNodeCommand, type AppMeshClient } from '@aws-sdk/client-app-mesh';
import { startServer, type RunningServer } from '../../helpers/server.js';
import { T, openAds, resourceName, type AdsStream, type SotwResponse } from './ads-client.js';
import { appMesh, createDemoMesh } from './mesh-fixture.js';

let server: RunningServer;
let mesh: AppMeshClient;
let certDir: string;
let tls: grpc.ChannelCredentials;
let xdsPort: number;
const streams: AdsStream<SotwResponse>[] = [];
const MESH = 'tls-mesh';

function open(opts: Parameters<typeof openAds>[1] = {}): AdsStream<SotwResponse> {
  const s = openAds<SotwResponse>(xdsPort, { credentials: tls, ...opts });
  streams.push(s);
  return s;
}

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'appmeshd-xds-tls-'));
  const cert = join(certDir, 'cert.pem');
  const key = join(certDir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  tls = grpc.credentials.createSsl(readFileSync(cert));
  server = await startServer({ args: ['--xds-tls-cert', cert, '--xds-tls-key', key, '--xds-allow-unauthenticated'] });
  xdsPort = Number(server.ready.xdsPort);
  mesh = appMesh(server);
  await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'http',
    serviceName: 'svc.local',
    servicePort: 8080,
    backends: [{ name: 'backend', port: 18090, weight: 100 }],
  });
});

after(async () => {
  for (const s of streams) s.close();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
  rmSync(certDir, { recursive: true, force: true });
});

test('TLS: an unsigned ADS stream is admitted under --xds-allow-unauthenticated', async () => {
  const s = open();
  s.send({ node: { id: `mesh/${MESH}/virtualNode/client` }, type_url: T.lds });
  const r = await s.next();
  assert.equal(r.type_url, T.lds);
  assert.ok((r.resources ?? []).map(resourceName).includes('lds_egress_0.0.0.0_15001'));
});

test('plaintext is refused on a TLS port', async () => {
  const s = open({ credentials: grpc.credentials.createInsecure() });
  s.send({ node: { id: `mesh/${MESH}/virtualNode/client` }, type_url: T.lds });
  assert.equal((await s.closed).code, grpc.status.UNAVAILABLE);
});

test('the cluster discovery service serves clusters on its own stream', async () => {
  const s = open({ clustersOnly: true });
  s.send({ node: { id: `mesh/${MESH}/virtualNode/client` } });
  const r = await s.next();
  assert.equal(r.type_url, T.cds);
  assert.ok((r.resources ?? []).map(resourceName).some((n) => n.includes('backend')));
});

test('deleting the virtual node closes its streams with code 3', async () => {
  await mesh.send(new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'short-lived', spec: {} }));
  const s = open();
  s.send({ node: { id: `mesh/${MESH}/virtualNode/short-lived` }, type_url: T.cds });
  await s.next();
  await mesh.send(new DeleteVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'short-lived' }));
  const st = await s.closed;
  assert.equal(st.code, 3);
  assert.match(st.details, /short-lived/);
});

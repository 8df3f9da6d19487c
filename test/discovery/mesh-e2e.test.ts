// End to end: gRPC backends register themselves in Cloud Map, and a proxyless
// @grpc/grpc-js-xds client reaches them through a virtual service whose provider node
// discovers them with an attribute filter. Register, deregister and health changes must
// reach the client through the change feed → snapshot → push path within one second.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  type AppMeshClient,
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  CreateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { startServer, type RunningServer } from '../helpers/server.js';
import type { BurstCommand, BurstResult } from '../xds/e2e/client-process.js';
import { type Backend, startBackend } from '../xds/e2e/echo.js';
import { appMesh } from '../xds/server/mesh-fixture.js';
import { sdClient } from './fixtures.js';

const MESH = 'cloudmap-mesh';
const VIRTUAL_SERVICE = 'echo.mesh.local';
const PORT = 8080;
/** The requirement is one second; the margin absorbs a loaded test machine. */
const BOUND_MS = 1000;
const MARGIN_MS = 500;

let server: RunningServer;
let sd: ServiceDiscovery;
let mesh: AppMeshClient;
let serviceId: string;
let backends: Record<'b1' | 'b2' | 'b3' | 'other', Backend>;
let clientProc: ChildProcess;
const waiting = new Map<number, (r: BurstResult) => void>();
let nextId = 0;

function burst(opts: Omit<BurstCommand, 'id'>): Promise<BurstResult> {
  const id = ++nextId;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    clientProc.stdin!.write(`${JSON.stringify({ ...opts, id })}\n`);
  });
}

/** Registers a backend as an instance of the Cloud Map service. */
async function register(name: keyof typeof backends, version: string): Promise<void> {
  await sd.registerInstance({
    ServiceId: serviceId,
    InstanceId: name,
    Attributes: { AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: String(backends[name].port), version },
  });
}

/** Time from `change` returning until a burst is served exactly by `expected`; fails after five seconds. */
async function msUntilServedBy(change: () => Promise<unknown>, expected: string[]): Promise<number> {
  await change();
  const changed = Date.now();
  let last: BurstResult | undefined;
  while (Date.now() - changed < 5000) {
    last = await burst({ calls: 30, concurrency: 10 });
    const seen = Object.keys(last.backends).sort();
    if (!Object.keys(last.errors).length && JSON.stringify(seen) === JSON.stringify([...expected].sort()))
      return Date.now() - changed;
  }
  assert.fail(`never served by exactly ${expected.join(', ')}; last burst: ${JSON.stringify(last)}`);
}

before(async () => {
  backends = {
    b1: await startBackend('b1'),
    b2: await startBackend('b2'),
    b3: await startBackend('b3'),
    other: await startBackend('other'),
  };
  server = await startServer({ args: ['--xds-allow-unauthenticated'] });
  sd = sdClient(server);
  mesh = appMesh(server);

  const op = (await sd.createHttpNamespace({ Name: 'apps.local' })).OperationId!;
  const namespaceId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
  serviceId = (await sd.createService({ Name: 'echo', NamespaceId: namespaceId, HealthCheckCustomConfig: {} })).Service!
    .Id!;
  await register('b1', 'v1');
  await register('b2', 'v1');
  // Same service, other version: the node's attribute filter must keep it out.
  await register('other', 'v2');

  await mesh.send(new CreateMeshCommand({ meshName: MESH }));
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'echo-v1',
      spec: {
        listeners: [{ portMapping: { port: PORT, protocol: 'grpc' } }],
        serviceDiscovery: {
          awsCloudMap: {
            namespaceName: 'apps.local',
            serviceName: 'echo',
            attributes: [{ key: 'version', value: 'v1' }],
          },
        },
      },
    }),
  );
  await mesh.send(
    new CreateVirtualServiceCommand({
      meshName: MESH,
      virtualServiceName: VIRTUAL_SERVICE,
      spec: { provider: { virtualNode: { virtualNodeName: 'echo-v1' } } },
    }),
  );
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'client',
      spec: { backends: [{ virtualService: { virtualServiceName: VIRTUAL_SERVICE } }] },
    }),
  );

  const bootstrap = {
    xds_servers: [
      {
        server_uri: `127.0.0.1:${server.ready.xdsPort}`,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: { id: `mesh/${MESH}/virtualNode/client`, locality: {} },
  };
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'xds', 'e2e', 'client-process.js');
  clientProc = spawn(process.execPath, [script, `xds:///${VIRTUAL_SERVICE}:${PORT}`], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  createInterface({ input: clientProc.stdout! }).on('line', (line) => {
    const r = JSON.parse(line) as BurstResult;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
});

after(async () => {
  clientProc?.stdin?.end();
  if (clientProc && clientProc.exitCode === null) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => clientProc.kill('SIGKILL'), 3000);
      clientProc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  sd?.destroy();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
  for (const b of Object.values(backends ?? {})) await b.stop();
});

test('calls reach exactly the registered instances that match the attribute filter', async () => {
  await msUntilServedBy(async () => {}, ['b1', 'b2']);
  const r = await burst({ calls: 200, concurrency: 20 });
  assert.deepEqual(r.errors, {}, r.firstError);
  assert.deepEqual(Object.keys(r.backends).sort(), ['b1', 'b2']);
  assert.ok(r.backends.b1! >= 50 && r.backends.b2! >= 50, `both serve: ${JSON.stringify(r.backends)}`);
});

test('a newly registered instance comes into rotation within one second', async (t) => {
  const ms = await msUntilServedBy(() => register('b3', 'v1'), ['b1', 'b2', 'b3']);
  t.diagnostic(`in rotation after ${ms} ms`);
  assert.ok(ms < BOUND_MS + MARGIN_MS, `took ${ms} ms`);
});

test('marking an instance unhealthy moves all traffic to the others within one second', async (t) => {
  const ms = await msUntilServedBy(
    () => sd.updateInstanceCustomHealthStatus({ ServiceId: serviceId, InstanceId: 'b2', Status: 'UNHEALTHY' }),
    ['b1', 'b3'],
  );
  t.diagnostic(`moved after ${ms} ms`);
  assert.ok(ms < BOUND_MS + MARGIN_MS, `took ${ms} ms`);
  const settled = await burst({ calls: 100, concurrency: 20 });
  assert.equal(settled.backends.b2, undefined, JSON.stringify(settled.backends));
});

test('deregistering an instance moves all traffic to the others within one second', async (t) => {
  const ms = await msUntilServedBy(() => sd.deregisterInstance({ ServiceId: serviceId, InstanceId: 'b1' }), ['b3']);
  t.diagnostic(`moved after ${ms} ms`);
  assert.ok(ms < BOUND_MS + MARGIN_MS, `took ${ms} ms`);
  const settled = await burst({ calls: 100, concurrency: 20 });
  assert.deepEqual(settled.backends, { b3: 100 }, settled.firstError);
});

test('an instance marked healthy again is back in rotation', async () => {
  await msUntilServedBy(
    () => sd.updateInstanceCustomHealthStatus({ ServiceId: serviceId, InstanceId: 'b2', Status: 'HEALTHY' }),
    ['b2', 'b3'],
  );
});

// Real @grpc/grpc-js-xds clients and real gRPC backends against a running appmeshd: the
// mesh's routes, weights, header matches and retry policies decide where calls land.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import {
  CreateRouteCommand,
  DeleteRouteCommand,
  UpdateRouteCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { startServer, type RunningServer } from '../../helpers/server.js';
import { appMesh, createDemoMesh } from '../server/mesh-fixture.js';
import type { BurstCommand, BurstResult } from './client-process.js';
import { ECHO_SERVICE, startBackend, type Backend } from './echo.js';
import { poll } from '../../helpers/wait.js';

const MESH = 'grpc-mesh';
const SERVICE = 'echo.local';
const PORT = 8080;

let server: RunningServer;
let mesh: AppMeshClient;
let backends: Record<'a' | 'b' | 'canary' | 'flaky', Backend>;
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

const share = (r: BurstResult, name: string) =>
  (r.backends[name] ?? 0) / Object.values(r.backends).reduce((a, b) => a + b, 0);

async function updateDefaultRoute(targets: { name: string; weight: number }[], extra = {}): Promise<void> {
  await mesh.send(
    new UpdateRouteCommand({
      meshName: MESH,
      virtualRouterName: 'router',
      routeName: 'route',
      spec: {
        priority: 10,
        grpcRoute: {
          match: { serviceName: ECHO_SERVICE },
          action: { weightedTargets: targets.map((t) => ({ virtualNode: t.name, weight: t.weight })) },
          ...extra,
        },
      },
    }),
  );
}

before(async () => {
  backends = {
    a: await startBackend('a'),
    b: await startBackend('b'),
    canary: await startBackend('canary'),
    flaky: await startBackend('flaky', { failFirstAttempt: true }),
  };
  server = await startServer({ args: ['--xds-allow-unauthenticated'] });
  mesh = appMesh(server);
  const vn = (k: keyof typeof backends) => ({ name: `vn-${k}`, port: backends[k].port });
  await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'grpc',
    serviceName: SERVICE,
    servicePort: PORT,
    backends: [
      { ...vn('a'), weight: 80 },
      { ...vn('b'), weight: 20 },
      { ...vn('canary'), weight: 0 },
      { ...vn('flaky'), weight: 0 },
    ],
    route: {
      priority: 10,
      grpcRoute: {
        match: { serviceName: ECHO_SERVICE },
        action: {
          weightedTargets: [
            { virtualNode: 'vn-a', weight: 80 },
            { virtualNode: 'vn-b', weight: 20 },
          ],
        },
      },
    },
  });
  await mesh.send(
    new CreateRouteCommand({
      meshName: MESH,
      virtualRouterName: 'router',
      routeName: 'canary',
      spec: {
        priority: 0,
        grpcRoute: {
          match: { serviceName: ECHO_SERVICE, metadata: [{ name: 'x-canary', match: { exact: 'yes' } }] },
          action: { weightedTargets: [{ virtualNode: 'vn-canary', weight: 100 }] },
        },
      },
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
  const script = join(dirname(fileURLToPath(import.meta.url)), 'client-process.js');
  clientProc = spawn(process.execPath, [script, `xds:///${SERVICE}:${PORT}`], {
    env: {
      ...process.env,
      GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap),
      // XDS_E2E_TRACE=1 shows what the client asks for and receives.
      ...(process.env.XDS_E2E_TRACE ? { GRPC_TRACE: 'xds_client,xds_resolver', GRPC_VERBOSITY: 'DEBUG' } : {}),
    },
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
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
  for (const b of Object.values(backends ?? {})) await b.stop();
});

test('an 80/20 route splits 1,000 calls within ±5 points', async () => {
  const r = await burst({ calls: 1000, concurrency: 25 });
  assert.deepEqual(r.errors, {}, r.firstError);
  assert.ok(Math.abs(share(r, 'a') - 0.8) <= 0.05, `a got ${share(r, 'a')}: ${JSON.stringify(r.backends)}`);
  assert.ok(Math.abs(share(r, 'b') - 0.2) <= 0.05, `b got ${share(r, 'b')}`);
});

test('a header-matched route sends matching calls to its own target', async () => {
  const matching = await burst({ calls: 50, metadata: { 'x-canary': 'yes' } });
  assert.deepEqual(matching.backends, { canary: 50 }, matching.firstError);
  const other = await burst({ calls: 50, metadata: { 'x-canary': 'no' } });
  assert.equal(other.backends.canary, undefined);
});

test('after UpdateRoute to 0/100, calls shift within one second', async () => {
  await updateDefaultRoute([
    { name: 'vn-a', weight: 0 },
    { name: 'vn-b', weight: 100 },
  ]);
  const updated = Date.now();
  let shiftedAt: number | undefined;
  while (Date.now() - updated < 5000) {
    const r = await burst({ calls: 20, concurrency: 10 });
    if (r.backends.b === 20) {
      shiftedAt = Date.now();
      break;
    }
  }
  assert.ok(shiftedAt !== undefined, 'calls shifted');
  assert.ok(shiftedAt - updated < 1000, `shifted after ${shiftedAt - updated} ms`);
  const settled = await burst({ calls: 200 });
  assert.deepEqual(settled.backends, { b: 200 });
});

test("a retry policy turns a backend's first UNAVAILABLE into a success", async () => {
  const retry = {
    retryPolicy: {
      grpcRetryEvents: ['unavailable' as const],
      maxRetries: 2,
      perRetryTimeout: { unit: 'ms' as const, value: 2000 },
    },
  };
  await updateDefaultRoute([{ name: 'vn-flaky', weight: 100 }], retry);
  const r = await poll(() => burst({ calls: 20, concurrency: 10 }), {
    until: (b) => b.backends.flaky === 20,
    timeoutMs: 30_000,
  });
  assert.deepEqual(r.backends, { flaky: 20 }, r.firstError);
  assert.ok(
    [...backends.flaky.attempts.values()].some((n) => n >= 2),
    'the first attempt failed and was retried',
  );
});

test('deleting the routes makes calls fail fast with UNAVAILABLE', async () => {
  await mesh.send(new DeleteRouteCommand({ meshName: MESH, virtualRouterName: 'router', routeName: 'canary' }));
  await mesh.send(new DeleteRouteCommand({ meshName: MESH, virtualRouterName: 'router', routeName: 'route' }));
  const r = await poll(() => burst({ calls: 10, deadlineMs: 10_000 }), {
    until: (b) => b.errors['14'] === 10,
    timeoutMs: 30_000,
  });
  assert.deepEqual(r.errors, { 14: 10 }, JSON.stringify(r));
  assert.ok(r.slowestMs < 2000, `failed within ${r.slowestMs} ms, far below the 10 s deadline`);
});

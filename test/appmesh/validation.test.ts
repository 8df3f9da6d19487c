// Validation through the SDK and raw requests: every violation is collected, with its field path.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AppMesh, RouteSpec, VirtualNodeSpec } from '@aws-sdk/client-app-mesh';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { gateway, gatewayRoute, httpNode, httpRoute, meshClient, rejectsWith, router } from './fixtures.js';

let server: RunningServer;
let mesh: AppMesh;
const m = 'val';

before(async () => {
  server = await startServer();
  mesh = meshClient(server);
  await mesh.createMesh({ meshName: m });
  await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'vn', spec: httpNode('vn.local') });
  await mesh.createVirtualRouter({ meshName: m, virtualRouterName: 'vr', spec: router() });
  await mesh.createVirtualService({ meshName: m, virtualServiceName: 'svc.local', spec: {} });
  await mesh.createVirtualGateway({ meshName: m, virtualGatewayName: 'vg', spec: gateway() });
});
after(async () => {
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

const bad = (p: Promise<unknown>) => rejectsWith(p, 'BadRequestException', 400);
// The SDK types forbid what these tests send on purpose.
const loose = <T>(v: unknown) => v as T;

test('two bad fields: one BadRequestException naming both paths', async () => {
  const spec = loose<VirtualNodeSpec>({
    listeners: [{ portMapping: { port: 0, protocol: 'udp' } }],
    serviceDiscovery: { dns: { hostname: 'a.local' } },
  });
  const msg = await bad(mesh.createVirtualNode({ meshName: m, virtualNodeName: 'x', spec }));
  assert.match(msg, /2 validation errors/);
  assert.ok(msg.includes('spec.listeners[0].portMapping.port'), msg);
  assert.ok(msg.includes('spec.listeners[0].portMapping.protocol'), msg);
  await rejectsWith(mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'x' }), 'NotFoundException');
});

test('violations deep in lists and in several parts of a request are all reported', async () => {
  const spec = loose<RouteSpec>({
    priority: 1001,
    httpRoute: {
      match: { prefix: '/', method: 'FETCH', headers: [{ name: 'h', match: { exact: 'a', prefix: 'b' } }] },
      action: { weightedTargets: [{ virtualNode: 'vn', weight: 101 }] },
      retryPolicy: { maxRetries: -1, perRetryTimeout: { unit: 'h', value: 1 }, httpRetryEvents: ['server-error'] },
    },
  });
  const msg = await bad(mesh.createRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'r'.repeat(256), spec }));
  for (const path of [
    'routeName',
    'spec.priority',
    'spec.httpRoute.match.method',
    'spec.httpRoute.match.headers[0].match',
    'spec.httpRoute.action.weightedTargets[0].weight',
    'spec.httpRoute.retryPolicy.maxRetries',
    'spec.httpRoute.retryPolicy.perRetryTimeout.unit',
  ])
    assert.ok(msg.includes(`${path}:`), `${path} missing from: ${msg}`);
  assert.match(msg, /^7 validation errors/);
});

test('enums', async () => {
  const msg = await bad(mesh.createMesh({ meshName: 'enum', spec: loose({ egressFilter: { type: 'BLOCK' } }) }));
  assert.match(msg, /spec\.egressFilter\.type: must be one of ALLOW_ALL, DROP_ALL/);
  await bad(mesh.updateMesh({ meshName: m, spec: loose({ serviceDiscovery: { ipPreference: 'IPv5' } }) }));
});

test('patterns', async () => {
  const spec: VirtualNodeSpec = {
    serviceDiscovery: {
      awsCloudMap: { namespaceName: 'ns', serviceName: 's', attributes: [{ key: 'bad key', value: 'v' }] },
    },
  };
  const msg = await bad(mesh.createVirtualNode({ meshName: m, virtualNodeName: 'pat', spec }));
  assert.ok(msg.includes('spec.serviceDiscovery.awsCloudMap.attributes[0].key: must match pattern'), msg);
});

test('unions need exactly one member', async () => {
  const none = await bad(
    mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'u',
      spec: loose({ listeners: [{ portMapping: { port: 80, protocol: 'http' } }], serviceDiscovery: {} }),
    }),
  );
  assert.ok(none.includes('spec.serviceDiscovery: must set exactly one of'), none);
  // The SDK serializes whatever members are set; send a raw body too so both paths are covered.
  const body = JSON.stringify({
    virtualNodeName: 'u',
    spec: { serviceDiscovery: { dns: { hostname: 'a' }, awsCloudMap: { namespaceName: 'n', serviceName: 's' } } },
  });
  const res = await rawRequest(server, { method: 'PUT', path: `/v20190125/meshes/${m}/virtualNodes`, body });
  assert.equal(res.status, 400);
  assert.equal(res.errorType, 'BadRequestException');
  assert.match(String(res.json?.message), /spec\.serviceDiscovery: must set exactly one of .* \(2 set\)/);
  const cert = await bad(
    mesh.createVirtualGateway({
      meshName: m,
      virtualGatewayName: 'u',
      spec: loose({
        listeners: [{ portMapping: { port: 80, protocol: 'http' }, tls: { mode: 'STRICT', certificate: {} } }],
      }),
    }),
  );
  assert.ok(cert.includes('spec.listeners[0].tls.certificate: must set exactly one of'), cert);
  await bad(
    mesh.createRoute({
      meshName: m,
      virtualRouterName: 'vr',
      routeName: 'two',
      spec: { ...httpRoute('vn'), tcpRoute: { action: { weightedTargets: [{ virtualNode: 'vn', weight: 1 }] } } },
    }),
  );
  await bad(mesh.createRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'none', spec: { priority: 1 } }));
});

test('ranges', async () => {
  const spec = loose<VirtualNodeSpec>({
    listeners: [
      {
        portMapping: { port: 65536, protocol: 'http' },
        healthCheck: {
          protocol: 'http',
          path: '/',
          healthyThreshold: 1,
          unhealthyThreshold: 11,
          intervalMillis: 4999,
          timeoutMillis: 60001,
        },
      },
    ],
    serviceDiscovery: { dns: { hostname: 'a.local' } },
  });
  const msg = await bad(mesh.createVirtualNode({ meshName: m, virtualNodeName: 'r', spec }));
  for (const f of [
    'portMapping.port',
    'healthCheck.healthyThreshold',
    'healthCheck.unhealthyThreshold',
    'healthCheck.intervalMillis',
    'healthCheck.timeoutMillis',
  ]) {
    assert.ok(msg.includes(`spec.listeners[0].${f}`), `${f} missing from: ${msg}`);
  }
  await bad(mesh.listVirtualNodes({ meshName: m, limit: 101 }));
});

test('lengths of strings and lists', async () => {
  const long = await bad(mesh.createMesh({ meshName: 'm'.repeat(256) }));
  assert.ok(long.includes('meshName: must have at most 255 characters'), long);
  // The SDK refuses an empty label itself, so the empty name goes raw.
  const raw = await rawRequest(server, {
    method: 'PUT',
    path: '/v20190125/meshes',
    body: JSON.stringify({ meshName: '' }),
  });
  assert.equal(raw.errorType, 'BadRequestException');
  const targets = Array.from({ length: 11 }, () => ({ virtualNode: 'vn', weight: 1 }));
  const many = await bad(
    mesh.createRoute({
      meshName: m,
      virtualRouterName: 'vr',
      routeName: 'many',
      spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets } } },
    }),
  );
  assert.ok(many.includes('spec.httpRoute.action.weightedTargets: must have at most 10 items'), many);
  const tag = await bad(
    mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 't',
      spec: {},
      tags: [{ key: 'k'.repeat(129), value: 'v' }],
    }),
  );
  assert.ok(tag.includes('tags[0].key'), tag);
});

test('required members', async () => {
  const msg = await bad(mesh.createVirtualNode(loose({ meshName: m, virtualNodeName: 'req' })));
  assert.ok(msg.includes('spec: is required'), msg);
  const inner = await bad(
    mesh.createVirtualGateway({
      meshName: m,
      virtualGatewayName: 'req',
      spec: loose({ listeners: [{ portMapping: { port: 80 } }] }),
    }),
  );
  assert.ok(inner.includes('spec.listeners[0].portMapping.protocol: is required'), inner);
});

test('wrong JSON types', async () => {
  const body = JSON.stringify({ virtualNodeName: 'types', spec: { listeners: { port: 1 }, backends: 'x' } });
  const res = await rawRequest(server, { method: 'PUT', path: `/v20190125/meshes/${m}/virtualNodes`, body });
  assert.equal(res.errorType, 'BadRequestException');
  assert.match(
    String(res.json?.message),
    /spec\.listeners: expected a list.*spec\.backends: expected a list|spec\.backends: expected a list.*spec\.listeners: expected a list/,
  );
});

test('rules beyond the model are BadRequestException too', async () => {
  await bad(
    mesh.createRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'p', spec: httpRoute('vn', 'no-slash') }),
  );
  await bad(
    mesh.createGatewayRoute({
      meshName: m,
      virtualGatewayName: 'vg',
      gatewayRouteName: 'p',
      spec: gatewayRoute('svc.local', 'no-slash'),
    }),
  );
  await bad(
    mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'hc',
      spec: {
        listeners: [
          {
            portMapping: { port: 80, protocol: 'http' },
            healthCheck: {
              protocol: 'http',
              healthyThreshold: 2,
              unhealthyThreshold: 2,
              intervalMillis: 5000,
              timeoutMillis: 2000,
            },
          },
        ],
        serviceDiscovery: { dns: { hostname: 'a' } },
      },
    }),
  );
  await bad(
    mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'dupb',
      spec: {
        backends: [{ virtualService: { virtualServiceName: 'a' } }, { virtualService: { virtualServiceName: 'a' } }],
      },
    }),
  );
  await bad(
    mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'ports',
      spec: {
        listeners: [{ portMapping: { port: 80, protocol: 'http' } }, { portMapping: { port: 80, protocol: 'tcp' } }],
        serviceDiscovery: { dns: { hostname: 'a' } },
      },
    }),
  );
  // A route's protocol must match a listener of its router.
  await bad(
    mesh.createRoute({
      meshName: m,
      virtualRouterName: 'vr',
      routeName: 'proto',
      spec: { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'vn', weight: 1 }] } } },
    }),
  );
});

// Service quotas as configurable limits (LimitExceededException) and the tag limit
// (TooManyTagsException), against a server started with small --quota values.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AppMesh } from '@aws-sdk/client-app-mesh';
import { startServer, type RunningServer } from '../helpers/server.js';
import { gateway, gatewayRoute, httpNode, httpRoute, meshClient, rejectsWith, router } from './fixtures.js';

let server: RunningServer;
let mesh: AppMesh;

const quotas = {
  meshesPerAccount: 2,
  virtualNodesPerMesh: 2,
  virtualRoutersPerMesh: 1,
  virtualServicesPerMesh: 1,
  virtualGatewaysPerMesh: 1,
  routesPerVirtualRouter: 1,
  gatewayRoutesPerVirtualGateway: 1,
  backendsPerVirtualNode: 2,
};

before(async () => {
  server = await startServer({ args: Object.entries(quotas).flatMap(([k, v]) => ['--quota', `${k}=${v}`]) });
  mesh = meshClient(server);
});
after(async () => {
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

const limited = (p: Promise<unknown>) => rejectsWith(p, 'LimitExceededException', 400);

test('every per-mesh and per-parent quota is enforced, and deleting frees room', async () => {
  await mesh.createMesh({ meshName: 'q' });
  await mesh.createVirtualNode({ meshName: 'q', virtualNodeName: 'a', spec: httpNode('a.local') });
  await mesh.createVirtualNode({ meshName: 'q', virtualNodeName: 'b', spec: {} });
  await limited(mesh.createVirtualNode({ meshName: 'q', virtualNodeName: 'c', spec: {} }));
  await mesh.createVirtualRouter({ meshName: 'q', virtualRouterName: 'vr', spec: router() });
  await limited(mesh.createVirtualRouter({ meshName: 'q', virtualRouterName: 'vr2', spec: router() }));
  await mesh.createVirtualService({ meshName: 'q', virtualServiceName: 's1.local', spec: {} });
  await limited(mesh.createVirtualService({ meshName: 'q', virtualServiceName: 's2.local', spec: {} }));
  await mesh.createVirtualGateway({ meshName: 'q', virtualGatewayName: 'vg', spec: gateway() });
  const msg = await limited(mesh.createVirtualGateway({ meshName: 'q', virtualGatewayName: 'vg2', spec: gateway() }));
  assert.match(msg, /virtualGatewaysPerMesh/);
  await mesh.createRoute({ meshName: 'q', virtualRouterName: 'vr', routeName: 'r1', spec: httpRoute('a') });
  await limited(
    mesh.createRoute({ meshName: 'q', virtualRouterName: 'vr', routeName: 'r2', spec: httpRoute('a', '/2') }),
  );
  await mesh.createGatewayRoute({
    meshName: 'q',
    virtualGatewayName: 'vg',
    gatewayRouteName: 'g1',
    spec: gatewayRoute('s1.local'),
  });
  await limited(
    mesh.createGatewayRoute({
      meshName: 'q',
      virtualGatewayName: 'vg',
      gatewayRouteName: 'g2',
      spec: gatewayRoute('s1.local', '/2/'),
    }),
  );

  // The limit is per mesh: another mesh has its own room.
  await mesh.createMesh({ meshName: 'q2' });
  await mesh.createVirtualGateway({ meshName: 'q2', virtualGatewayName: 'vg2', spec: gateway() });
  await limited(mesh.createMesh({ meshName: 'q3' }));

  await mesh.deleteVirtualNode({ meshName: 'q', virtualNodeName: 'b' });
  await mesh.createVirtualNode({ meshName: 'q', virtualNodeName: 'c', spec: {} });
  await rejectsWith(mesh.describeVirtualNode({ meshName: 'q', virtualNodeName: 'b' }), 'NotFoundException');
});

test('backends per virtual node, on create and on update', async () => {
  const backends = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ virtualService: { virtualServiceName: `b${i}.local` } }));
  await limited(mesh.createVirtualNode({ meshName: 'q2', virtualNodeName: 'many', spec: { backends: backends(3) } }));
  await mesh.createVirtualNode({ meshName: 'q2', virtualNodeName: 'two', spec: { backends: backends(2) } });
  await limited(mesh.updateVirtualNode({ meshName: 'q2', virtualNodeName: 'two', spec: { backends: backends(3) } }));
  assert.equal(
    (await mesh.describeVirtualNode({ meshName: 'q2', virtualNodeName: 'two' })).virtualNode?.metadata?.version,
    1,
  );
});

test('more than 50 tags: TooManyTagsException at create and through TagResource, none applied', async () => {
  const tags = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));
  await rejectsWith(
    mesh.createVirtualNode({ meshName: 'q2', virtualNodeName: 'tags', spec: {}, tags: tags(51) }),
    'TooManyTagsException',
    400,
  );
  await rejectsWith(mesh.describeVirtualNode({ meshName: 'q2', virtualNodeName: 'tags' }), 'NotFoundException');
  const vn = (await mesh.createVirtualNode({ meshName: 'q2', virtualNodeName: 'tags', spec: {}, tags: tags(50) }))
    .virtualNode!;
  const resourceArn = vn.metadata!.arn!;
  // Overwriting existing keys does not add tags.
  await mesh.tagResource({ resourceArn, tags: tags(10) });
  await rejectsWith(
    mesh.tagResource({ resourceArn, tags: [{ key: 'one-more', value: 'v' }] }),
    'TooManyTagsException',
    400,
  );
  await rejectsWith(mesh.tagResource({ resourceArn, tags: tags(51, 'x') }), 'TooManyTagsException', 400);
  const listed = (await mesh.listTagsForResource({ resourceArn, limit: 50 })).tags ?? [];
  assert.equal(listed.length, 50);
  assert.ok(!listed.some((t) => t.key === 'one-more'));
});

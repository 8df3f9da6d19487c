// App Mesh semantics through the SDK: duplicate names, client tokens, missing parents,
// referential integrity on delete, and pagination.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  paginateListGatewayRoutes,
  paginateListMeshes,
  paginateListRoutes,
  paginateListTagsForResource,
  paginateListVirtualGateways,
  paginateListVirtualNodes,
  paginateListVirtualRouters,
  paginateListVirtualServices,
  type AppMesh,
} from '@aws-sdk/client-app-mesh';
import { TEST_ACCOUNT_ID, startServer, type RunningServer } from '../helpers/server.js';
import { gateway, gatewayRoute, httpNode, httpRoute, meshClient, rejectsWith, router } from './fixtures.js';

let server: RunningServer;
let mesh: AppMesh;

before(async () => {
  server = await startServer();
  mesh = meshClient(server);
});
after(async () => {
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

describe('names and client tokens', () => {
  before(async () => {
    await mesh.createMesh({ meshName: 'dup' });
    await mesh.createVirtualRouter({ meshName: 'dup', virtualRouterName: 'vr', spec: router() });
    await mesh.createVirtualNode({ meshName: 'dup', virtualNodeName: 'vn', spec: httpNode('vn.local') });
  });

  test('a duplicate name is a ConflictException for every resource type', async () => {
    await rejectsWith(mesh.createMesh({ meshName: 'dup' }), 'ConflictException', 409);
    await rejectsWith(
      mesh.createVirtualNode({ meshName: 'dup', virtualNodeName: 'vn', spec: {} }),
      'ConflictException',
      409,
    );
    await rejectsWith(
      mesh.createVirtualRouter({ meshName: 'dup', virtualRouterName: 'vr', spec: router() }),
      'ConflictException',
      409,
    );
    await mesh.createRoute({ meshName: 'dup', virtualRouterName: 'vr', routeName: 'rt', spec: httpRoute('vn') });
    await rejectsWith(
      mesh.createRoute({ meshName: 'dup', virtualRouterName: 'vr', routeName: 'rt', spec: httpRoute('vn') }),
      'ConflictException',
      409,
    );
    await mesh.createVirtualService({ meshName: 'dup', virtualServiceName: 'svc.local', spec: {} });
    await rejectsWith(
      mesh.createVirtualService({ meshName: 'dup', virtualServiceName: 'svc.local', spec: {} }),
      'ConflictException',
      409,
    );
    await mesh.createVirtualGateway({ meshName: 'dup', virtualGatewayName: 'vg', spec: gateway() });
    await rejectsWith(
      mesh.createVirtualGateway({ meshName: 'dup', virtualGatewayName: 'vg', spec: gateway() }),
      'ConflictException',
      409,
    );
    await mesh.createGatewayRoute({
      meshName: 'dup',
      virtualGatewayName: 'vg',
      gatewayRouteName: 'gr',
      spec: gatewayRoute('svc.local'),
    });
    await rejectsWith(
      mesh.createGatewayRoute({
        meshName: 'dup',
        virtualGatewayName: 'vg',
        gatewayRouteName: 'gr',
        spec: gatewayRoute('svc.local'),
      }),
      'ConflictException',
      409,
    );
  });

  test('the same name may live in two meshes, and a route name under two routers', async () => {
    await mesh.createMesh({ meshName: 'dup2' });
    await mesh.createVirtualNode({ meshName: 'dup2', virtualNodeName: 'vn', spec: {} });
    await mesh.createVirtualRouter({ meshName: 'dup', virtualRouterName: 'vr2', spec: router() });
    const rt = (
      await mesh.createRoute({ meshName: 'dup', virtualRouterName: 'vr2', routeName: 'rt', spec: httpRoute('vn') })
    ).route!;
    assert.match(rt.metadata?.arn ?? '', /virtualRouter\/vr2\/route\/rt$/);
  });

  test('a create retried with its clientToken returns the same resource', async () => {
    const clientToken = 'token-create-1';
    const first = (
      await mesh.createVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('i.local'),
        clientToken,
      })
    ).virtualNode!;
    const retry = (
      await mesh.createVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('i.local'),
        clientToken,
      })
    ).virtualNode!;
    assert.equal(retry.metadata?.uid, first.metadata?.uid);
    assert.equal(retry.metadata?.version, 1);
    assert.deepEqual(retry, first);
    await rejectsWith(
      mesh.createVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('other.local'),
        clientToken,
      }),
      'ConflictException',
      409,
    );
    await rejectsWith(
      mesh.createVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('i.local'),
        clientToken: 'another',
      }),
      'ConflictException',
      409,
    );

    const m1 = (await mesh.createMesh({ meshName: 'idem-mesh', clientToken: 'mesh-token' })).mesh!;
    const m2 = (await mesh.createMesh({ meshName: 'idem-mesh', clientToken: 'mesh-token' })).mesh!;
    assert.equal(m2.metadata?.uid, m1.metadata?.uid);
  });

  test('an update retried with its clientToken does not bump the version; reuse with another spec conflicts', async () => {
    const clientToken = 'token-update-1';
    const u1 = (
      await mesh.updateVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('u.local'),
        clientToken,
      })
    ).virtualNode!;
    assert.equal(u1.metadata?.version, 2);
    const u2 = (
      await mesh.updateVirtualNode({
        meshName: 'dup',
        virtualNodeName: 'vn-idem',
        spec: httpNode('u.local'),
        clientToken,
      })
    ).virtualNode!;
    assert.equal(u2.metadata?.version, 2);
    assert.equal(u2.metadata?.uid, u1.metadata?.uid);
    await rejectsWith(
      mesh.updateVirtualNode({ meshName: 'dup', virtualNodeName: 'vn-idem', spec: httpNode('v.local'), clientToken }),
      'ConflictException',
      409,
    );
    const u3 = (
      await mesh.updateVirtualNode({ meshName: 'dup', virtualNodeName: 'vn-idem', spec: httpNode('v.local') })
    ).virtualNode!;
    assert.equal(u3.metadata?.version, 3);
  });
});

describe('concurrency', () => {
  test('ten concurrent creates of one name: one succeeds, nine are ConflictException', async () => {
    await mesh.createMesh({ meshName: 'race' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => mesh.createVirtualNode({ meshName: 'race', virtualNodeName: 'same', spec: {} })),
    );
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name)).sort();
    assert.deepEqual(outcomes, ['ConflictException', ...Array(8).fill('ConflictException'), 'ok'].sort());
  });

  test('ten concurrent updates of one resource each get their own version', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        mesh.updateVirtualNode({ meshName: 'race', virtualNodeName: 'same', spec: httpNode('same.local', 1000 + i) }),
      ),
    );
    const versions = results.map((r) => r.virtualNode!.metadata!.version!).sort((a, b) => a - b);
    assert.deepEqual(versions, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const last = results.find((r) => r.virtualNode!.metadata!.version === 11)!;
    assert.deepEqual(
      (await mesh.describeVirtualNode({ meshName: 'race', virtualNodeName: 'same' })).virtualNode?.spec,
      last.virtualNode?.spec,
    );
  });
});

describe('tag keys', () => {
  test('a tag key given twice in one request is a BadRequestException', async () => {
    const tags = [
      { key: 'a', value: '1' },
      { key: 'a', value: '2' },
    ];
    await rejectsWith(
      mesh.createVirtualNode({ meshName: 'race', virtualNodeName: 'dup-tags', spec: {}, tags }),
      'BadRequestException',
      400,
    );
    const resourceArn = `arn:aws:appmesh:us-east-1:${TEST_ACCOUNT_ID}:mesh/race`;
    await rejectsWith(mesh.tagResource({ resourceArn, tags }), 'BadRequestException', 400);
    assert.deepEqual((await mesh.listTagsForResource({ resourceArn })).tags, []);
  });
});

describe('missing parents and references', () => {
  before(async () => {
    await mesh.createMesh({ meshName: 'refs' });
  });

  test('NotFoundException for a missing mesh, router, gateway or referenced resource', async () => {
    await rejectsWith(
      mesh.createVirtualNode({ meshName: 'no-mesh', virtualNodeName: 'a', spec: {} }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.createVirtualRouter({ meshName: 'no-mesh', virtualRouterName: 'a', spec: router() }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.createVirtualService({ meshName: 'no-mesh', virtualServiceName: 'a', spec: {} }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.createVirtualGateway({ meshName: 'no-mesh', virtualGatewayName: 'a', spec: gateway() }),
      'NotFoundException',
      404,
    );
    await rejectsWith(mesh.listVirtualNodes({ meshName: 'no-mesh' }), 'NotFoundException', 404);
    await rejectsWith(
      mesh.describeVirtualNode({ meshName: 'no-mesh', virtualNodeName: 'a' }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.createRoute({ meshName: 'refs', virtualRouterName: 'no-vr', routeName: 'a', spec: httpRoute('x') }),
      'NotFoundException',
      404,
    );
    await rejectsWith(mesh.listRoutes({ meshName: 'refs', virtualRouterName: 'no-vr' }), 'NotFoundException', 404);
    await rejectsWith(
      mesh.createGatewayRoute({
        meshName: 'refs',
        virtualGatewayName: 'no-vg',
        gatewayRouteName: 'a',
        spec: gatewayRoute('x'),
      }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.listGatewayRoutes({ meshName: 'refs', virtualGatewayName: 'no-vg' }),
      'NotFoundException',
      404,
    );
    const msg = await rejectsWith(
      mesh.describeVirtualNode({ meshName: 'refs', virtualNodeName: 'ghost' }),
      'NotFoundException',
      404,
    );
    assert.match(msg, /VirtualNode with name ghost is not present under mesh refs/);

    await rejectsWith(
      mesh.createVirtualService({
        meshName: 'refs',
        virtualServiceName: 's',
        spec: { provider: { virtualNode: { virtualNodeName: 'ghost' } } },
      }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.createVirtualService({
        meshName: 'refs',
        virtualServiceName: 's',
        spec: { provider: { virtualRouter: { virtualRouterName: 'ghost' } } },
      }),
      'NotFoundException',
      404,
    );
    await mesh.createVirtualRouter({ meshName: 'refs', virtualRouterName: 'vr', spec: router() });
    await rejectsWith(
      mesh.createRoute({ meshName: 'refs', virtualRouterName: 'vr', routeName: 'a', spec: httpRoute('ghost') }),
      'NotFoundException',
      404,
    );
    await mesh.createVirtualGateway({ meshName: 'refs', virtualGatewayName: 'vg', spec: gateway() });
    await rejectsWith(
      mesh.createGatewayRoute({
        meshName: 'refs',
        virtualGatewayName: 'vg',
        gatewayRouteName: 'a',
        spec: gatewayRoute('ghost.local'),
      }),
      'NotFoundException',
      404,
    );
  });

  test('a backend may name a virtual service that does not exist yet', async () => {
    const vn = (
      await mesh.createVirtualNode({
        meshName: 'refs',
        virtualNodeName: 'fwd',
        spec: { backends: [{ virtualService: { virtualServiceName: 'later.local' } }] },
      })
    ).virtualNode!;
    assert.equal(vn.spec?.backends?.[0]?.virtualService?.virtualServiceName, 'later.local');
  });

  test('meshOwner: the own account works, another account is NotFound', async () => {
    const d = await mesh.describeMesh({ meshName: 'refs', meshOwner: TEST_ACCOUNT_ID });
    assert.equal(d.mesh?.meshName, 'refs');
    await rejectsWith(
      mesh.describeVirtualNode({ meshName: 'refs', virtualNodeName: 'fwd', meshOwner: '999999999999' }),
      'NotFoundException',
      404,
    );
  });
});

describe('referential integrity', () => {
  const m = 'ri';
  before(async () => {
    await mesh.createMesh({ meshName: m });
    await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'target', spec: httpNode('t.local') });
    await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'provider', spec: httpNode('p.local') });
    await mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'client',
      spec: { backends: [{ virtualService: { virtualServiceName: 'by-node.local' } }] },
    });
    await mesh.createVirtualRouter({ meshName: m, virtualRouterName: 'vr', spec: router() });
    await mesh.createRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'rt', spec: httpRoute('target') });
    await mesh.createVirtualService({
      meshName: m,
      virtualServiceName: 'by-node.local',
      spec: { provider: { virtualNode: { virtualNodeName: 'provider' } } },
    });
    await mesh.createVirtualService({
      meshName: m,
      virtualServiceName: 'by-router.local',
      spec: { provider: { virtualRouter: { virtualRouterName: 'vr' } } },
    });
    await mesh.createVirtualGateway({ meshName: m, virtualGatewayName: 'vg', spec: gateway() });
    await mesh.createGatewayRoute({
      meshName: m,
      virtualGatewayName: 'vg',
      gatewayRouteName: 'gr',
      spec: gatewayRoute('by-router.local'),
    });
  });

  test('every delete that would break a reference is a ResourceInUseException, and nothing is deleted', async () => {
    const inUse = (p: Promise<unknown>) => rejectsWith(p, 'ResourceInUseException', 409);
    await inUse(mesh.deleteMesh({ meshName: m }));
    await inUse(mesh.deleteVirtualRouter({ meshName: m, virtualRouterName: 'vr' }));
    await inUse(mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'provider' }));
    await inUse(mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'target' }));
    await inUse(mesh.deleteVirtualGateway({ meshName: m, virtualGatewayName: 'vg' }));
    await inUse(mesh.deleteVirtualService({ meshName: m, virtualServiceName: 'by-router.local' }));
    for (const d of [
      mesh.describeMesh({ meshName: m }),
      mesh.describeVirtualRouter({ meshName: m, virtualRouterName: 'vr' }),
      mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'provider' }),
      mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'target' }),
      mesh.describeVirtualGateway({ meshName: m, virtualGatewayName: 'vg' }),
      mesh.describeVirtualService({ meshName: m, virtualServiceName: 'by-router.local' }),
    ])
      await d;
  });

  test('deleting in dependency order releases each resource', async () => {
    // Being a backend does not hold a virtual service.
    await mesh.deleteVirtualService({ meshName: m, virtualServiceName: 'by-node.local' });
    await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'provider' });
    await mesh.deleteGatewayRoute({ meshName: m, virtualGatewayName: 'vg', gatewayRouteName: 'gr' });
    await mesh.deleteVirtualGateway({ meshName: m, virtualGatewayName: 'vg' });
    await rejectsWith(
      mesh.deleteVirtualRouter({ meshName: m, virtualRouterName: 'vr' }),
      'ResourceInUseException',
      409,
    );
    await mesh.deleteVirtualService({ meshName: m, virtualServiceName: 'by-router.local' });
    await rejectsWith(
      mesh.deleteVirtualRouter({ meshName: m, virtualRouterName: 'vr' }),
      'ResourceInUseException',
      409,
    );
    // A route that no longer targets the node releases it.
    await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'other', spec: httpNode('o.local') });
    await mesh.updateRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'rt', spec: httpRoute('other') });
    await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'target' });
    await mesh.deleteRoute({ meshName: m, virtualRouterName: 'vr', routeName: 'rt' });
    await mesh.deleteVirtualRouter({ meshName: m, virtualRouterName: 'vr' });
    await rejectsWith(mesh.deleteMesh({ meshName: m }), 'ResourceInUseException', 409);
    await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'client' });
    await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'other' });
    assert.equal((await mesh.deleteMesh({ meshName: m })).mesh?.status?.status, 'DELETED');
  });
});

describe('pagination', () => {
  const m = 'pages';
  before(async () => {
    await mesh.createMesh({ meshName: m });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        mesh.createVirtualNode({ meshName: m, virtualNodeName: `vn-${String(i).padStart(2, '0')}`, spec: {} }),
      ),
    );
  });

  test('paginateListVirtualNodes over 25 nodes with limit 7 gives 7, 7, 7, 4 in name order', async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    for await (const page of paginateListVirtualNodes({ client: mesh, pageSize: 7 }, { meshName: m })) {
      sizes.push(page.virtualNodes?.length ?? 0);
      names.push(...(page.virtualNodes ?? []).map((n) => n.virtualNodeName!));
    }
    assert.deepEqual(sizes, [7, 7, 7, 4]);
    assert.deepEqual(
      names,
      Array.from({ length: 25 }, (_, i) => `vn-${String(i).padStart(2, '0')}`),
    );
  });

  test('limit 1 and 100 are accepted; no nextToken on the last page', async () => {
    const one = await mesh.listVirtualNodes({ meshName: m, limit: 1 });
    assert.equal(one.virtualNodes?.length, 1);
    assert.ok(one.nextToken);
    const all = await mesh.listVirtualNodes({ meshName: m, limit: 100 });
    assert.equal(all.virtualNodes?.length, 25);
    assert.equal(all.nextToken, undefined);
    const exact = await mesh.listVirtualNodes({ meshName: m, limit: 25 });
    assert.equal(exact.nextToken, undefined, 'a page that ends exactly at the last item has no nextToken');
  });

  test('limit 0 or 101 is a BadRequestException', async () => {
    await rejectsWith(mesh.listVirtualNodes({ meshName: m, limit: 0 }), 'BadRequestException', 400);
    await rejectsWith(mesh.listVirtualNodes({ meshName: m, limit: 101 }), 'BadRequestException', 400);
    await rejectsWith(mesh.listMeshes({ limit: 0 }), 'BadRequestException', 400);
  });

  test('a forged, tampered or foreign nextToken is a BadRequestException', async () => {
    const { nextToken } = await mesh.listVirtualNodes({ meshName: m, limit: 3 });
    assert.ok(nextToken);
    await rejectsWith(mesh.listVirtualNodes({ meshName: m, nextToken: 'forged' }), 'BadRequestException', 400);
    await rejectsWith(
      mesh.listVirtualNodes({ meshName: m, nextToken: `${nextToken.slice(0, -2)}AA` }),
      'BadRequestException',
      400,
    );
    const [payload, mac] = nextToken.split('.');
    const other = Buffer.from(JSON.stringify(['virtualNode:pages', 'vn-20'])).toString('base64url');
    assert.notEqual(other, payload);
    await rejectsWith(mesh.listVirtualNodes({ meshName: m, nextToken: `${other}.${mac}` }), 'BadRequestException', 400);
    // Issued for this mesh's virtual nodes: not valid for another listing.
    await rejectsWith(mesh.listVirtualServices({ meshName: m, nextToken }), 'BadRequestException', 400);
    await rejectsWith(mesh.listMeshes({ nextToken }), 'BadRequestException', 400);
    await mesh.createMesh({ meshName: 'pages-other' });
    await rejectsWith(mesh.listVirtualNodes({ meshName: 'pages-other', nextToken }), 'BadRequestException', 400);
    await mesh.deleteMesh({ meshName: 'pages-other' });
  });

  test('a page stays correct when the item at the cursor is deleted between pages', async () => {
    await mesh.createMesh({ meshName: 'pages-del' });
    for (const n of ['a', 'b', 'c', 'd'])
      await mesh.createVirtualNode({ meshName: 'pages-del', virtualNodeName: n, spec: {} });
    const first = await mesh.listVirtualNodes({ meshName: 'pages-del', limit: 2 });
    await mesh.deleteVirtualNode({ meshName: 'pages-del', virtualNodeName: 'b' });
    const second = await mesh.listVirtualNodes({ meshName: 'pages-del', limit: 2, nextToken: first.nextToken! });
    assert.deepEqual(
      (second.virtualNodes ?? []).map((n) => n.virtualNodeName),
      ['c', 'd'],
    );
  });

  test('every paginator works', async () => {
    const p = 'pages-all';
    await mesh.createMesh({ meshName: p });
    await mesh.createVirtualNode({ meshName: p, virtualNodeName: 'vn', spec: httpNode('vn.local') });
    for (const i of [1, 2, 3]) {
      await mesh.createVirtualRouter({ meshName: p, virtualRouterName: `vr${i}`, spec: router() });
      await mesh.createVirtualService({ meshName: p, virtualServiceName: `s${i}.local`, spec: {} });
      await mesh.createRoute({
        meshName: p,
        virtualRouterName: 'vr1',
        routeName: `rt${i}`,
        spec: httpRoute('vn', `/p${i}`),
      });
    }
    await mesh.createVirtualGateway({ meshName: p, virtualGatewayName: 'vg1', spec: gateway() });
    await mesh.createVirtualGateway({ meshName: p, virtualGatewayName: 'vg2', spec: gateway() });
    for (const i of [1, 2, 3]) {
      await mesh.createGatewayRoute({
        meshName: p,
        virtualGatewayName: 'vg1',
        gatewayRouteName: `gr${i}`,
        spec: gatewayRoute('s1.local', `/g${i}/`),
      });
    }
    const vn = await mesh.describeVirtualNode({ meshName: p, virtualNodeName: 'vn' });
    await mesh.tagResource({
      resourceArn: vn.virtualNode!.metadata!.arn!,
      tags: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ],
    });

    async function collect<T>(pages: AsyncIterable<T>, field: keyof T): Promise<number[]> {
      const sizes: number[] = [];
      for await (const page of pages) sizes.push((page[field] as unknown[] | undefined)?.length ?? 0);
      return sizes;
    }
    const cfg = { client: mesh, pageSize: 2 };
    assert.deepEqual(await collect(paginateListVirtualRouters(cfg, { meshName: p }), 'virtualRouters'), [2, 1]);
    assert.deepEqual(await collect(paginateListVirtualServices(cfg, { meshName: p }), 'virtualServices'), [2, 1]);
    assert.deepEqual(
      await collect(paginateListRoutes(cfg, { meshName: p, virtualRouterName: 'vr1' }), 'routes'),
      [2, 1],
    );
    assert.deepEqual(
      await collect(paginateListVirtualGateways({ client: mesh, pageSize: 1 }, { meshName: p }), 'virtualGateways'),
      [1, 1],
    );
    assert.deepEqual(
      await collect(paginateListGatewayRoutes(cfg, { meshName: p, virtualGatewayName: 'vg1' }), 'gatewayRoutes'),
      [2, 1],
    );
    assert.deepEqual(
      await collect(paginateListTagsForResource(cfg, { resourceArn: vn.virtualNode!.metadata!.arn! }), 'tags'),
      [2, 1],
    );
    const meshes = await collect(paginateListMeshes({ client: mesh, pageSize: 1 }, {}), 'meshes');
    assert.ok(meshes.length >= 3 && meshes.every((n) => n === 1));
  });
});

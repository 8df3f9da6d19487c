// Every App Mesh operation through @aws-sdk/client-app-mesh against a real server:
// create/describe/update/list/delete of all seven resource types, metadata, tags.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AppMesh, ResourceMetadata } from '@aws-sdk/client-app-mesh';
import { TEST_ACCOUNT_ID, startServer, type RunningServer } from '../helpers/server.js';
import { gateway, gatewayRoute, httpNode, httpRoute, meshClient, rejectsWith, richNode, router } from './fixtures.js';

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

const ARN_PREFIX = `arn:aws:appmesh:us-east-1:${TEST_ACCOUNT_ID}:mesh/`;

function checkMetadata(md: ResourceMetadata | undefined, arn: string, version: number): ResourceMetadata {
  assert.ok(md);
  assert.equal(md.arn, arn);
  assert.equal(md.version, version);
  assert.match(md.uid ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(md.createdAt instanceof Date && md.lastUpdatedAt instanceof Date);
  assert.ok(Math.abs(md.createdAt.getTime() - Date.now()) < 60_000, 'createdAt is now-ish');
  assert.ok(md.lastUpdatedAt.getTime() >= md.createdAt.getTime());
  assert.equal(md.meshOwner, TEST_ACCOUNT_ID);
  assert.equal(md.resourceOwner, TEST_ACCOUNT_ID);
  return md;
}

describe('mesh', () => {
  test('create → describe → update → list → delete', async () => {
    const created = (await mesh.createMesh({ meshName: 'm-life' })).mesh!;
    assert.equal(created.meshName, 'm-life');
    assert.deepEqual(created.spec, { egressFilter: { type: 'DROP_ALL' } });
    assert.equal(created.status?.status, 'ACTIVE');
    const md = checkMetadata(created.metadata, `${ARN_PREFIX}m-life`, 1);

    const described = (await mesh.describeMesh({ meshName: 'm-life' })).mesh!;
    assert.deepEqual(described, created);

    const updated = (
      await mesh.updateMesh({
        meshName: 'm-life',
        spec: { egressFilter: { type: 'ALLOW_ALL' }, serviceDiscovery: { ipPreference: 'IPv6_PREFERRED' } },
      })
    ).mesh!;
    checkMetadata(updated.metadata, md.arn!, 2);
    assert.equal(updated.metadata?.uid, md.uid);
    assert.equal(updated.metadata?.createdAt?.getTime(), md.createdAt?.getTime());
    assert.deepEqual(updated.spec, {
      egressFilter: { type: 'ALLOW_ALL' },
      serviceDiscovery: { ipPreference: 'IPv6_PREFERRED' },
    });

    const again = (await mesh.updateMesh({ meshName: 'm-life', spec: { egressFilter: { type: 'ALLOW_ALL' } } })).mesh!;
    assert.equal(again.metadata?.version, 3);
    assert.deepEqual(again.spec, { egressFilter: { type: 'ALLOW_ALL' } }, 'an update replaces the whole spec');

    const listed = (await mesh.listMeshes({})).meshes ?? [];
    const ref = listed.find((m) => m.meshName === 'm-life');
    assert.ok(ref);
    assert.equal(ref.arn, md.arn);
    assert.equal(ref.version, 3);
    assert.equal(ref.meshOwner, TEST_ACCOUNT_ID);
    assert.equal(ref.resourceOwner, TEST_ACCOUNT_ID);
    assert.ok(ref.createdAt instanceof Date && ref.lastUpdatedAt instanceof Date);

    const deleted = (await mesh.deleteMesh({ meshName: 'm-life' })).mesh!;
    assert.equal(deleted.status?.status, 'DELETED');
    assert.equal(deleted.metadata?.uid, md.uid);
    await rejectsWith(mesh.describeMesh({ meshName: 'm-life' }), 'NotFoundException', 404);
    assert.ok(!((await mesh.listMeshes({})).meshes ?? []).some((m) => m.meshName === 'm-life'));
    await rejectsWith(mesh.deleteMesh({ meshName: 'm-life' }), 'NotFoundException', 404);
    await rejectsWith(mesh.updateMesh({ meshName: 'm-life', spec: {} }), 'NotFoundException', 404);
  });

  test('a name can be reused after delete and gets a new uid', async () => {
    const first = (await mesh.createMesh({ meshName: 'm-reuse' })).mesh!;
    await mesh.deleteMesh({ meshName: 'm-reuse' });
    const second = (await mesh.createMesh({ meshName: 'm-reuse' })).mesh!;
    assert.notEqual(second.metadata?.uid, first.metadata?.uid);
    assert.equal(second.metadata?.version, 1);
    await mesh.deleteMesh({ meshName: 'm-reuse' });
  });
});

describe('resources of a mesh', () => {
  const m = 'm-all';
  const arn = (rest: string) => `${ARN_PREFIX}${m}/${rest}`;

  before(async () => {
    await mesh.createMesh({ meshName: m, spec: { egressFilter: { type: 'ALLOW_ALL' } } });
  });

  test('virtual nodes with listeners, health check, TLS, backends, DNS and Cloud Map discovery', async () => {
    const rich = richNode('backend.local');
    const a = (await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'vn-rich', spec: rich })).virtualNode!;
    assert.equal(a.meshName, m);
    assert.equal(a.virtualNodeName, 'vn-rich');
    assert.equal(a.status?.status, 'ACTIVE');
    checkMetadata(a.metadata, arn('virtualNode/vn-rich'), 1);
    assert.deepEqual(a.spec?.listeners, rich.listeners);
    assert.deepEqual(a.spec?.serviceDiscovery, rich.serviceDiscovery);
    assert.deepEqual(a.spec?.backends, rich.backends);
    assert.deepEqual(a.spec?.backendDefaults, rich.backendDefaults);
    assert.deepEqual(a.spec?.logging, rich.logging);
    assert.deepEqual((await mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'vn-rich' })).virtualNode, a);

    const dns = httpNode('b.local');
    dns.serviceDiscovery = { dns: { hostname: 'b.local', responseType: 'ENDPOINTS', ipPreference: 'IPv4_PREFERRED' } };
    const b = (await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'vn-b', spec: dns })).virtualNode!;
    assert.deepEqual(b.spec?.serviceDiscovery, dns.serviceDiscovery);

    const u = (
      await mesh.updateVirtualNode({ meshName: m, virtualNodeName: 'vn-rich', spec: httpNode('rich.local', 7000) })
    ).virtualNode!;
    checkMetadata(u.metadata, arn('virtualNode/vn-rich'), 2);
    assert.equal(u.metadata?.uid, a.metadata?.uid);
    assert.deepEqual(u.spec?.listeners, [{ portMapping: { port: 7000, protocol: 'http' } }]);
    assert.ok(!u.spec?.backends?.length, 'backends of the old spec are gone');
    assert.equal(u.spec?.logging, undefined);
    assert.equal(
      (await mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'vn-rich' })).virtualNode?.metadata?.version,
      2,
    );

    const refs = (await mesh.listVirtualNodes({ meshName: m })).virtualNodes ?? [];
    assert.deepEqual(refs.map((r) => r.virtualNodeName).sort(), ['vn-b', 'vn-rich']);
    const ref = refs.find((r) => r.virtualNodeName === 'vn-rich')!;
    assert.equal(ref.meshName, m);
    assert.equal(ref.arn, arn('virtualNode/vn-rich'));
    assert.equal(ref.version, 2);
  });

  test('virtual routers and routes: http, http2, grpc, tcp with matches, retries, timeouts, weighted targets', async () => {
    await mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'vn-h2',
      spec: {
        listeners: [{ portMapping: { port: 8081, protocol: 'http2' } }],
        serviceDiscovery: { dns: { hostname: 'h2.local' } },
      },
    });
    await mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'vn-grpc',
      spec: {
        listeners: [{ portMapping: { port: 8082, protocol: 'grpc' } }],
        serviceDiscovery: { dns: { hostname: 'g.local' } },
      },
    });
    await mesh.createVirtualNode({
      meshName: m,
      virtualNodeName: 'vn-tcp',
      spec: {
        listeners: [{ portMapping: { port: 8083, protocol: 'tcp' } }],
        serviceDiscovery: { dns: { hostname: 't.local' } },
      },
    });

    const r = (await mesh.createVirtualRouter({ meshName: m, virtualRouterName: 'vr-http', spec: router('http') }))
      .virtualRouter!;
    assert.equal(r.virtualRouterName, 'vr-http');
    checkMetadata(r.metadata, arn('virtualRouter/vr-http'), 1);
    assert.deepEqual(r.spec, router('http'));
    for (const [name, proto] of [
      ['vr-h2', 'http2'],
      ['vr-grpc', 'grpc'],
      ['vr-tcp', 'tcp'],
    ] as const) {
      await mesh.createVirtualRouter({ meshName: m, virtualRouterName: name, spec: router(proto) });
    }
    const ru = (
      await mesh.updateVirtualRouter({ meshName: m, virtualRouterName: 'vr-http', spec: router('http', 9090) })
    ).virtualRouter!;
    assert.equal(ru.metadata?.version, 2);
    assert.deepEqual(ru.spec?.listeners, [{ portMapping: { port: 9090, protocol: 'http' } }]);
    assert.deepEqual(
      (await mesh.describeVirtualRouter({ meshName: m, virtualRouterName: 'vr-http' })).virtualRouter,
      ru,
    );
    assert.deepEqual(
      ((await mesh.listVirtualRouters({ meshName: m })).virtualRouters ?? []).map((x) => x.virtualRouterName).sort(),
      ['vr-grpc', 'vr-h2', 'vr-http', 'vr-tcp'],
    );

    const http = httpRoute('vn-b');
    http.httpRoute!.action!.weightedTargets = [
      { virtualNode: 'vn-b', weight: 70 },
      { virtualNode: 'vn-rich', weight: 30 },
    ];
    http.httpRoute!.match!.queryParameters = [{ name: 'v', match: { exact: '2' } }];
    const rt = (await mesh.createRoute({ meshName: m, virtualRouterName: 'vr-http', routeName: 'rt-http', spec: http }))
      .route!;
    assert.equal(rt.routeName, 'rt-http');
    assert.equal(rt.virtualRouterName, 'vr-http');
    assert.equal(rt.meshName, m);
    checkMetadata(rt.metadata, arn('virtualRouter/vr-http/route/rt-http'), 1);
    assert.deepEqual(rt.spec, http);

    const h2 = {
      http2Route: {
        match: {
          path: { exact: '/exact' },
          scheme: 'https' as const,
          headers: [{ name: 'x-v', match: { range: { start: 1, end: 5 } } }],
        },
        action: { weightedTargets: [{ virtualNode: 'vn-h2', weight: 1 }] },
        retryPolicy: {
          maxRetries: 1,
          perRetryTimeout: { unit: 's' as const, value: 1 },
          httpRetryEvents: ['stream-error'],
        },
        timeout: { perRequest: { unit: 's' as const, value: 5 } },
      },
    };
    assert.deepEqual(
      (await mesh.createRoute({ meshName: m, virtualRouterName: 'vr-h2', routeName: 'rt-h2', spec: h2 })).route?.spec,
      h2,
    );

    const grpc = {
      priority: 0,
      grpcRoute: {
        match: {
          serviceName: 'pkg.Svc',
          methodName: 'Get',
          metadata: [{ name: 'tenant', match: { prefix: 'a' }, invert: true }],
        },
        action: { weightedTargets: [{ virtualNode: 'vn-grpc', weight: 100, port: 8082 }] },
        retryPolicy: {
          maxRetries: 2,
          perRetryTimeout: { unit: 'ms' as const, value: 100 },
          grpcRetryEvents: ['unavailable' as const, 'deadline-exceeded' as const],
        },
        timeout: { perRequest: { unit: 's' as const, value: 3 }, idle: { unit: 's' as const, value: 30 } },
      },
    };
    assert.deepEqual(
      (await mesh.createRoute({ meshName: m, virtualRouterName: 'vr-grpc', routeName: 'rt-grpc', spec: grpc })).route
        ?.spec,
      grpc,
    );

    const tcp = {
      tcpRoute: {
        match: { port: 8080 },
        action: { weightedTargets: [{ virtualNode: 'vn-tcp', weight: 50 }] },
        timeout: { idle: { unit: 's' as const, value: 600 } },
      },
    };
    assert.deepEqual(
      (await mesh.createRoute({ meshName: m, virtualRouterName: 'vr-tcp', routeName: 'rt-tcp', spec: tcp })).route
        ?.spec,
      tcp,
    );

    const ru2 = (
      await mesh.updateRoute({
        meshName: m,
        virtualRouterName: 'vr-http',
        routeName: 'rt-http',
        spec: httpRoute('vn-b', '/v2'),
      })
    ).route!;
    checkMetadata(ru2.metadata, rt.metadata!.arn!, 2);
    assert.deepEqual(ru2.spec, httpRoute('vn-b', '/v2'));
    assert.deepEqual(
      (await mesh.describeRoute({ meshName: m, virtualRouterName: 'vr-http', routeName: 'rt-http' })).route,
      ru2,
    );
    const refs = (await mesh.listRoutes({ meshName: m, virtualRouterName: 'vr-http' })).routes ?? [];
    assert.equal(refs.length, 1);
    assert.equal(refs[0]?.routeName, 'rt-http');
    assert.equal(refs[0]?.virtualRouterName, 'vr-http');
    assert.equal(refs[0]?.version, 2);
  });

  test('virtual services with node and router providers', async () => {
    const byNode = (
      await mesh.createVirtualService({
        meshName: m,
        virtualServiceName: 'b.svc.local',
        spec: { provider: { virtualNode: { virtualNodeName: 'vn-b' } } },
      })
    ).virtualService!;
    assert.equal(byNode.virtualServiceName, 'b.svc.local');
    checkMetadata(byNode.metadata, arn('virtualService/b.svc.local'), 1);
    const byRouter = (
      await mesh.createVirtualService({
        meshName: m,
        virtualServiceName: 'r.svc.local',
        spec: { provider: { virtualRouter: { virtualRouterName: 'vr-http' } } },
      })
    ).virtualService!;
    assert.deepEqual(byRouter.spec, { provider: { virtualRouter: { virtualRouterName: 'vr-http' } } });
    const noProvider = (await mesh.createVirtualService({ meshName: m, virtualServiceName: 'x.svc.local', spec: {} }))
      .virtualService!;
    assert.deepEqual(noProvider.spec, {});

    const u = (
      await mesh.updateVirtualService({
        meshName: m,
        virtualServiceName: 'x.svc.local',
        spec: { provider: { virtualNode: { virtualNodeName: 'vn-rich' } } },
      })
    ).virtualService!;
    assert.equal(u.metadata?.version, 2);
    assert.deepEqual(
      (await mesh.describeVirtualService({ meshName: m, virtualServiceName: 'x.svc.local' })).virtualService,
      u,
    );
    assert.deepEqual(
      ((await mesh.listVirtualServices({ meshName: m })).virtualServices ?? []).map((s) => s.virtualServiceName).sort(),
      ['b.svc.local', 'r.svc.local', 'x.svc.local'],
    );
  });

  test('virtual gateways and gateway routes with rewrites', async () => {
    const g = (await mesh.createVirtualGateway({ meshName: m, virtualGatewayName: 'vg', spec: gateway() }))
      .virtualGateway!;
    assert.equal(g.virtualGatewayName, 'vg');
    checkMetadata(g.metadata, arn('virtualGateway/vg'), 1);
    assert.deepEqual(g.spec?.listeners, gateway().listeners);
    const gu = (await mesh.updateVirtualGateway({ meshName: m, virtualGatewayName: 'vg', spec: gateway(9443) }))
      .virtualGateway!;
    assert.equal(gu.metadata?.version, 2);
    assert.equal(gu.spec?.listeners?.[0]?.portMapping?.port, 9443);
    assert.deepEqual((await mesh.describeVirtualGateway({ meshName: m, virtualGatewayName: 'vg' })).virtualGateway, gu);
    assert.deepEqual(
      ((await mesh.listVirtualGateways({ meshName: m })).virtualGateways ?? []).map((x) => x.virtualGatewayName),
      ['vg'],
    );

    const spec = gatewayRoute('r.svc.local');
    const gr = (
      await mesh.createGatewayRoute({ meshName: m, virtualGatewayName: 'vg', gatewayRouteName: 'gr-http', spec })
    ).gatewayRoute!;
    assert.equal(gr.gatewayRouteName, 'gr-http');
    assert.equal(gr.virtualGatewayName, 'vg');
    checkMetadata(gr.metadata, arn('virtualGateway/vg/gatewayRoute/gr-http'), 1);
    assert.deepEqual(gr.spec, spec);

    const exact = {
      priority: 5,
      http2Route: {
        match: { path: { exact: '/old' }, hostname: { suffix: '.example.com' }, method: 'POST' as const },
        action: {
          target: { virtualService: { virtualServiceName: 'b.svc.local' } },
          rewrite: { path: { exact: '/new' } },
        },
      },
    };
    assert.deepEqual(
      (await mesh.createGatewayRoute({ meshName: m, virtualGatewayName: 'vg', gatewayRouteName: 'gr-h2', spec: exact }))
        .gatewayRoute?.spec,
      exact,
    );
    const grpc = {
      grpcRoute: {
        match: { serviceName: 'pkg.Svc', hostname: { exact: 'api.example.com' } },
        action: {
          target: { virtualService: { virtualServiceName: 'b.svc.local' } },
          rewrite: { hostname: { defaultTargetHostname: 'ENABLED' as const } },
        },
      },
    };
    assert.deepEqual(
      (
        await mesh.createGatewayRoute({
          meshName: m,
          virtualGatewayName: 'vg',
          gatewayRouteName: 'gr-grpc',
          spec: grpc,
        })
      ).gatewayRoute?.spec,
      grpc,
    );

    const replaced = gatewayRoute('b.svc.local', '/v2/');
    replaced.httpRoute!.action!.rewrite = { prefix: { defaultPrefix: 'DISABLED' } };
    const gru = (
      await mesh.updateGatewayRoute({
        meshName: m,
        virtualGatewayName: 'vg',
        gatewayRouteName: 'gr-http',
        spec: replaced,
      })
    ).gatewayRoute!;
    assert.equal(gru.metadata?.version, 2);
    assert.deepEqual(gru.spec, replaced);
    assert.deepEqual(
      (await mesh.describeGatewayRoute({ meshName: m, virtualGatewayName: 'vg', gatewayRouteName: 'gr-http' }))
        .gatewayRoute,
      gru,
    );
    assert.deepEqual(
      ((await mesh.listGatewayRoutes({ meshName: m, virtualGatewayName: 'vg' })).gatewayRoutes ?? [])
        .map((x) => x.gatewayRouteName)
        .sort(),
      ['gr-grpc', 'gr-h2', 'gr-http'],
    );
  });

  test('tags: at create, TagResource, UntagResource, ListTagsForResource with pagination', async () => {
    const tags = Array.from({ length: 12 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, value: `v${i}` }));
    const node = (await mesh.createVirtualNode({ meshName: m, virtualNodeName: 'vn-tagged', spec: {}, tags }))
      .virtualNode!;
    const resourceArn = node.metadata!.arn!;
    assert.deepEqual((await mesh.listTagsForResource({ resourceArn })).tags, tags);

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await mesh.listTagsForResource({ resourceArn, limit: 5, ...(nextToken ? { nextToken } : {}) });
      pages.push((page.tags ?? []).map((t) => t.key!));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.deepEqual(
      pages.map((p) => p.length),
      [5, 5, 2],
    );
    assert.deepEqual(
      pages.flat(),
      tags.map((t) => t.key),
    );

    await mesh.tagResource({
      resourceArn,
      tags: [
        { key: 'k00', value: 'changed' },
        { key: 'new', value: '' },
      ],
    });
    const after1 = (await mesh.listTagsForResource({ resourceArn })).tags ?? [];
    assert.equal(after1.length, 13);
    assert.equal(after1.find((t) => t.key === 'k00')?.value, 'changed');
    assert.equal(after1.find((t) => t.key === 'new')?.value, '');

    await mesh.untagResource({ resourceArn, tagKeys: ['k00', 'k01', 'not-there'] });
    const after2 = (await mesh.listTagsForResource({ resourceArn })).tags ?? [];
    assert.equal(after2.length, 11);
    assert.ok(!after2.some((t) => t.key === 'k00' || t.key === 'k01'));

    // Tagging is not an update of the resource's spec.
    assert.equal(
      (await mesh.describeVirtualNode({ meshName: m, virtualNodeName: 'vn-tagged' })).virtualNode?.metadata?.version,
      1,
    );

    for (const a of [
      `${ARN_PREFIX}${m}`,
      arn('virtualRouter/vr-http/route/rt-http'),
      arn('virtualGateway/vg/gatewayRoute/gr-http'),
      arn('virtualService/b.svc.local'),
    ]) {
      await mesh.tagResource({ resourceArn: a, tags: [{ key: 'team', value: 'mesh' }] });
      assert.deepEqual((await mesh.listTagsForResource({ resourceArn: a })).tags, [{ key: 'team', value: 'mesh' }]);
    }
    await rejectsWith(mesh.listTagsForResource({ resourceArn: arn('virtualNode/nope') }), 'NotFoundException', 404);
    await rejectsWith(
      mesh.tagResource({
        resourceArn: `arn:aws:appmesh:us-east-1:999999999999:mesh/${m}`,
        tags: [{ key: 'a', value: 'b' }],
      }),
      'NotFoundException',
      404,
    );
    await rejectsWith(
      mesh.untagResource({ resourceArn: 'arn:aws:s3:::bucket', tagKeys: ['a'] }),
      'NotFoundException',
      404,
    );

    await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: 'vn-tagged' });
    await rejectsWith(mesh.listTagsForResource({ resourceArn }), 'NotFoundException', 404);
  });

  test('deleting everything: each delete returns DELETED and the item leaves describe and list', async () => {
    const gone = async (
      del: () => Promise<{ status?: { status?: string } } | undefined>,
      describeIt: () => Promise<unknown>,
      listIt: () => Promise<number>,
    ) => {
      const before = await listIt();
      assert.equal((await del())?.status?.status, 'DELETED');
      await rejectsWith(describeIt(), 'NotFoundException', 404);
      assert.equal(await listIt(), before - 1);
    };
    const vg = 'vg';
    for (const gr of ['gr-http', 'gr-h2', 'gr-grpc']) {
      await gone(
        async () =>
          (await mesh.deleteGatewayRoute({ meshName: m, virtualGatewayName: vg, gatewayRouteName: gr })).gatewayRoute,
        () => mesh.describeGatewayRoute({ meshName: m, virtualGatewayName: vg, gatewayRouteName: gr }),
        async () =>
          ((await mesh.listGatewayRoutes({ meshName: m, virtualGatewayName: vg })).gatewayRoutes ?? []).length,
      );
    }
    await gone(
      async () => (await mesh.deleteVirtualGateway({ meshName: m, virtualGatewayName: vg })).virtualGateway,
      () => mesh.describeVirtualGateway({ meshName: m, virtualGatewayName: vg }),
      async () => ((await mesh.listVirtualGateways({ meshName: m })).virtualGateways ?? []).length,
    );
    for (const vs of ['b.svc.local', 'r.svc.local', 'x.svc.local']) {
      await gone(
        async () => (await mesh.deleteVirtualService({ meshName: m, virtualServiceName: vs })).virtualService,
        () => mesh.describeVirtualService({ meshName: m, virtualServiceName: vs }),
        async () => ((await mesh.listVirtualServices({ meshName: m })).virtualServices ?? []).length,
      );
    }
    for (const [vr, rt] of [
      ['vr-http', 'rt-http'],
      ['vr-h2', 'rt-h2'],
      ['vr-grpc', 'rt-grpc'],
      ['vr-tcp', 'rt-tcp'],
    ] as const) {
      await gone(
        async () => (await mesh.deleteRoute({ meshName: m, virtualRouterName: vr, routeName: rt })).route,
        () => mesh.describeRoute({ meshName: m, virtualRouterName: vr, routeName: rt }),
        async () => ((await mesh.listRoutes({ meshName: m, virtualRouterName: vr })).routes ?? []).length,
      );
      await gone(
        async () => (await mesh.deleteVirtualRouter({ meshName: m, virtualRouterName: vr })).virtualRouter,
        () => mesh.describeVirtualRouter({ meshName: m, virtualRouterName: vr }),
        async () => ((await mesh.listVirtualRouters({ meshName: m })).virtualRouters ?? []).length,
      );
    }
    for (const vn of ['vn-rich', 'vn-b', 'vn-h2', 'vn-grpc', 'vn-tcp']) {
      await gone(
        async () => (await mesh.deleteVirtualNode({ meshName: m, virtualNodeName: vn })).virtualNode,
        () => mesh.describeVirtualNode({ meshName: m, virtualNodeName: vn }),
        async () => ((await mesh.listVirtualNodes({ meshName: m })).virtualNodes ?? []).length,
      );
    }
    await gone(
      async () => (await mesh.deleteMesh({ meshName: m })).mesh,
      () => mesh.describeMesh({ meshName: m }),
      async () => ((await mesh.listMeshes({})).meshes ?? []).length,
    );
  });
});

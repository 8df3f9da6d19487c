// All 38 App Mesh operations through the real `aws appmesh` CLI, plus how it reports errors.
// The CLI costs ~0.5 s a call, so each call here proves something the others do not, and
// independent chains of calls run concurrently.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runAws } from '../helpers/aws-cli.js';
import { TEST_ACCOUNT_ID, startServer, type RunningServer } from '../helpers/server.js';
import { gateway, gatewayRoute, httpNode, httpRoute, router } from './fixtures.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const run = (args: string[]) => runAws(server, ['appmesh', ...args]);

/** Runs a CLI command that must succeed; returns its parsed JSON output. */
async function aws(...args: string[]): Promise<Record<string, any>> {
  const r = await run(args);
  assert.equal(r.code, 0, `aws appmesh ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** Runs a CLI command that must fail with the given error code; returns stderr. */
async function awsFails(code: string, operation: string, ...args: string[]): Promise<string> {
  const r = await run(args);
  assert.notEqual(r.code, 0, `expected ${code} but it succeeded: ${r.stdout}`);
  assert.match(
    r.stderr,
    new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation: \\S`),
    r.stderr,
  );
  return r.stderr;
}

const json = (v: unknown) => JSON.stringify(v);
const M = 'cli';
const arn = (rest = '') => `arn:aws:appmesh:us-east-1:${TEST_ACCOUNT_ID}:mesh/${M}${rest}`;

test('every operation through the aws CLI', async () => {
  const created = await aws('create-mesh', '--mesh-name', M, '--tags', 'key=team,value=mesh');
  assert.equal(created.mesh.meshName, M);
  assert.equal(created.mesh.metadata.arn, arn());
  assert.equal(created.mesh.metadata.version, 1);
  assert.equal(created.mesh.status.status, 'ACTIVE');
  assert.deepEqual(created.mesh.spec, { egressFilter: { type: 'DROP_ALL' } });
  // CLI v1 prints the wire value of a timestamp (epoch seconds) unless cli_timestamp_format is set.
  const createdAt = created.mesh.metadata.createdAt;
  const millis = typeof createdAt === 'number' ? createdAt * 1000 : Date.parse(createdAt);
  assert.ok(Math.abs(millis - Date.now()) < 60_000, String(createdAt));
  const vn = await aws(
    'create-virtual-node',
    '--mesh-name',
    M,
    '--virtual-node-name',
    'vn',
    '--spec',
    json(httpNode('vn.local')),
  );
  assert.equal(vn.virtualNode.metadata.arn, arn('/virtualNode/vn'));

  await Promise.all([
    (async () => {
      assert.equal((await aws('describe-mesh', '--mesh-name', M)).mesh.metadata.uid, created.mesh.metadata.uid);
      const um = await aws('update-mesh', '--mesh-name', M, '--spec', json({ egressFilter: { type: 'ALLOW_ALL' } }));
      assert.equal(um.mesh.metadata.version, 2);
      assert.equal(um.mesh.spec.egressFilter.type, 'ALLOW_ALL');
      assert.ok((await aws('list-meshes')).meshes.some((m: { meshName: string }) => m.meshName === M));
    })(),
    (async () => {
      assert.equal(
        (await aws('describe-virtual-node', '--mesh-name', M, '--virtual-node-name', 'vn')).virtualNode.spec
          .listeners[0].portMapping.port,
        8080,
      );
      const uvn = await aws(
        'update-virtual-node',
        '--mesh-name',
        M,
        '--virtual-node-name',
        'vn',
        '--spec',
        json(httpNode('vn.local', 9090)),
      );
      assert.equal(uvn.virtualNode.metadata.version, 2);
      const nodes = await aws('list-virtual-nodes', '--mesh-name', M);
      assert.deepEqual(
        nodes.virtualNodes.map((n: { virtualNodeName: string }) => n.virtualNodeName),
        ['vn'],
      );
    })(),
    (async () => {
      await aws(
        'tag-resource',
        '--resource-arn',
        arn('/virtualNode/vn'),
        '--tags',
        'key=a,value=1',
        'key=b,value=2',
        'key=c,value=3',
      );
      await aws('untag-resource', '--resource-arn', arn('/virtualNode/vn'), '--tag-keys', 'a');
      // --page-size makes the CLI follow nextToken across pages.
      const tags = await aws('list-tags-for-resource', '--resource-arn', arn('/virtualNode/vn'), '--page-size', '1');
      assert.deepEqual(tags.tags, [
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ]);
    })(),
    (async () => {
      const vr = await aws(
        'create-virtual-router',
        '--mesh-name',
        M,
        '--virtual-router-name',
        'vr',
        '--spec',
        json(router('http', 9090)),
      );
      assert.equal(vr.virtualRouter.metadata.arn, arn('/virtualRouter/vr'));
      const rt = await aws(
        'create-route',
        '--mesh-name',
        M,
        '--virtual-router-name',
        'vr',
        '--route-name',
        'rt',
        '--spec',
        json(httpRoute('vn')),
      );
      assert.equal(rt.route.metadata.arn, arn('/virtualRouter/vr/route/rt'));
      assert.deepEqual(rt.route.spec, httpRoute('vn'));
      await Promise.all([
        (async () => {
          assert.equal(
            (await aws('describe-virtual-router', '--mesh-name', M, '--virtual-router-name', 'vr')).virtualRouter.spec
              .listeners[0].portMapping.port,
            9090,
          );
          assert.equal(
            (
              await aws(
                'update-virtual-router',
                '--mesh-name',
                M,
                '--virtual-router-name',
                'vr',
                '--spec',
                json(router()),
              )
            ).virtualRouter.metadata.version,
            2,
          );
          assert.deepEqual(
            (await aws('list-virtual-routers', '--mesh-name', M)).virtualRouters.map(
              (r: { virtualRouterName: string }) => r.virtualRouterName,
            ),
            ['vr'],
          );
        })(),
        (async () => {
          assert.equal(
            (await aws('describe-route', '--mesh-name', M, '--virtual-router-name', 'vr', '--route-name', 'rt')).route
              .routeName,
            'rt',
          );
          const urt = await aws(
            'update-route',
            '--mesh-name',
            M,
            '--virtual-router-name',
            'vr',
            '--route-name',
            'rt',
            '--spec',
            json(httpRoute('vn', '/v2')),
          );
          assert.equal(urt.route.metadata.version, 2);
          assert.equal(urt.route.spec.httpRoute.match.prefix, '/v2');
          assert.equal(
            (await aws('list-routes', '--mesh-name', M, '--virtual-router-name', 'vr')).routes[0].routeName,
            'rt',
          );
        })(),
        (async () => {
          const vs = await aws(
            'create-virtual-service',
            '--mesh-name',
            M,
            '--virtual-service-name',
            'svc.local',
            '--spec',
            json({ provider: { virtualRouter: { virtualRouterName: 'vr' } } }),
          );
          assert.equal(vs.virtualService.metadata.arn, arn('/virtualService/svc.local'));
          await Promise.all([
            (async () => {
              assert.equal(
                (await aws('describe-virtual-service', '--mesh-name', M, '--virtual-service-name', 'svc.local'))
                  .virtualService.spec.provider.virtualRouter.virtualRouterName,
                'vr',
              );
              assert.equal(
                (
                  await aws(
                    'update-virtual-service',
                    '--mesh-name',
                    M,
                    '--virtual-service-name',
                    'svc.local',
                    '--spec',
                    json({ provider: { virtualNode: { virtualNodeName: 'vn' } } }),
                  )
                ).virtualService.metadata.version,
                2,
              );
              assert.equal(
                (await aws('list-virtual-services', '--mesh-name', M)).virtualServices[0].virtualServiceName,
                'svc.local',
              );
            })(),
            (async () => {
              const vg = await aws(
                'create-virtual-gateway',
                '--mesh-name',
                M,
                '--virtual-gateway-name',
                'vg',
                '--spec',
                json(gateway()),
              );
              assert.equal(vg.virtualGateway.metadata.arn, arn('/virtualGateway/vg'));
              const gr = await aws(
                'create-gateway-route',
                '--mesh-name',
                M,
                '--virtual-gateway-name',
                'vg',
                '--gateway-route-name',
                'gr',
                '--spec',
                json(gatewayRoute('svc.local')),
              );
              assert.equal(gr.gatewayRoute.metadata.arn, arn('/virtualGateway/vg/gatewayRoute/gr'));
              assert.deepEqual(gr.gatewayRoute.spec, gatewayRoute('svc.local'));
              await Promise.all([
                (async () => {
                  assert.equal(
                    (await aws('describe-virtual-gateway', '--mesh-name', M, '--virtual-gateway-name', 'vg'))
                      .virtualGateway.virtualGatewayName,
                    'vg',
                  );
                  assert.equal(
                    (
                      await aws(
                        'update-virtual-gateway',
                        '--mesh-name',
                        M,
                        '--virtual-gateway-name',
                        'vg',
                        '--spec',
                        json(gateway(9443)),
                      )
                    ).virtualGateway.spec.listeners[0].portMapping.port,
                    9443,
                  );
                  assert.equal(
                    (await aws('list-virtual-gateways', '--mesh-name', M)).virtualGateways[0].virtualGatewayName,
                    'vg',
                  );
                })(),
                (async () => {
                  assert.equal(
                    (
                      await aws(
                        'describe-gateway-route',
                        '--mesh-name',
                        M,
                        '--virtual-gateway-name',
                        'vg',
                        '--gateway-route-name',
                        'gr',
                      )
                    ).gatewayRoute.gatewayRouteName,
                    'gr',
                  );
                  assert.equal(
                    (
                      await aws(
                        'update-gateway-route',
                        '--mesh-name',
                        M,
                        '--virtual-gateway-name',
                        'vg',
                        '--gateway-route-name',
                        'gr',
                        '--spec',
                        json(gatewayRoute('svc.local', '/v2/')),
                      )
                    ).gatewayRoute.metadata.version,
                    2,
                  );
                  assert.equal(
                    (await aws('list-gateway-routes', '--mesh-name', M, '--virtual-gateway-name', 'vg'))
                      .gatewayRoutes[0].gatewayRouteName,
                    'gr',
                  );
                })(),
              ]);
            })(),
          ]);
        })(),
      ]);
    })(),
  ]);

  // Errors as the CLI shows them
  const [, , bad, gone] = await Promise.all([
    awsFails('ResourceInUseException', 'DeleteMesh', 'delete-mesh', '--mesh-name', M),
    awsFails(
      'ConflictException',
      'CreateVirtualNode',
      'create-virtual-node',
      '--mesh-name',
      M,
      '--virtual-node-name',
      'vn',
      '--spec',
      '{}',
    ),
    awsFails(
      'BadRequestException',
      'CreateVirtualRouter',
      'create-virtual-router',
      '--mesh-name',
      M,
      '--virtual-router-name',
      'bad',
      '--spec',
      json({ listeners: [{ portMapping: { port: 70000, protocol: 'udp' } }] }),
    ),
    awsFails(
      'NotFoundException',
      'DescribeVirtualNode',
      'describe-virtual-node',
      '--mesh-name',
      M,
      '--virtual-node-name',
      'ghost',
    ),
  ]);
  assert.match(bad, /spec\.listeners\[0\]\.portMapping\.port/);
  assert.match(bad, /spec\.listeners\[0\]\.portMapping\.protocol/);
  assert.match(gone, /VirtualNode with name ghost is not present under mesh cli/);

  // Deletes, leaves first; each returns the resource as DELETED.
  const deleted = (out: Record<string, any>) => (Object.values(out)[0] as { status: { status: string } }).status.status;
  const [grDel, rtDel] = await Promise.all([
    aws('delete-gateway-route', '--mesh-name', M, '--virtual-gateway-name', 'vg', '--gateway-route-name', 'gr'),
    aws('delete-route', '--mesh-name', M, '--virtual-router-name', 'vr', '--route-name', 'rt'),
  ]);
  assert.equal(deleted(grDel), 'DELETED');
  assert.equal(deleted(rtDel), 'DELETED');
  const [vgDel, vsDel] = await Promise.all([
    aws('delete-virtual-gateway', '--mesh-name', M, '--virtual-gateway-name', 'vg'),
    aws('delete-virtual-service', '--mesh-name', M, '--virtual-service-name', 'svc.local'),
  ]);
  assert.equal(deleted(vgDel), 'DELETED');
  assert.equal(deleted(vsDel), 'DELETED');
  const rest = await Promise.all([
    aws('delete-virtual-router', '--mesh-name', M, '--virtual-router-name', 'vr'),
    aws('delete-virtual-node', '--mesh-name', M, '--virtual-node-name', 'vn'),
  ]);
  assert.deepEqual(rest.map(deleted), ['DELETED', 'DELETED']);
  assert.equal(deleted(await aws('delete-mesh', '--mesh-name', M)), 'DELETED');
});

test('the CLI reports a refused signature', async () => {
  const wrong = await runAws(server, ['appmesh', 'list-meshes'], {
    env: { AWS_SECRET_ACCESS_KEY: 'wrong-secret-wrong-secret-wrong-secret-00' },
  });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /\(InvalidSignatureException\) when calling the ListMeshes operation/);
});

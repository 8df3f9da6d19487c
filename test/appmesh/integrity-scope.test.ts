// The ResourceInUse rules look only inside the resource's own mesh: a mesh whose name starts
// with another's (a / ab) must not block deletes in the shorter one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualServiceCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { startServer, type RunningServer } from '../helpers/server.js';
import { appMesh } from '../xds/server/mesh-fixture.js';

let server: RunningServer;
let mesh: AppMeshClient;
before(async () => {
  server = await startServer();
  mesh = appMesh(server);
});
after(async () => {
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
});

test('routes and gateway routes of mesh "ab" do not block deletes in mesh "a"', async () => {
  for (const m of ['a', 'ab']) {
    await mesh.send(new CreateMeshCommand({ meshName: m }));
    await mesh.send(new CreateVirtualNodeCommand({ meshName: m, virtualNodeName: 'x', spec: {} }));
    await mesh.send(new CreateVirtualServiceCommand({ meshName: m, virtualServiceName: 'svc.local', spec: {} }));
  }
  await mesh.send(
    new CreateVirtualRouterCommand({
      meshName: 'ab',
      virtualRouterName: 'r',
      spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
    }),
  );
  await mesh.send(
    new CreateRouteCommand({
      meshName: 'ab',
      virtualRouterName: 'r',
      routeName: 'to-x',
      spec: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'x', weight: 1 }] } } },
    }),
  );
  await mesh.send(
    new CreateVirtualGatewayCommand({
      meshName: 'ab',
      virtualGatewayName: 'g',
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    }),
  );
  await mesh.send(
    new CreateGatewayRouteCommand({
      meshName: 'ab',
      virtualGatewayName: 'g',
      gatewayRouteName: 'to-svc',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'svc.local' } } },
        },
      },
    }),
  );
  await assert.rejects(mesh.send(new DeleteVirtualNodeCommand({ meshName: 'ab', virtualNodeName: 'x' })), {
    name: 'ResourceInUseException',
  });
  await assert.rejects(
    mesh.send(new DeleteVirtualServiceCommand({ meshName: 'ab', virtualServiceName: 'svc.local' })),
    { name: 'ResourceInUseException' },
  );
  await mesh.send(new DeleteVirtualNodeCommand({ meshName: 'a', virtualNodeName: 'x' }));
  await mesh.send(new DeleteVirtualServiceCommand({ meshName: 'a', virtualServiceName: 'svc.local' }));
});

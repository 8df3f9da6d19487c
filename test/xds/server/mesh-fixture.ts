// Builds small meshes through the real AWS SDK against a running appmeshd.
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  type RouteSpec,
} from '@aws-sdk/client-app-mesh';
import type { RunningServer } from '../../helpers/server.js';

export function appMesh(server: RunningServer): AppMeshClient {
  return new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
}

export type Protocol = 'http' | 'grpc';

export interface DemoMesh {
  meshName: string;
  routerName: string;
  routeName: string;
  serviceName: string;
  /** Backend virtual node names, with the port each listens on. */
  backends: { name: string; port: number }[];
  clientName: string;
}

/** A router for `serviceName` splitting `weights` across backend nodes (DNS 127.0.0.1:<port>), and a client node using it. */
export async function createDemoMesh(
  client: AppMeshClient,
  opts: {
    meshName: string;
    protocol: Protocol;
    serviceName: string;
    servicePort: number;
    backends: { name: string; port: number; weight: number }[];
    route?: RouteSpec;
  },
): Promise<DemoMesh> {
  const { meshName, protocol } = opts;
  await client.send(new CreateMeshCommand({ meshName }));
  for (const b of opts.backends) {
    await client.send(
      new CreateVirtualNodeCommand({
        meshName,
        virtualNodeName: b.name,
        spec: {
          listeners: [{ portMapping: { port: b.port, protocol } }],
          serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
        },
      }),
    );
  }
  const routerName = 'router';
  await client.send(
    new CreateVirtualRouterCommand({
      meshName,
      virtualRouterName: routerName,
      spec: { listeners: [{ portMapping: { port: opts.servicePort, protocol } }] },
    }),
  );
  const routeName = 'route';
  await client.send(
    new CreateRouteCommand({
      meshName,
      virtualRouterName: routerName,
      routeName,
      spec: opts.route ?? weightedRoute(protocol, opts.backends),
    }),
  );
  await client.send(
    new CreateVirtualServiceCommand({
      meshName,
      virtualServiceName: opts.serviceName,
      spec: { provider: { virtualRouter: { virtualRouterName: routerName } } },
    }),
  );
  const clientName = 'client';
  await client.send(
    new CreateVirtualNodeCommand({
      meshName,
      virtualNodeName: clientName,
      spec: { backends: [{ virtualService: { virtualServiceName: opts.serviceName } }] },
    }),
  );
  return { meshName, routerName, routeName, serviceName: opts.serviceName, backends: opts.backends, clientName };
}

export function weightedRoute(
  protocol: Protocol,
  targets: { name: string; weight: number }[],
  extra: Partial<RouteSpec> = {},
): RouteSpec {
  const action = { weightedTargets: targets.map((t) => ({ virtualNode: t.name, weight: t.weight })) };
  const spec: RouteSpec =
    protocol === 'grpc' ? { grpcRoute: { match: {}, action } } : { httpRoute: { match: { prefix: '/' }, action } };
  return { ...spec, ...extra };
}

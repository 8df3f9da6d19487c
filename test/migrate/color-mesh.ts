// One mesh written three ways: a CDK app (aws-cdk-lib/aws-appmesh), the App Mesh controller's
// custom resources, and — by hand, field by field in the API's shapes — what both must
// become. Names differ only where the controller derives them (<name>_<namespace>).

export const CDK_STACK = 'ColorStack';

export const CDK_APP = String.raw`
const cdk = require('aws-cdk-lib');
const am = require('aws-cdk-lib/aws-appmesh');
const sd = require('aws-cdk-lib/aws-servicediscovery');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'ColorStack');
const mesh = new am.Mesh(stack, 'Mesh', { meshName: 'color-mesh' });
cdk.Tags.of(mesh).add('team', 'color');
const ns = new sd.HttpNamespace(stack, 'Namespace', { name: 'color.local' });
const redService = ns.createService('RedService', { name: 'red' });
const blue = mesh.addVirtualNode('Blue', {
  virtualNodeName: 'blue',
  serviceDiscovery: am.ServiceDiscovery.dns('blue.color.local'),
  listeners: [am.VirtualNodeListener.http({ port: 8080, healthCheck: am.HealthCheck.http({ path: '/ping' }) })],
});
const red = mesh.addVirtualNode('Red', {
  virtualNodeName: 'red',
  serviceDiscovery: am.ServiceDiscovery.cloudMap(redService),
  listeners: [am.VirtualNodeListener.http({ port: 8080 })],
});
const green = mesh.addVirtualNode('Green', {
  virtualNodeName: 'green',
  serviceDiscovery: am.ServiceDiscovery.dns('green.color.local', am.DnsResponseType.ENDPOINTS),
  listeners: [am.VirtualNodeListener.grpc({ port: 9090 })],
});
const colorRouter = mesh.addVirtualRouter('ColorRouter', { virtualRouterName: 'color', listeners: [am.VirtualRouterListener.http(8080)] });
colorRouter.addRoute('split', {
  routeSpec: am.RouteSpec.http({
    weightedTargets: [{ virtualNode: blue, weight: 3 }, { virtualNode: red, weight: 1 }],
    timeout: { perRequest: cdk.Duration.seconds(5) },
  }),
});
colorRouter.addRoute('beta', {
  routeSpec: am.RouteSpec.http({
    weightedTargets: [{ virtualNode: red }],
    match: { path: am.HttpRoutePathMatch.startsWith('/beta'), headers: [am.HeaderMatch.valueIs('x-beta', 'yes')] },
    priority: 10,
  }),
});
const greeterRouter = mesh.addVirtualRouter('GreeterRouter', { virtualRouterName: 'greeter', listeners: [am.VirtualRouterListener.grpc(9090)] });
greeterRouter.addRoute('greet', {
  routeSpec: am.RouteSpec.grpc({
    weightedTargets: [{ virtualNode: green, weight: 1 }],
    match: { serviceName: 'greeter.Greeter' },
    retryPolicy: { grpcRetryEvents: [am.GrpcRetryEvent.UNAVAILABLE], retryAttempts: 2, retryTimeout: cdk.Duration.seconds(1) },
  }),
});
const color = new am.VirtualService(stack, 'ColorService', {
  virtualServiceName: 'color.color.local', virtualServiceProvider: am.VirtualServiceProvider.virtualRouter(colorRouter),
});
const greeter = new am.VirtualService(stack, 'GreeterService', {
  virtualServiceName: 'greeter.color.local', virtualServiceProvider: am.VirtualServiceProvider.virtualRouter(greeterRouter),
});
new am.VirtualService(stack, 'BlueService', {
  virtualServiceName: 'blue.color.local', virtualServiceProvider: am.VirtualServiceProvider.virtualNode(blue),
});
mesh.addVirtualNode('Front', {
  virtualNodeName: 'front',
  serviceDiscovery: am.ServiceDiscovery.dns('front.color.local'),
  listeners: [am.VirtualNodeListener.http({ port: 8080 })],
  backends: [am.Backend.virtualService(color), am.Backend.virtualService(greeter)],
});
const gateway = mesh.addVirtualGateway('Gateway', {
  virtualGatewayName: 'ingress',
  listeners: [am.VirtualGatewayListener.http({ port: 8088 })],
});
gateway.addGatewayRoute('ToColor', {
  gatewayRouteName: 'to-color',
  routeSpec: am.GatewayRouteSpec.http({ routeTarget: color, match: { path: am.HttpGatewayRoutePathMatch.startsWith('/color/', '/') } }),
});
gateway.addGatewayRoute('ToGreeter', {
  gatewayRouteName: 'to-greeter',
  routeSpec: am.GatewayRouteSpec.http2({ routeTarget: greeter, match: { path: am.HttpGatewayRoutePathMatch.startsWith('/greeter/') } }),
});
`;

/** The same mesh as App Mesh controller custom resources (multi-document YAML). */
export const K8S_MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {mesh: color-k8s, gateway: ingress}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata: {name: color-k8s}
spec:
  namespaceSelector: {matchLabels: {mesh: color-k8s}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: blue, namespace: shop}
spec:
  podSelector: {matchLabels: {app: color, version: blue}}
  listeners:
    - portMapping: {port: 8080, protocol: http}
      healthCheck: {protocol: http, path: /ping, port: 8080, healthyThreshold: 2, unhealthyThreshold: 2, intervalMillis: 5000, timeoutMillis: 2000}
  serviceDiscovery:
    dns: {hostname: blue.color.local}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: red, namespace: shop}
spec:
  podSelector: {matchLabels: {app: color, version: red}}
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  serviceDiscovery:
    awsCloudMap: {namespaceName: color.local, serviceName: red}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: green, namespace: shop}
spec:
  podSelector: {matchLabels: {app: greeter}}
  listeners: [{portMapping: {port: 9090, protocol: grpc}}]
  serviceDiscovery:
    dns: {hostname: green.color.local, responseType: ENDPOINTS}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: front, namespace: shop}
spec:
  podSelector: {matchLabels: {app: front}}
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  serviceDiscovery:
    dns: {hostname: front.color.local}
  backends:
    - virtualService: {virtualServiceRef: {name: color}}
    - virtualService: {virtualServiceRef: {name: greeter}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: {name: color, namespace: shop}
spec:
  listeners: [{portMapping: {port: 8080, protocol: http}}]
  routes:
    - name: split
      httpRoute:
        match: {prefix: /}
        action:
          weightedTargets:
            - {virtualNodeRef: {name: blue}, weight: 3}
            - {virtualNodeRef: {name: red}, weight: 1}
        timeout: {perRequest: {unit: ms, value: 5000}}
    - name: beta
      priority: 10
      httpRoute:
        match:
          prefix: /beta
          headers: [{name: x-beta, invert: false, match: {exact: "yes"}}]
        action:
          weightedTargets: [{virtualNodeRef: {name: red}, weight: 1}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: {name: greeter, namespace: shop}
spec:
  listeners: [{portMapping: {port: 9090, protocol: grpc}}]
  routes:
    - name: greet
      grpcRoute:
        match: {serviceName: greeter.Greeter}
        action:
          weightedTargets: [{virtualNodeRef: {name: green}, weight: 1}]
        retryPolicy: {grpcRetryEvents: [unavailable], maxRetries: 2, perRetryTimeout: {unit: ms, value: 1000}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: color, namespace: shop}
spec:
  awsName: color.color.local
  provider: {virtualRouter: {virtualRouterRef: {name: color}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: greeter, namespace: shop}
spec:
  awsName: greeter.color.local
  provider: {virtualRouter: {virtualRouterRef: {name: greeter}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: blue, namespace: shop}
spec:
  awsName: blue.color.local
  provider: {virtualNode: {virtualNodeRef: {name: blue}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: ingress, namespace: shop}
spec:
  namespaceSelector: {matchLabels: {gateway: ingress}}
  podSelector: {matchLabels: {app: ingress}}
  listeners: [{portMapping: {port: 8088, protocol: http}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: GatewayRoute
metadata: {name: to-color, namespace: shop}
spec:
  httpRoute:
    match: {prefix: /color/}
    action:
      target: {virtualService: {virtualServiceRef: {name: color}}}
      rewrite: {prefix: {value: /}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: GatewayRoute
metadata: {name: to-greeter, namespace: shop}
spec:
  http2Route:
    match: {prefix: /greeter/}
    action:
      target: {virtualService: {virtualServiceRef: {name: greeter}}}
`;

export interface Names {
  mesh: string;
  /** A node, router or gateway (or gateway route) name as that source spells it. */
  child(name: string): string;
}

export const CDK_NAMES: Names = { mesh: 'color-mesh', child: (n) => n };
export const K8S_NAMES: Names = { mesh: 'color-k8s', child: (n) => `${n}_shop` };

export interface ExpectedResource {
  type: string;
  name: string;
  parent?: string;
  spec: Record<string, unknown>;
}

/** What the server must hold, as it stores specs (the server's defaults — empty backends, DROP_ALL — included). */
export function expectedResources(n: Names): ExpectedResource[] {
  const c = n.child;
  const node = (
    hostname: string | Record<string, unknown>,
    port: number,
    protocol: string,
    extra: Record<string, unknown> = {},
  ) => ({
    listeners: [{ portMapping: { port, protocol }, ...extra }],
    serviceDiscovery: typeof hostname === 'string' ? { dns: { hostname } } : hostname,
    backends: [],
  });
  return [
    { type: 'Mesh', name: n.mesh, spec: { egressFilter: { type: 'DROP_ALL' } } },
    {
      type: 'VirtualNode',
      name: c('blue'),
      spec: node('blue.color.local', 8080, 'http', {
        healthCheck: {
          healthyThreshold: 2,
          intervalMillis: 5000,
          path: '/ping',
          port: 8080,
          protocol: 'http',
          timeoutMillis: 2000,
          unhealthyThreshold: 2,
        },
      }),
    },
    {
      type: 'VirtualNode',
      name: c('red'),
      spec: node({ awsCloudMap: { namespaceName: 'color.local', serviceName: 'red' } }, 8080, 'http'),
    },
    {
      type: 'VirtualNode',
      name: c('green'),
      spec: node({ dns: { hostname: 'green.color.local', responseType: 'ENDPOINTS' } }, 9090, 'grpc'),
    },
    {
      type: 'VirtualNode',
      name: c('front'),
      spec: {
        ...node('front.color.local', 8080, 'http'),
        backends: [
          { virtualService: { virtualServiceName: 'color.color.local' } },
          { virtualService: { virtualServiceName: 'greeter.color.local' } },
        ],
      },
    },
    {
      type: 'VirtualRouter',
      name: c('color'),
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    },
    {
      type: 'VirtualRouter',
      name: c('greeter'),
      spec: { listeners: [{ portMapping: { port: 9090, protocol: 'grpc' } }] },
    },
    {
      type: 'Route',
      parent: c('color'),
      name: 'split',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: {
            weightedTargets: [
              { virtualNode: c('blue'), weight: 3 },
              { virtualNode: c('red'), weight: 1 },
            ],
          },
          timeout: { perRequest: { unit: 'ms', value: 5000 } },
        },
      },
    },
    {
      type: 'Route',
      parent: c('color'),
      name: 'beta',
      spec: {
        priority: 10,
        httpRoute: {
          match: { prefix: '/beta', headers: [{ name: 'x-beta', invert: false, match: { exact: 'yes' } }] },
          action: { weightedTargets: [{ virtualNode: c('red'), weight: 1 }] },
        },
      },
    },
    {
      type: 'Route',
      parent: c('greeter'),
      name: 'greet',
      spec: {
        grpcRoute: {
          match: { serviceName: 'greeter.Greeter' },
          action: { weightedTargets: [{ virtualNode: c('green'), weight: 1 }] },
          retryPolicy: {
            grpcRetryEvents: ['unavailable'],
            maxRetries: 2,
            perRetryTimeout: { unit: 'ms', value: 1000 },
          },
        },
      },
    },
    {
      type: 'VirtualService',
      name: 'color.color.local',
      spec: { provider: { virtualRouter: { virtualRouterName: c('color') } } },
    },
    {
      type: 'VirtualService',
      name: 'greeter.color.local',
      spec: { provider: { virtualRouter: { virtualRouterName: c('greeter') } } },
    },
    {
      type: 'VirtualService',
      name: 'blue.color.local',
      spec: { provider: { virtualNode: { virtualNodeName: c('blue') } } },
    },
    {
      type: 'VirtualGateway',
      name: c('ingress'),
      spec: { listeners: [{ portMapping: { port: 8088, protocol: 'http' } }] },
    },
    {
      type: 'GatewayRoute',
      parent: c('ingress'),
      name: c('to-color'),
      spec: {
        httpRoute: {
          match: { prefix: '/color/' },
          action: {
            target: { virtualService: { virtualServiceName: 'color.color.local' } },
            rewrite: { prefix: { value: '/' } },
          },
        },
      },
    },
    {
      type: 'GatewayRoute',
      parent: c('ingress'),
      name: c('to-greeter'),
      spec: {
        http2Route: {
          match: { prefix: '/greeter/' },
          action: { target: { virtualService: { virtualServiceName: 'greeter.color.local' } } },
        },
      },
    },
  ];
}

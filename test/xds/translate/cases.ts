// One translation case per feature; golden files in test/golden/<name>.json pin their full output.
import type { MeshSnapshot } from '../../../src/mesh/snapshot.js';
import { translate, translateApiListeners, type ProxyConfig } from '../../../src/xds/translate/index.js';
import {
  backends,
  byNode,
  byRouter,
  dnsNode,
  instance,
  listener,
  routerOn,
  snapshot,
  vgProxy,
  vnProxy,
} from './fixtures.js';

export interface Case {
  name: string;
  snapshot: MeshSnapshot;
  run(s: MeshSnapshot): ProxyConfig;
}

const sidecar = (name: string, s: MeshSnapshot, vn: string): Case => ({
  name,
  snapshot: s,
  run: (x) => translate(x, vnProxy(vn)),
});

const w = (virtualNode: string, weight: number, port?: number) =>
  port === undefined ? { virtualNode, weight } : { virtualNode, weight, port };

// A caller `front` with one backend `svc.local` served by router `r` (http 8080) → nodes `a` / `b`.
function routerMesh(
  routes: Record<string, import('../../../src/protocols/generated/appmesh-types.js').RouteSpec>,
  protocol: 'http' | 'http2' | 'grpc' | 'tcp' = 'http',
) {
  return snapshot({
    nodes: {
      front: dnsNode('front', [listener('http', 8080)], { backends: backends('svc.local') }),
      a: dnsNode('a', [listener(protocol, 8080)]),
      b: dnsNode('b', [listener(protocol, 8080)]),
    },
    services: { 'svc.local': byRouter('r') },
    routers: { r: routerOn(protocol, 8080) },
    routes: { r: routes },
  });
}

export const cases: Case[] = [
  sidecar(
    'sidecar-basic',
    snapshot({
      nodes: {
        front: dnsNode('front', [listener('http', 8080)], { backends: backends('back.local') }),
        back: dnsNode('back', [listener('http', 9080)]),
      },
      services: { 'back.local': byNode('back') },
    }),
    'front',
  ),

  sidecar(
    'multiple-listeners',
    snapshot({
      nodes: {
        multi: dnsNode('multi', [listener('http', 8080), listener('grpc', 9090), listener('tcp', 5432)], {
          backends: backends('svc.local', 'db.local'),
        }),
        a: dnsNode('a', [listener('http', 8080), listener('grpc', 9090)]),
        db: dnsNode('db', [listener('tcp', 5432)]),
      },
      services: { 'svc.local': byRouter('r'), 'db.local': byNode('db') },
      routers: {
        r: {
          listeners: [
            { portMapping: { port: 8080, protocol: 'http' } },
            { portMapping: { port: 9090, protocol: 'grpc' } },
          ],
        },
      },
      routes: {
        r: {
          web: { httpRoute: { match: { prefix: '/', port: 8080 }, action: { weightedTargets: [w('a', 1, 8080)] } } },
          rpc: { grpcRoute: { match: { port: 9090 }, action: { weightedTargets: [w('a', 1, 9090)] } } },
        },
      },
    }),
    'multi',
  ),

  sidecar(
    'route-http-matches',
    routerMesh({
      'by-prefix': {
        priority: 10,
        httpRoute: { match: { prefix: '/api/' }, action: { weightedTargets: [w('a', 1)] } },
      },
      'by-path': {
        priority: 1,
        httpRoute: { match: { path: { exact: '/login' } }, action: { weightedTargets: [w('b', 1)] } },
      },
      'by-regex': {
        priority: 2,
        httpRoute: { match: { path: { regex: '/items/[0-9]+' } }, action: { weightedTargets: [w('b', 1)] } },
      },
      'by-headers': {
        priority: 3,
        httpRoute: {
          match: {
            prefix: '/',
            headers: [
              { name: 'x-exact', match: { exact: 'yes' } },
              { name: 'x-prefix', match: { prefix: 'pre' } },
              { name: 'x-suffix', match: { suffix: 'fix' } },
              { name: 'x-regex', match: { regex: 'v[0-9]' } },
              { name: 'x-range', match: { range: { start: 1, end: 10 } } },
              { name: 'x-not', match: { exact: 'no' }, invert: true },
              { name: 'x-present' },
            ],
          },
          action: { weightedTargets: [w('b', 1)] },
        },
      },
      'by-query-method': {
        priority: 4,
        httpRoute: {
          match: {
            prefix: '/',
            method: 'POST',
            queryParameters: [{ name: 'v', match: { exact: '2' } }, { name: 'debug' }],
          },
          action: { weightedTargets: [w('b', 1)] },
        },
      },
      default: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [w('a', 1)] } } },
    }),
    'front',
  ),

  sidecar(
    'route-http2-scheme',
    routerMesh(
      {
        secure: {
          priority: 1,
          http2Route: { match: { prefix: '/', scheme: 'https' }, action: { weightedTargets: [w('b', 1)] } },
        },
        plain: { http2Route: { match: { prefix: '/' }, action: { weightedTargets: [w('a', 1)] } } },
      },
      'http2',
    ),
    'front',
  ),

  sidecar(
    'route-grpc',
    routerMesh(
      {
        method: {
          priority: 1,
          grpcRoute: {
            match: { serviceName: 'shop.Cart', methodName: 'Add' },
            action: { weightedTargets: [w('b', 1)] },
          },
        },
        service: {
          priority: 2,
          grpcRoute: {
            match: {
              serviceName: 'shop.Cart',
              metadata: [
                { name: 'x-tenant', match: { prefix: 'gold' } },
                { name: 'x-debug', invert: true },
              ],
            },
            action: { weightedTargets: [w('b', 1)] },
          },
        },
        any: { grpcRoute: { match: {}, action: { weightedTargets: [w('a', 1)] } } },
      },
      'grpc',
    ),
    'front',
  ),

  sidecar(
    'route-tcp',
    routerMesh(
      {
        second: { priority: 5, tcpRoute: { action: { weightedTargets: [w('b', 1)] } } },
        first: {
          priority: 1,
          tcpRoute: {
            action: { weightedTargets: [w('a', 3), w('b', 1)] },
            timeout: { idle: { unit: 's', value: 60 } },
          },
        },
      },
      'tcp',
    ),
    'front',
  ),

  sidecar(
    'route-priority',
    routerMesh({
      'no-priority-b': { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [w('b', 1)] } } },
      'no-priority-a': { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [w('a', 1)] } } },
      p100: { priority: 100, httpRoute: { match: { prefix: '/x' }, action: { weightedTargets: [w('b', 1)] } } },
      p0: { priority: 0, httpRoute: { match: { prefix: '/x/y' }, action: { weightedTargets: [w('a', 1)] } } },
      'missing-target': {
        priority: 50,
        httpRoute: { match: { prefix: '/gone' }, action: { weightedTargets: [w('nobody', 1)] } },
      },
    }),
    'front',
  ),

  sidecar(
    'weighted-targets',
    routerMesh({
      split: {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [w('a', 80), w('b', 20), w('c-missing', 10)] },
        },
      },
      canary: {
        priority: 1,
        httpRoute: { match: { prefix: '/canary' }, action: { weightedTargets: [w('a', 0), w('b', 100)] } },
      },
    }),
    'front',
  ),

  sidecar(
    'retries',
    routerMesh({
      http: {
        priority: 1,
        httpRoute: {
          match: { prefix: '/http' },
          action: { weightedTargets: [w('a', 1)] },
          retryPolicy: {
            maxRetries: 3,
            perRetryTimeout: { unit: 'ms', value: 1500 },
            httpRetryEvents: ['gateway-error', 'client-error', 'stream-error'],
            tcpRetryEvents: ['connection-error'],
          },
        },
      },
      server: {
        priority: 2,
        httpRoute: {
          match: { prefix: '/server' },
          action: { weightedTargets: [w('a', 1)] },
          retryPolicy: { maxRetries: 1, perRetryTimeout: { unit: 's', value: 2 }, httpRetryEvents: ['server-error'] },
        },
      },
      none: {
        priority: 3,
        httpRoute: {
          match: { prefix: '/none' },
          action: { weightedTargets: [w('a', 1)] },
          retryPolicy: { maxRetries: 0, perRetryTimeout: { unit: 's', value: 1 }, httpRetryEvents: ['server-error'] },
        },
      },
      default: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [w('b', 1)] } } },
    }),
    'front',
  ),

  {
    name: 'retries-grpc',
    snapshot: routerMesh(
      {
        rpc: {
          priority: 1,
          grpcRoute: {
            match: { serviceName: 'a.B' },
            action: { weightedTargets: [w('a', 1)] },
            retryPolicy: {
              maxRetries: 2,
              perRetryTimeout: { unit: 'ms', value: 500 },
              grpcRetryEvents: ['unavailable', 'deadline-exceeded', 'resource-exhausted'],
            },
          },
        },
        other: { grpcRoute: { match: {}, action: { weightedTargets: [w('b', 1)] } } },
      },
      'grpc',
    ),
    run: (s) => translate(s, vnProxy('front')),
  },

  sidecar(
    'timeouts',
    snapshot({
      nodes: {
        front: dnsNode(
          'front',
          [
            listener('http', 8080, {
              timeout: { http: { perRequest: { unit: 's', value: 30 }, idle: { unit: 's', value: 600 } } },
            }),
            listener('tcp', 7000, { timeout: { tcp: { idle: { unit: 'ms', value: 45000 } } } }),
          ],
          { backends: backends('svc.local', 'direct.local') },
        ),
        a: dnsNode('a', [listener('http', 8080)]),
        direct: dnsNode('direct', [
          listener('http', 9000, { timeout: { http: { perRequest: { unit: 's', value: 0 } } } }),
        ]),
      },
      services: { 'svc.local': byRouter('r'), 'direct.local': byNode('direct') },
      routers: { r: routerOn('http', 8080) },
      routes: {
        r: {
          slow: {
            priority: 1,
            httpRoute: {
              match: { prefix: '/slow' },
              action: { weightedTargets: [w('a', 1)] },
              timeout: { perRequest: { unit: 's', value: 60 }, idle: { unit: 'ms', value: 90500 } },
            },
          },
          off: {
            priority: 2,
            httpRoute: {
              match: { prefix: '/stream' },
              action: { weightedTargets: [w('a', 1)] },
              timeout: { perRequest: { unit: 's', value: 0 } },
            },
          },
          default: { httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [w('a', 1)] } } },
        },
      },
    }),
    'front',
  ),

  sidecar(
    'dns-response-types',
    snapshot({
      nodes: {
        front: dnsNode('front', [], { backends: backends('lb.local', 'eps.local') }),
        lb: {
          listeners: [listener('http', 8080)],
          serviceDiscovery: { dns: { hostname: 'lb.example.internal.', responseType: 'LOADBALANCER' } },
        },
        eps: {
          listeners: [listener('http2', 8081)],
          serviceDiscovery: {
            dns: { hostname: 'eps.example.internal', responseType: 'ENDPOINTS', ipPreference: 'IPv4_ONLY' },
          },
        },
      },
      services: { 'lb.local': byNode('lb'), 'eps.local': byNode('eps') },
    }),
    'front',
  ),

  sidecar(
    'cloudmap',
    snapshot({
      nodes: {
        front: dnsNode('front', [listener('http', 8080)], { backends: backends('orders.local') }),
        orders: {
          listeners: [listener('http', 8080)],
          serviceDiscovery: {
            awsCloudMap: { namespaceName: 'ns', serviceName: 'orders', attributes: [{ key: 'stage', value: 'prod' }] },
          },
        },
      },
      services: { 'orders.local': byNode('orders') },
      cloudMap: {
        'ns/orders': [
          instance('i-3', { AWS_INSTANCE_IPV4: '10.0.0.3', stage: 'prod' }, false),
          instance('i-1', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9000', stage: 'prod' }),
          instance('i-2', { AWS_INSTANCE_IPV4: '10.0.0.2', stage: 'dev' }),
          instance('i-4', { AWS_INSTANCE_IPV6: '2001:db8::4', stage: 'prod' }),
          instance('i-5', { AWS_INSTANCE_IPV4: 'not-an-ip', stage: 'prod' }),
          instance('i-6', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '9000', stage: 'prod' }),
        ],
      },
    }),
    'front',
  ),

  sidecar(
    'ipv6-preference',
    snapshot({
      meshSpec: { serviceDiscovery: { ipPreference: 'IPv6_PREFERRED' } },
      nodes: {
        front: dnsNode('front', [listener('http', 8080)], { backends: backends('v6.local', 'v4.local') }),
        v6: {
          listeners: [listener('http', 8080)],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'ns', serviceName: 'v6', ipPreference: 'IPv6_ONLY' } },
        },
        v4: dnsNode('v4', [listener('http', 8080)]),
      },
      services: { 'v6.local': byNode('v6'), 'v4.local': byNode('v4') },
      cloudMap: {
        'ns/v6': [
          instance('i-1', { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_IPV6: '2001:db8::1' }),
          instance('i-2', { AWS_INSTANCE_IPV4: '10.0.0.2' }),
        ],
      },
    }),
    'front',
  ),

  sidecar(
    'listener-tls-file',
    snapshot({
      nodes: {
        secure: dnsNode('secure', [
          listener('http', 8443, {
            tls: {
              mode: 'STRICT',
              certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
              validation: {
                trust: { file: { certificateChain: '/certs/ca.pem' } },
                subjectAlternativeNames: { match: { exact: ['front.local', 'spiffe://mesh/front'] } },
              },
            },
          }),
          listener('grpc', 9443, {
            tls: { mode: 'DISABLED', certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } } },
          }),
          listener('http', 7443, {
            tls: {
              mode: 'STRICT',
              certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x' } },
            },
          }),
          listener('http', 6443, {
            tls: {
              mode: 'PERMISSIVE',
              certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/y' } },
            },
          }),
        ]),
      },
    }),
    'secure',
  ),

  sidecar(
    'listener-tls-sds',
    snapshot({
      nodes: {
        secure: dnsNode('secure', [
          listener('grpc', 8443, {
            tls: {
              mode: 'PERMISSIVE',
              certificate: { sds: { secretName: 'spiffe://mesh/secure' } },
              validation: {
                trust: { sds: { secretName: 'spiffe://mesh' } },
                subjectAlternativeNames: { match: { exact: ['spiffe://mesh/front'] } },
              },
            },
          }),
        ]),
      },
    }),
    'secure',
  ),

  sidecar(
    'backend-tls',
    snapshot({
      nodes: {
        front: dnsNode('front', [], {
          backendDefaults: {
            clientPolicy: {
              tls: { ports: [8443], validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } } },
            },
          },
          backends: [
            {
              virtualService: {
                virtualServiceName: 'pinned.local',
                clientPolicy: {
                  tls: {
                    certificate: { sds: { secretName: 'front-cert' } },
                    validation: {
                      trust: { sds: { secretName: 'mesh-ca' } },
                      subjectAlternativeNames: { match: { exact: ['pinned.example'] } },
                    },
                  },
                },
              },
            },
            { virtualService: { virtualServiceName: 'default.local' } },
            { virtualService: { virtualServiceName: 'plain.local' } },
            {
              virtualService: {
                virtualServiceName: 'acm.local',
                clientPolicy: {
                  tls: {
                    validation: {
                      trust: {
                        acm: {
                          certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x'],
                        },
                      },
                    },
                  },
                },
              },
            },
            {
              virtualService: {
                virtualServiceName: 'strict.local',
                clientPolicy: {
                  tls: { enforce: false, validation: { trust: { file: { certificateChain: '/ca.pem' } } } },
                },
              },
            },
          ],
        }),
        pinned: dnsNode('pinned', [listener('http2', 8444)]),
        dflt: {
          listeners: [listener('http', 8443)],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'ns', serviceName: 'dflt' } },
        },
        plain: dnsNode('plain', [listener('http', 8080)]),
        acm: dnsNode('acm', [listener('http', 8081)]),
        strict: dnsNode('strict', [
          listener('http', 8082, {
            tls: { mode: 'STRICT', certificate: { file: { certificateChain: '/c.pem', privateKey: '/k.pem' } } },
          }),
        ]),
      },
      services: {
        'pinned.local': byNode('pinned'),
        'default.local': byNode('dflt'),
        'plain.local': byNode('plain'),
        'acm.local': byNode('acm'),
        'strict.local': byNode('strict'),
      },
    }),
    'front',
  ),

  sidecar(
    'health-check',
    snapshot({
      nodes: {
        front: dnsNode(
          'front',
          [
            listener('http', 8080, {
              healthCheck: {
                protocol: 'http',
                path: '/ping',
                healthyThreshold: 2,
                unhealthyThreshold: 3,
                intervalMillis: 5000,
                timeoutMillis: 2000,
              },
            }),
          ],
          { backends: backends('grpc.local', 'tcp.local') },
        ),
        g: dnsNode('g', [
          listener('grpc', 9090, {
            healthCheck: {
              protocol: 'grpc',
              healthyThreshold: 3,
              unhealthyThreshold: 2,
              intervalMillis: 10000,
              timeoutMillis: 2500,
            },
          }),
        ]),
        t: dnsNode('t', [
          listener('tcp', 5432, {
            healthCheck: {
              protocol: 'tcp',
              healthyThreshold: 2,
              unhealthyThreshold: 2,
              intervalMillis: 5000,
              timeoutMillis: 2000,
            },
          }),
        ]),
      },
      services: { 'grpc.local': byNode('g'), 'tcp.local': byNode('t') },
    }),
    'front',
  ),

  sidecar(
    'outlier-detection',
    snapshot({
      nodes: {
        front: dnsNode('front', [], { backends: backends('svc.local') }),
        svc: dnsNode('svc', [
          listener('http', 8080, {
            outlierDetection: {
              maxServerErrors: 5,
              interval: { unit: 's', value: 10 },
              baseEjectionDuration: { unit: 'ms', value: 30000 },
              maxEjectionPercent: 50,
            },
          }),
        ]),
      },
      services: { 'svc.local': byNode('svc') },
    }),
    'front',
  ),

  sidecar(
    'connection-pools',
    snapshot({
      nodes: {
        pooled: dnsNode('pooled', [
          listener('http', 8080, { connectionPool: { http: { maxConnections: 100, maxPendingRequests: 10 } } }),
          listener('http2', 8081, { connectionPool: { http2: { maxRequests: 200 } } }),
          listener('grpc', 8082, { connectionPool: { grpc: { maxRequests: 300 } } }),
          listener('tcp', 8083, { connectionPool: { tcp: { maxConnections: 40 } } }),
        ]),
      },
    }),
    'pooled',
  ),

  sidecar(
    'access-log-text',
    snapshot({
      nodes: {
        front: dnsNode('front', [listener('http', 8080), listener('tcp', 9000)], {
          backends: backends('back.local'),
          logging: {
            accessLog: {
              file: { path: '/dev/stdout', format: { text: '[%START_TIME%] %REQ(:METHOD)% %RESPONSE_CODE%' } },
            },
          },
        }),
        back: dnsNode('back', [listener('http', 9080)]),
      },
      services: { 'back.local': byNode('back') },
    }),
    'front',
  ),

  sidecar(
    'access-log-json',
    snapshot({
      nodes: {
        front: dnsNode('front', [listener('http', 8080)], {
          logging: {
            accessLog: {
              file: {
                path: '/var/log/envoy.json',
                format: {
                  json: [
                    { key: 'method', value: '%REQ(:METHOD)%' },
                    { key: 'code', value: '%RESPONSE_CODE%' },
                  ],
                },
              },
            },
          },
        }),
      },
    }),
    'front',
  ),

  // --access-log-service: the same sidecar also streams HTTP (http_grpc) and TCP (tcp_grpc) entries to appmeshd.
  {
    name: 'access-log-service-sidecar',
    snapshot: snapshot({
      nodes: {
        front: dnsNode('front', [listener('http', 8080), listener('tcp', 9000)], {
          backends: backends('back.local'),
          logging: { accessLog: { file: { path: '/dev/stdout' } } },
        }),
        back: dnsNode('back', [listener('http', 9080)]),
      },
      services: { 'back.local': byNode('back') },
    }),
    run: (x) => translate(x, vnProxy('front'), { accessLogService: { address: '10.0.0.5', port: 15010 } }),
  },

  {
    name: 'access-log-service-gateway',
    snapshot: snapshot({
      nodes: { web: dnsNode('web', [listener('http', 8080)]) },
      services: { 'web.local': byNode('web') },
      gateways: { gw: { listeners: [{ portMapping: { port: 8088, protocol: 'http' } }] } },
      gatewayRoutes: {
        gw: {
          web: {
            httpRoute: {
              match: { prefix: '/' },
              action: { target: { virtualService: { virtualServiceName: 'web.local' } } },
            },
          },
        },
      },
    }),
    run: (x) => translate(x, vgProxy('gw'), { accessLogService: { address: 'appmeshd.internal', port: 15010 } }),
  },

  sidecar(
    'egress-allow-all',
    snapshot({
      meshSpec: { egressFilter: { type: 'ALLOW_ALL' } },
      nodes: {
        front: dnsNode('front', [], { backends: backends('back.local') }),
        back: dnsNode('back', [listener('http', 9080)]),
      },
      services: { 'back.local': byNode('back') },
    }),
    'front',
  ),

  sidecar(
    'egress-drop-all',
    snapshot({
      meshSpec: { egressFilter: { type: 'DROP_ALL' } },
      nodes: {
        front: dnsNode('front', [], { backends: backends('back.local') }),
        back: dnsNode('back', [listener('http', 9080)]),
      },
      services: { 'back.local': byNode('back') },
    }),
    'front',
  ),

  {
    name: 'gateway',
    snapshot: snapshot({
      nodes: {
        web: dnsNode('web', [listener('http', 8080, { timeout: { http: { perRequest: { unit: 's', value: 20 } } } })]),
        api1: dnsNode('api1', [listener('http', 8080)]),
        api2: {
          listeners: [listener('http', 8080)],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'ns', serviceName: 'api2' } },
        },
        rpc: dnsNode('rpc', [listener('grpc', 9090)]),
      },
      services: { 'web.local': byNode('web'), 'api.local': byRouter('api'), 'rpc.local': byNode('rpc') },
      routers: { api: routerOn('http', 8080) },
      routes: {
        api: {
          v2: { priority: 1, httpRoute: { match: { prefix: '/v2/' }, action: { weightedTargets: [w('api2', 1)] } } },
          'by-header': {
            priority: 2,
            httpRoute: {
              match: { prefix: '/', headers: [{ name: 'x-canary', match: { exact: 'true' } }] },
              action: { weightedTargets: [w('api1', 50), w('api2', 50)] },
            },
          },
          login: {
            priority: 3,
            httpRoute: { match: { path: { exact: '/login' } }, action: { weightedTargets: [w('api1', 1)] } },
          },
          regex: {
            priority: 4,
            httpRoute: { match: { path: { regex: '/items/[0-9]+' } }, action: { weightedTargets: [w('api2', 1)] } },
          },
          rest: { priority: 5, httpRoute: { match: { prefix: '/v1/' }, action: { weightedTargets: [w('api1', 1)] } } },
        },
      },
      gateways: {
        gw: {
          listeners: [
            { portMapping: { port: 8080, protocol: 'http' } },
            { portMapping: { port: 9090, protocol: 'grpc' }, connectionPool: { grpc: { maxRequests: 64 } } },
          ],
          logging: { accessLog: { file: { path: '/dev/stdout' } } },
          backendDefaults: {
            clientPolicy: { tls: { ports: [9090], validation: { trust: { file: { certificateChain: '/ca.pem' } } } } },
          },
        },
      },
      gatewayRoutes: {
        gw: {
          web: {
            httpRoute: {
              match: { prefix: '/' },
              action: { target: { virtualService: { virtualServiceName: 'web.local' } } },
            },
          },
          api: {
            httpRoute: {
              match: { prefix: '/api/' },
              action: { target: { virtualService: { virtualServiceName: 'api.local' } } },
            },
          },
          'api-raw': {
            httpRoute: {
              match: { prefix: '/raw/', hostname: { suffix: '.example.com' } },
              action: {
                target: { virtualService: { virtualServiceName: 'api.local' } },
                rewrite: { prefix: { defaultPrefix: 'DISABLED' }, hostname: { defaultTargetHostname: 'DISABLED' } },
              },
            },
          },
          'api-v3': {
            priority: 1,
            httpRoute: {
              match: { prefix: '/api/v3/' },
              action: {
                target: { virtualService: { virtualServiceName: 'api.local' } },
                rewrite: { prefix: { value: '/v2/' } },
              },
            },
          },
          health: {
            httpRoute: {
              match: { path: { exact: '/healthz' }, hostname: { exact: 'www.example.com' }, method: 'GET' },
              action: {
                target: { virtualService: { virtualServiceName: 'api.local' } },
                rewrite: { path: { exact: '/login' } },
              },
            },
          },
          grpc: {
            grpcRoute: {
              match: { serviceName: 'shop.Cart', metadata: [{ name: 'x-tenant', match: { exact: 'gold' } }] },
              action: { target: { virtualService: { virtualServiceName: 'rpc.local' } } },
            },
          },
          ghost: {
            httpRoute: {
              match: { prefix: '/ghost/' },
              action: { target: { virtualService: { virtualServiceName: 'ghost.local' } } },
            },
          },
        },
      },
    }),
    run: (s) => translate(s, vgProxy('gw')),
  },

  {
    name: 'proxyless-api-listener',
    snapshot: snapshot({
      nodes: {
        client: dnsNode('client', [], { backends: backends('cart.local', 'dns.local', 'tcp.local') }),
        v1: {
          listeners: [
            listener('grpc', 50051, {
              outlierDetection: {
                maxServerErrors: 3,
                interval: { unit: 's', value: 5 },
                baseEjectionDuration: { unit: 's', value: 30 },
                maxEjectionPercent: 20,
              },
            }),
          ],
          serviceDiscovery: {
            awsCloudMap: { namespaceName: 'ns', serviceName: 'cart', attributes: [{ key: 'version', value: 'v1' }] },
          },
        },
        v2: {
          listeners: [listener('grpc', 50051)],
          serviceDiscovery: {
            awsCloudMap: { namespaceName: 'ns', serviceName: 'cart', attributes: [{ key: 'version', value: 'v2' }] },
          },
        },
        dns: {
          listeners: [listener('grpc', 50052)],
          serviceDiscovery: { dns: { hostname: 'dns.example.internal', responseType: 'ENDPOINTS' } },
        },
        tcp: dnsNode('tcp', [listener('tcp', 5432)]),
      },
      services: { 'cart.local': byRouter('cart'), 'dns.local': byNode('dns'), 'tcp.local': byNode('tcp') },
      routers: { cart: routerOn('grpc', 50051) },
      routes: {
        cart: {
          gold: {
            priority: 1,
            grpcRoute: {
              match: { serviceName: 'shop.Cart', metadata: [{ name: 'x-tenant', match: { exact: 'gold' } }] },
              action: { weightedTargets: [w('v2', 1)] },
              timeout: { perRequest: { unit: 's', value: 2 } },
            },
          },
          split: {
            grpcRoute: {
              match: { serviceName: 'shop.Cart' },
              action: { weightedTargets: [w('v1', 90), w('v2', 10)] },
              retryPolicy: {
                maxRetries: 2,
                perRetryTimeout: { unit: 'ms', value: 300 },
                grpcRetryEvents: ['unavailable'],
              },
            },
          },
        },
      },
      cloudMap: {
        'ns/cart': [
          instance('c-1', { AWS_INSTANCE_IPV4: '10.1.0.1', AWS_INSTANCE_PORT: '50051', version: 'v1' }),
          instance('c-2', { AWS_INSTANCE_IPV4: '10.1.0.2', AWS_INSTANCE_PORT: '50051', version: 'v2' }),
          instance('c-3', { AWS_INSTANCE_IPV4: '10.1.0.3', AWS_INSTANCE_PORT: '50051', version: 'v1' }, false),
        ],
      },
    }),
    run: (s) =>
      translateApiListeners(s, vnProxy('client'), [
        'cart.local:50051',
        'dns.local',
        'tcp.local:5432',
        'unknown.local:1',
      ]),
  },
];

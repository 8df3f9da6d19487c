// Shared pieces of the App Mesh end-to-end tests: an SDK client for a running server,
// an error assertion that checks what the SDK parsed, and realistic specs.
import assert from 'node:assert/strict';
import { AppMesh } from '@aws-sdk/client-app-mesh';
import type {
  GatewayRouteSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
} from '@aws-sdk/client-app-mesh';
import type { RunningServer } from '../helpers/server.js';

export function meshClient(server: RunningServer): AppMesh {
  return new AppMesh({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
}

/** Awaits a call that must fail with the named modeled exception; returns its message. */
export async function rejectsWith(call: Promise<unknown>, name: string, status?: number): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return e.message ?? '';
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

export const httpNode = (hostname: string, port = 8080): VirtualNodeSpec => ({
  listeners: [{ portMapping: { port, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname } },
});

/** A virtual node using most of the listener surface: health check, TLS, timeouts, pools, backends, Cloud Map. */
export const richNode = (backend: string): VirtualNodeSpec => ({
  listeners: [
    {
      portMapping: { port: 9080, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/ping',
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        intervalMillis: 5000,
        timeoutMillis: 2000,
        port: 9080,
      },
      tls: {
        mode: 'STRICT',
        certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
        validation: {
          trust: { file: { certificateChain: '/certs/ca.pem' } },
          subjectAlternativeNames: { match: { exact: ['a.local'] } },
        },
      },
      timeout: { http: { perRequest: { unit: 's', value: 10 }, idle: { unit: 'ms', value: 500 } } },
      connectionPool: { http: { maxConnections: 100, maxPendingRequests: 10 } },
      outlierDetection: {
        maxServerErrors: 5,
        maxEjectionPercent: 50,
        interval: { unit: 's', value: 10 },
        baseEjectionDuration: { unit: 's', value: 30 },
      },
    },
  ],
  serviceDiscovery: {
    awsCloudMap: {
      namespaceName: 'local',
      serviceName: 'app',
      attributes: [{ key: 'stage', value: 'prod' }],
      ipPreference: 'IPv4_ONLY',
    },
  },
  backends: [
    {
      virtualService: {
        virtualServiceName: backend,
        clientPolicy: {
          tls: { enforce: true, ports: [443], validation: { trust: { file: { certificateChain: '/certs/ca.pem' } } } },
        },
      },
    },
  ],
  backendDefaults: { clientPolicy: { tls: { validation: { trust: { sds: { secretName: 'ca' } } } } } },
  logging: { accessLog: { file: { path: '/dev/stdout', format: { text: '%START_TIME%' } } } },
});

export const router = (protocol: 'http' | 'http2' | 'grpc' | 'tcp' = 'http', port = 8080): VirtualRouterSpec => ({
  listeners: [{ portMapping: { port, protocol } }],
});

export const httpRoute = (node: string, prefix = '/'): RouteSpec => ({
  priority: 10,
  httpRoute: {
    match: { prefix, method: 'GET', headers: [{ name: 'x-canary', match: { exact: 'yes' }, invert: false }] },
    action: { weightedTargets: [{ virtualNode: node, weight: 100 }] },
    retryPolicy: {
      maxRetries: 3,
      perRetryTimeout: { unit: 'ms', value: 250 },
      httpRetryEvents: ['server-error', 'gateway-error'],
      tcpRetryEvents: ['connection-error'],
    },
    timeout: { perRequest: { unit: 's', value: 15 }, idle: { unit: 's', value: 60 } },
  },
});

export const gateway = (port = 8443): VirtualGatewaySpec => ({
  listeners: [
    {
      portMapping: { port, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/health',
        healthyThreshold: 2,
        unhealthyThreshold: 2,
        intervalMillis: 10000,
        timeoutMillis: 5000,
      },
    },
  ],
  logging: { accessLog: { file: { path: '/dev/stdout' } } },
});

export const gatewayRoute = (service: string, prefix = '/api/'): GatewayRouteSpec => ({
  httpRoute: {
    match: { prefix },
    action: {
      target: { virtualService: { virtualServiceName: service } },
      rewrite: { prefix: { value: '/' }, hostname: { defaultTargetHostname: 'DISABLED' } },
    },
  },
});

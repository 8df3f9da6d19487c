// End to end with the real client: a @grpc/grpc-js-xds channel `xds:///cart.local:50051` gets the translated API
// listener from a minimal in-test ADS server (SotW, requested names only) and calls two real gRPC backends registered
// as Cloud Map instances. Checks that grpc-js-xds ACKs everything and honours header matches, weights, retries and
// route timeouts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { toAny } from '../../../src/xds/protos/encode.js';
import { loadAdsPackageDefinition } from '../../../src/xds/protos/load.js';
import { translateApiListeners } from '../../../src/xds/translate/index.js';
import { TypeUrl, type ProxyConfig, type ResourceField } from '../../../src/xds/translate/types.js';
import { backends, instance, snapshot, vnProxy } from './fixtures.js';
import type { MeshSnapshot } from '../../../src/mesh/snapshot.js';

type Json = Record<string, any>;
const passthrough = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const cartService: grpc.ServiceDefinition = {
  Get: {
    path: '/shop.Cart/Get',
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough.serialize,
    requestDeserialize: passthrough.deserialize,
    responseSerialize: passthrough.serialize,
    responseDeserialize: passthrough.deserialize,
  },
  Slow: {
    path: '/shop.Cart/Slow',
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough.serialize,
    requestDeserialize: passthrough.deserialize,
    responseSerialize: passthrough.serialize,
    responseDeserialize: passthrough.deserialize,
  },
  Flaky: {
    path: '/shop.Cart/Flaky',
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough.serialize,
    requestDeserialize: passthrough.deserialize,
    responseSerialize: passthrough.serialize,
    responseDeserialize: passthrough.deserialize,
  },
};

const servers: grpc.Server[] = [];
const ports: number[] = [];
const nacks: string[] = [];
let flakyCalls = 0;
let client: grpc.Client;
let dnsClient: grpc.Client;
let mesh: MeshSnapshot;

async function bind(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
}

function backend(id: string): grpc.Server {
  const s = new grpc.Server();
  s.addService(cartService, {
    Get: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(id)),
    Slow: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      setTimeout(() => cb(null, Buffer.from(id)), 2000).unref();
    },
    Flaky: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      flakyCalls++;
      if (flakyCalls % 2 === 1) cb({ code: grpc.status.UNAVAILABLE, details: 'try again' });
      else cb(null, Buffer.from(id));
    },
  });
  return s;
}

/** A minimal SotW ADS server answering each type with the requested resources of translateApiListeners(). */
async function adsServer(config: (ldsNames: string[]) => ProxyConfig): Promise<number> {
  const pkg = await loadAdsPackageDefinition();
  const svc = pkg['envoy.service.discovery.v3.AggregatedDiscoveryService'] as unknown as grpc.ServiceDefinition;
  const server = new grpc.Server();
  server.addService(svc, {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<Json, Json>) => {
      const subscribed = new Map<string, string[]>();
      let nonce = 0;
      const kinds: Record<string, ResourceField> = {
        [TypeUrl.listener]: 'listeners',
        [TypeUrl.route]: 'routes',
        [TypeUrl.cluster]: 'clusters',
        [TypeUrl.endpoint]: 'endpoints',
      };
      call.on('data', (req: Json) => {
        if (req.error_detail) nacks.push(`${req.type_url}: ${req.error_detail.message}`);
        const names: string[] = [...(req.resource_names ?? [])].sort();
        const prev = subscribed.get(req.type_url);
        if (prev && prev.join('\0') === names.join('\0')) return; // ACK / NACK of what we sent
        subscribed.set(req.type_url, names);
        const cfg = config(subscribed.get(TypeUrl.listener) ?? []);
        const kind = kinds[req.type_url];
        if (!kind) return;
        const resources = cfg[kind].filter((r) => names.includes(r.name)).map((r) => toAny(r.typeUrl, r.resource));
        call.write({ version_info: '1', type_url: req.type_url, nonce: String(++nonce), resources });
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  });
  servers.push(server);
  return bind(server);
}

before(async () => {
  const v1 = backend('v1');
  const v2 = backend('v2');
  servers.push(v1, v2);
  ports.push(await bind(v1), await bind(v2));
  const cm = (id: string, port: number, version: string) =>
    instance(id, { AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: String(port), version });
  mesh = snapshot({
    nodes: {
      client: { backends: backends('cart.local', 'dns.local') },
      // DNS discovery (ENDPOINTS would be STRICT_DNS for Envoy; proxyless gets LOGICAL_DNS) on the v2 backend's port.
      bydns: {
        listeners: [{ portMapping: { port: ports[1]!, protocol: 'grpc' } }],
        serviceDiscovery: { dns: { hostname: 'localhost', responseType: 'ENDPOINTS', ipPreference: 'IPv4_ONLY' } },
      },
      v1: {
        listeners: [{ portMapping: { port: 50051, protocol: 'grpc' } }],
        serviceDiscovery: {
          awsCloudMap: { namespaceName: 'ns', serviceName: 'cart', attributes: [{ key: 'version', value: 'v1' }] },
        },
      },
      v2: {
        listeners: [{ portMapping: { port: 50051, protocol: 'grpc' } }],
        serviceDiscovery: {
          awsCloudMap: { namespaceName: 'ns', serviceName: 'cart', attributes: [{ key: 'version', value: 'v2' }] },
        },
      },
    },
    services: {
      'cart.local': { provider: { virtualRouter: { virtualRouterName: 'cart' } } },
      'dns.local': { provider: { virtualNode: { virtualNodeName: 'bydns' } } },
    },
    routers: { cart: { listeners: [{ portMapping: { port: 50051, protocol: 'grpc' } }] } },
    routes: {
      cart: {
        gold: {
          priority: 1,
          grpcRoute: {
            match: {
              serviceName: 'shop.Cart',
              methodName: 'Get',
              metadata: [{ name: 'x-tenant', match: { exact: 'gold' } }],
            },
            action: { weightedTargets: [{ virtualNode: 'v2', weight: 1 }] },
          },
        },
        slow: {
          priority: 2,
          grpcRoute: {
            match: { serviceName: 'shop.Cart', methodName: 'Slow' },
            action: { weightedTargets: [{ virtualNode: 'v1', weight: 1 }] },
            timeout: { perRequest: { unit: 'ms', value: 300 } },
          },
        },
        flaky: {
          priority: 3,
          grpcRoute: {
            match: { serviceName: 'shop.Cart', methodName: 'Flaky' },
            action: { weightedTargets: [{ virtualNode: 'v1', weight: 1 }] },
            retryPolicy: { maxRetries: 3, perRetryTimeout: { unit: 's', value: 1 }, grpcRetryEvents: ['unavailable'] },
          },
        },
        split: {
          grpcRoute: {
            match: { serviceName: 'shop.Cart' },
            action: {
              weightedTargets: [
                { virtualNode: 'v1', weight: 50 },
                { virtualNode: 'v2', weight: 50 },
              ],
            },
          },
        },
      },
    },
    cloudMap: { 'ns/cart': [cm('i-1', ports[0]!, 'v1'), cm('i-2', ports[1]!, 'v2')] },
  });
  const adsPort = await adsServer((names) => translateApiListeners(mesh, vnProxy('client'), names));
  (await import('@grpc/grpc-js-xds')).register();
  const bootstrap = {
    xds_servers: [
      { server_uri: `127.0.0.1:${adsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: 'mesh/m/virtualNode/client', locality: {} },
  };
  const Client = grpc.makeGenericClientConstructor(cartService, 'Cart');
  const options = { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) };
  client = new Client('xds:///cart.local:50051', grpc.credentials.createInsecure(), options);
  dnsClient = new Client('xds:///dns.local', grpc.credentials.createInsecure(), options);
});

after(() => {
  client?.close();
  dnsClient?.close();
  for (const s of servers) s.forceShutdown();
});

function call(
  method: 'Get' | 'Slow' | 'Flaky',
  metadata: Record<string, string> = {},
  deadlineMs = 5000,
  via: grpc.Client = client,
): Promise<string> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve, reject) => {
    (via as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!(
      Buffer.alloc(0),
      md,
      { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, res: Buffer) => (err ? reject(err) : resolve(res.toString())),
    );
  });
}

test('grpc-js-xds: metadata match, weights, retries and timeouts are honoured; nothing is NACKed', async () => {
  assert.equal(await call('Get', { 'x-tenant': 'gold' }), 'v2');
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i++) seen.add(await call('Get'));
  assert.deepEqual([...seen].sort(), ['v1', 'v2'], '50/50 split reaches both targets');
  assert.equal(await call('Flaky'), 'v1', 'UNAVAILABLE retried per the route retry policy');
  await assert.rejects(
    call('Slow'),
    (e: grpc.ServiceError) => e.code === grpc.status.DEADLINE_EXCEEDED,
    'route timeout 300 ms applies',
  );
  assert.equal(await call('Get', {}, 5000, dnsClient), 'v2', 'xds:///dns.local → LOGICAL_DNS cluster localhost:<port>');
  assert.deepEqual(nacks, []);
});

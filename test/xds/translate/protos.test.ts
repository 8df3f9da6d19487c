// src/xds/protos/: the strict proto3-JSON encoder the xDS server puts on the wire, and the decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeResource } from '../../../src/xds/protos/decode.js';
import { EncodeError, encodeMessage, encodeResource, toAny } from '../../../src/xds/protos/encode.js';
import { loadAdsPackageDefinition, loadEnvoyProtos } from '../../../src/xds/protos/load.js';
import { TypeUrl } from '../../../src/xds/translate/types.js';

const cluster = (extra: Record<string, unknown> = {}) => ({
  name: 'c',
  type: 'EDS',
  connect_timeout: '1s',
  eds_cluster_config: { eds_config: { ads: {} } },
  ...extra,
});
const rejects = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof EncodeError && re.test(e.message));

test('protos: loads the Envoy types, discovery messages and ADS service', async () => {
  const p = loadEnvoyProtos();
  for (const t of [
    'envoy.config.listener.v3.Listener',
    'envoy.config.route.v3.RouteConfiguration',
    'envoy.config.cluster.v3.Cluster',
    'envoy.config.endpoint.v3.ClusterLoadAssignment',
    'envoy.extensions.transport_sockets.tls.v3.Secret',
    'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
    'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    'envoy.extensions.filters.http.router.v3.Router',
    'envoy.service.discovery.v3.DiscoveryRequest',
    'envoy.service.discovery.v3.DiscoveryResponse',
    'envoy.service.discovery.v3.DeltaDiscoveryRequest',
    'envoy.service.discovery.v3.DeltaDiscoveryResponse',
  ]) {
    assert.ok(p.lookupType(t), t);
  }
  assert.ok(
    p.root.lookupService('envoy.service.discovery.v3.AggregatedDiscoveryService').methods.StreamAggregatedResources,
  );
  const pkg = await loadAdsPackageDefinition();
  const svc = pkg['envoy.service.discovery.v3.AggregatedDiscoveryService'] as Record<string, { path: string }>;
  assert.equal(
    svc.StreamAggregatedResources?.path,
    '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
  );
  assert.ok(svc.DeltaAggregatedResources);
});

test('protos: encodes to a google.protobuf.Any and decodes back', () => {
  const bytes = encodeResource(TypeUrl.cluster, cluster({ circuit_breakers: { thresholds: [{ max_requests: 7 }] } }));
  const any = loadEnvoyProtos().lookupType('google.protobuf.Any').decode(bytes) as unknown as {
    type_url: string;
    value: Uint8Array;
  };
  assert.equal(any.type_url, TypeUrl.cluster);
  const c = loadEnvoyProtos().lookupType(TypeUrl.cluster).decode(any.value) as unknown as Record<string, any>;
  assert.equal(c.name, 'c');
  assert.equal(Number(c.connect_timeout.seconds), 1);
  assert.equal(c.circuit_breakers.thresholds[0].max_requests.value, 7);
  assert.deepEqual(
    decodeResource(bytes).resource,
    cluster({
      eds_cluster_config: { eds_config: { ads: {} } },
      circuit_breakers: { thresholds: [{ max_requests: 7 }] },
    }),
  );
  assert.deepEqual(toAny(TypeUrl.cluster, cluster()).value, encodeMessage(TypeUrl.cluster, cluster()));
});

test('protos: accepts lowerCamelCase JSON names and canonical special forms', () => {
  const a = encodeMessage(TypeUrl.cluster, cluster({ connect_timeout: undefined, connectTimeout: '0.250s' }) as never);
  assert.ok(a.length > 0);
  encodeMessage(TypeUrl.route, {
    name: 'r',
    virtual_hosts: [
      {
        name: 'v',
        domains: ['*'],
        routes: [
          {
            match: { prefix: '/', headers: [{ name: 'x', range_match: { start: '1', end: 10 } }] },
            direct_response: { status: 404 },
          },
        ],
      },
    ],
  });
});

test('protos: rejects unknown fields, wrong types, bad enums, duplicate oneof members', () => {
  rejects(() => encodeResource(TypeUrl.cluster, cluster({ nme: 'x' })), /nme: unknown field/);
  rejects(() => encodeResource(TypeUrl.cluster, cluster({ name: 5 })), /name: expected a string/);
  rejects(() => encodeResource(TypeUrl.cluster, cluster({ type: 'EDSS' })), /type: "EDSS" is not a DiscoveryType/);
  rejects(
    () => encodeResource(TypeUrl.cluster, cluster({ connect_timeout: 1 })),
    /connect_timeout: expected a duration/,
  );
  rejects(
    () => encodeResource(TypeUrl.cluster, cluster({ per_connection_buffer_limit_bytes: -1 })),
    /out of range for uint32/,
  );
  rejects(
    () => encodeResource(TypeUrl.cluster, cluster({ per_connection_buffer_limit_bytes: 1.5 })),
    /expected an integer/,
  );
  rejects(
    () => encodeResource(TypeUrl.cluster, cluster({ circuit_breakers: { thresholds: {} } })),
    /thresholds: expected an array/,
  );
  rejects(
    () =>
      encodeResource(
        TypeUrl.cluster,
        cluster({
          load_assignment: {
            cluster_name: 'c',
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: 'x', port_value: 1, named_port: 'y' } } } },
                ],
              },
            ],
          },
        }),
      ),
    /oneof port_specifier already has port_value/,
  );
});

test('protos: encodes nested typed Any (typed_config with @type) and rejects unknown types or fields inside', () => {
  const listener = (typed: Record<string, unknown>) => ({
    name: 'l',
    address: { socket_address: { address: '0.0.0.0', port_value: 1 } },
    filter_chains: [{ filters: [{ name: 'f', typed_config: typed }] }],
  });
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: 's',
    rds: { route_config_name: 'r', config_source: { ads: {} } },
    http_filters: [
      {
        name: 'envoy.filters.http.router',
        typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
      },
    ],
  };
  const bytes = encodeResource(TypeUrl.listener, listener(hcm));
  const back = decodeResource(bytes).resource as any;
  assert.equal(back.filter_chains[0].filters[0].typed_config.stat_prefix, 's');
  assert.equal(
    back.filter_chains[0].filters[0].typed_config.http_filters[0].typed_config['@type'],
    'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  );
  rejects(() => encodeResource(TypeUrl.listener, listener({ ...hcm, stat_prefx: 's' })), /stat_prefx: unknown field/);
  rejects(
    () => encodeResource(TypeUrl.listener, listener({ '@type': 'type.googleapis.com/no.such.Type' })),
    /unknown type/,
  );
  rejects(() => encodeResource(TypeUrl.listener, listener({ stat_prefix: 's' })), /'@type'/);
  // google.protobuf well-known types inside Any use { '@type', value }.
  encodeMessage('google.protobuf.Any', { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' });
});

test('protos: checks protoc-gen-validate rules and deprecated fields', () => {
  rejects(() => encodeResource(TypeUrl.cluster, cluster({ name: '' })), /name: length must be ≥ 1/);
  rejects(() => encodeResource(TypeUrl.cluster, cluster({ connect_timeout: '0s' })), /connect_timeout: 0 must be > 0/);
  rejects(
    () => encodeResource(TypeUrl.route, { name: 'r', virtual_hosts: [{ name: 'v', domains: [] }] }),
    /domains: needs at least 1/,
  );
  rejects(
    () =>
      encodeResource(TypeUrl.route, {
        name: 'r',
        virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: {}, route: { cluster: 'c' } }] }],
      }),
    /oneof path_specifier is required/,
  );
  rejects(
    () =>
      encodeResource(TypeUrl.route, {
        name: 'r',
        virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' } }] }],
      }),
    /oneof action is required/,
  );
  rejects(
    () =>
      encodeResource(TypeUrl.endpoint, {
        cluster_name: 'c',
        endpoints: [
          { lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'x', port_value: 70000 } } } }] },
        ],
      }),
    /≤ 65535/,
  );
  rejects(
    () =>
      encodeResource(TypeUrl.route, {
        name: 'r',
        virtual_hosts: [
          {
            name: 'v',
            domains: ['*'],
            routes: [{ match: { prefix: '/', headers: [{ name: 'bad\nheader' }] }, route: { cluster: 'c' } }],
          },
        ],
      }),
    /not a valid HTTP header name/,
  );
  const deprecated = {
    name: 'r',
    virtual_hosts: [
      {
        name: 'v',
        domains: ['*'],
        routes: [{ match: { prefix: '/', headers: [{ name: 'x', exact_match: 'y' }] }, route: { cluster: 'c' } }],
      },
    ],
  };
  encodeResource(TypeUrl.route, deprecated);
  rejects(() => encodeResource(TypeUrl.route, deprecated, { rejectDeprecated: true }), /exact_match is deprecated/);
});

test('protos: the identity cache returns the same bytes for the same object, not for an equal new one', () => {
  const c = cluster();
  const a = encodeResource(TypeUrl.cluster, c, { cache: true });
  assert.equal(encodeResource(TypeUrl.cluster, c, { cache: true }), a);
  assert.notEqual(encodeResource(TypeUrl.cluster, cluster(), { cache: true }), a);
  assert.deepEqual(encodeResource(TypeUrl.cluster, cluster(), { cache: true }), a);
});

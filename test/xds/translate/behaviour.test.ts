// Where requests land: walks requests through translated configurations (see walk.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translate, translateApiListener } from '../../../src/xds/translate/index.js';
import { cases } from './cases.js';
import { backends, byNode, dnsNode, listener, snapshot, vnProxy } from './fixtures.js';
import { clusterOf, endpointsOf, landsOn, walk, type WalkRequest } from './walk.js';

const caseNamed = (name: string) => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c.run(c.snapshot);
};
const egress = (authority: string, port: number, extra: Partial<WalkRequest> = {}): WalkRequest => ({
  listenerPort: 15001,
  destinationPort: port,
  authority,
  ...extra,
});

test('sidecar: egress by virtual service host (with or without port), ingress to the local app', () => {
  const c = caseNamed('sidecar-basic');
  assert.equal(landsOn(walk(c, egress('back.local', 9080))), 'cds_egress_m_back_http_9080');
  assert.equal(landsOn(walk(c, egress('back.local:9080', 9080))), 'cds_egress_m_back_http_9080');
  assert.equal(landsOn(walk(c, egress('elsewhere.local', 9080))), '<no virtual host>');
  assert.equal(landsOn(walk(c, egress('back.local', 9999))), '<no filter chain>');
  assert.equal(
    landsOn(walk(c, { listenerPort: 15000, destinationPort: 8080, authority: 'anything' })),
    'cds_ingress_m_front_http_8080',
  );
  assert.equal(
    landsOn(walk(c, egress('', 443, { tls: true, serverName: 'sts.us-east-1.amazonaws.com' }))),
    'cds_egress_m_amazonaws',
  );
  assert.equal(
    clusterOf(c, 'cds_ingress_m_front_http_8080')?.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address
      .socket_address.address,
    '127.0.0.1',
  );
});

test('egress filter: ALLOW_ALL passes unknown destinations (also non-AWS 443), DROP_ALL does not', () => {
  const allow = caseNamed('egress-allow-all');
  assert.equal(landsOn(walk(allow, egress('example.org', 80))), 'cds_egress_m_mesh-allow-all');
  assert.equal(
    landsOn(walk(allow, egress('', 443, { tls: true, serverName: 'example.org' }))),
    'cds_egress_m_mesh-allow-all',
  );
  assert.equal(
    landsOn(walk(allow, egress('', 443, { tls: true, serverName: 's3.amazonaws.com' }))),
    'cds_egress_m_amazonaws',
  );
  assert.equal(landsOn(walk(allow, egress('back.local', 9080))), 'cds_egress_m_back_http_9080');
  assert.equal(clusterOf(allow, 'cds_egress_m_mesh-allow-all')?.type, 'ORIGINAL_DST');
  const drop = caseNamed('egress-drop-all');
  assert.equal(landsOn(walk(drop, egress('example.org', 80))), '<no filter chain>');
  assert.equal(landsOn(walk(drop, egress('', 443, { tls: true, serverName: 'example.org' }))), '<no filter chain>');
  assert.equal(
    landsOn(walk(drop, egress('', 443, { tls: true, serverName: 's3.amazonaws.com' }))),
    'cds_egress_m_amazonaws',
  );
  assert.equal(clusterOf(drop, 'cds_egress_m_mesh-allow-all'), undefined);
});

test('routes: priority order (0 highest), unprioritized routes last by name, unresolvable targets answer 503', () => {
  const c = caseNamed('route-priority');
  const at = (path: string) => landsOn(walk(c, egress('svc.local', 8080, { path })));
  assert.equal(at('/x/y/z'), 'cds_egress_m_a_http_8080');
  assert.equal(at('/x/q'), 'cds_egress_m_b_http_8080');
  assert.equal(at('/gone/1'), '<503>');
  assert.equal(at('/other'), 'cds_egress_m_a_http_8080');
  assert.equal(walk(c, egress('svc.local', 8080, { path: '/other' })).route, 'r/no-priority-a');
});

test('routes: http prefix, exact and regex paths, header and query/method matches', () => {
  const c = caseNamed('route-http-matches');
  const at = (path: string, extra: Partial<WalkRequest> = {}) =>
    walk(c, egress('svc.local', 8080, { path, ...extra })).route;
  assert.equal(at('/login'), 'r/by-path');
  assert.equal(at('/login?next=/x'), 'r/by-path');
  assert.equal(at('/items/42'), 'r/by-regex');
  assert.equal(at('/items/x'), 'r/default');
  const headers = {
    'x-exact': 'yes',
    'x-prefix': 'prefab',
    'x-suffix': 'prefix',
    'x-regex': 'v2',
    'x-range': '9',
    'x-present': '',
  };
  assert.equal(at('/h', { headers }), 'r/by-headers');
  assert.equal(at('/h', { headers: { ...headers, 'x-not': 'no' } }), 'r/default');
  assert.equal(at('/h', { headers: { ...headers, 'x-not': 'maybe' } }), 'r/by-headers');
  assert.equal(at('/h', { headers: { ...headers, 'x-range': '10' } }), 'r/default');
  assert.equal(at('/h', { headers: { ...headers, 'x-regex': 'v22' } }), 'r/default');
  const { 'x-present': _p, ...missing } = headers;
  assert.equal(at('/h', { headers: missing }), 'r/default');
  assert.equal(at('/q?v=2&debug', { method: 'POST' }), 'r/by-query-method');
  assert.equal(at('/q?v=2&debug', { method: 'GET' }), 'r/default');
  assert.equal(at('/q?v=3&debug', { method: 'POST' }), 'r/default');
  assert.equal(at('/q?v=2', { method: 'POST' }), 'r/default');
  assert.equal(at('/api/x?v=2&debug', { method: 'POST' }), 'r/by-query-method');
  assert.equal(at('/api/x'), 'r/by-prefix');
});

test('routes: http2 scheme, gRPC service/method/metadata, tcp weighted', () => {
  const h2 = caseNamed('route-http2-scheme');
  assert.equal(landsOn(walk(h2, egress('svc.local', 8080, { scheme: 'https' }))), 'cds_egress_m_b_http2_8080');
  assert.equal(landsOn(walk(h2, egress('svc.local', 8080, { scheme: 'http' }))), 'cds_egress_m_a_http2_8080');
  const g = caseNamed('route-grpc');
  const at = (path: string, headers: Record<string, string> = {}) =>
    walk(g, egress('svc.local', 8080, { path, method: 'POST', headers })).route;
  assert.equal(at('/shop.Cart/Add'), 'r/method');
  assert.equal(at('/shop.Cart/Remove', { 'x-tenant': 'gold-7' }), 'r/service');
  assert.equal(at('/shop.Cart/Remove', { 'x-tenant': 'gold-7', 'x-debug': '1' }), 'r/any');
  assert.equal(at('/shop.Cart/Remove'), 'r/any');
  assert.equal(at('/other.Svc/Add'), 'r/any');
  assert.ok(clusterOf(g, 'cds_egress_m_b_grpc_8080')?.typed_extension_protocol_options);
  const tcp = caseNamed('route-tcp');
  const w = walk(tcp, egress('', 8080));
  assert.equal(w.kind, 'tcp');
  assert.deepEqual(w.clusters, [
    { name: 'cds_egress_m_a_tcp_8080', weight: 3 },
    { name: 'cds_egress_m_b_tcp_8080', weight: 1 },
  ]);
});

test('routes: weighted targets keep App Mesh weights; a missing target node is dropped', () => {
  const c = caseNamed('weighted-targets');
  assert.deepEqual(walk(c, egress('svc.local', 8080, { path: '/' })).clusters, [
    { name: 'cds_egress_m_a_http_8080', weight: 80 },
    { name: 'cds_egress_m_b_http_8080', weight: 20 },
  ]);
  assert.deepEqual(walk(c, egress('svc.local', 8080, { path: '/canary' })).clusters, [
    { name: 'cds_egress_m_a_http_8080', weight: 0 },
    { name: 'cds_egress_m_b_http_8080', weight: 100 },
  ]);
});

test('routes: retry policies and timeouts (defaults 15 s and 2 retries; 0 disables)', () => {
  const c = caseNamed('retries');
  const rp = (path: string) => walk(c, egress('svc.local', 8080, { path })).routeJson?.route.retry_policy;
  assert.deepEqual(
    { ...rp('/http'), retry_host_predicate: undefined },
    {
      retry_on: 'connect-failure,refused-stream,reset,retriable-status-codes',
      num_retries: 3,
      per_try_timeout: '1.500s',
      retry_host_predicate: undefined,
      host_selection_retry_max_attempts: 5,
      retriable_status_codes: [409, 502, 503, 504],
    },
  );
  assert.deepEqual(rp('/server').retriable_status_codes, [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);
  assert.equal(rp('/none'), undefined);
  assert.equal(rp('/').num_retries, 2);
  assert.deepEqual(rp('/').retriable_status_codes, [503]);
  const g = caseNamed('retries-grpc');
  const grp = walk(g, egress('svc.local', 8080, { path: '/a.B/C', method: 'POST' })).routeJson?.route.retry_policy;
  assert.equal(grp.retry_on, 'deadline-exceeded,resource-exhausted,unavailable');
  assert.equal(
    walk(g, egress('svc.local', 8080, { path: '/x.Y/Z', method: 'POST' })).routeJson?.route.retry_policy.retry_on,
    'connect-failure,refused-stream,reset,unavailable',
  );

  const t = caseNamed('timeouts');
  const route = (path: string, authority = 'svc.local', port = 8080) =>
    walk(t, egress(authority, port, { path })).routeJson?.route;
  assert.equal(route('/slow').timeout, '60s');
  assert.equal(route('/slow').idle_timeout, '90.500s');
  assert.equal(route('/stream').timeout, '0s');
  assert.equal(route('/').timeout, '15s');
  assert.equal(route('/', 'direct.local', 9000).timeout, '0s');
  const ingress = walk(t, { listenerPort: 15000, destinationPort: 8080, authority: 'x' }).routeJson?.route;
  assert.deepEqual([ingress.timeout, ingress.idle_timeout], ['30s', '600s']);
  const tcpIn = walk(t, { listenerPort: 15000, destinationPort: 7000 });
  assert.equal(tcpIn.kind, 'tcp');
});

test('clusters: DNS response types, Cloud Map filtering/health/ports, IPv6 preference', () => {
  const d = caseNamed('dns-response-types');
  assert.equal(clusterOf(d, 'cds_egress_m_lb_http_8080')?.type, 'LOGICAL_DNS');
  assert.equal(clusterOf(d, 'cds_egress_m_eps_http2_8081')?.type, 'STRICT_DNS');
  assert.equal(clusterOf(d, 'cds_egress_m_eps_http2_8081')?.dns_lookup_family, 'V4_ONLY');

  const cm = caseNamed('cloudmap');
  assert.equal(clusterOf(cm, 'cds_egress_m_orders_http_8080')?.type, 'EDS');
  const eps = endpointsOf(cm, 'cds_egress_m_orders_http_8080')?.endpoints[0].lb_endpoints.map(
    (e: any) =>
      `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}:${e.health_status}`,
  );
  assert.deepEqual(eps, ['10.0.0.1:9000:HEALTHY', '10.0.0.3:8080:UNHEALTHY', '2001:db8::4:8080:HEALTHY']);

  const v6 = caseNamed('ipv6-preference');
  const addrs = endpointsOf(v6, 'cds_egress_m_v6_http_8080')?.endpoints[0].lb_endpoints.map(
    (e: any) => e.endpoint.address.socket_address.address,
  );
  assert.deepEqual(addrs, ['2001:db8::1']);
  assert.equal(clusterOf(v6, 'cds_egress_m_v4_http_8080')?.dns_lookup_family, 'AUTO');
  const l = v6.listeners.find((x) => x.name === 'lds_ingress_0.0.0.0_15000')?.resource as any;
  assert.deepEqual(l.address.socket_address, { address: '::', port_value: 15000, ipv4_compat: true });
  assert.equal(
    clusterOf(v6, 'cds_ingress_m_front_http_8080')?.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address
      .socket_address.address,
    '::1',
  );
});

test('TLS: listener STRICT/PERMISSIVE, client policies with SANs, ports, defaults', () => {
  const f = caseNamed('listener-tls-file');
  const strict = walk(f, { listenerPort: 15000, destinationPort: 8443, tls: true });
  const ctx = strict.transportSocket?.typed_config;
  assert.equal(ctx.require_client_certificate, true);
  assert.deepEqual(
    ctx.common_tls_context.validation_context.match_typed_subject_alt_names.map((m: any) => m.san_type),
    ['DNS', 'URI'],
  );
  assert.equal(walk(f, { listenerPort: 15000, destinationPort: 9443 }).transportSocket, undefined);
  const s = caseNamed('listener-tls-sds');
  assert.ok(walk(s, { listenerPort: 15000, destinationPort: 8443, tls: true }).transportSocket);
  assert.equal(walk(s, { listenerPort: 15000, destinationPort: 8443, tls: false }).transportSocket, undefined);
  assert.equal(
    walk(s, { listenerPort: 15000, destinationPort: 8443, tls: false }).filterChain,
    'ingress_grpc_8443_plaintext',
  );

  const b = caseNamed('backend-tls');
  const ts = (n: string) => clusterOf(b, n)?.transport_socket?.typed_config.common_tls_context;
  const pinned = ts('cds_egress_m_pinned_http2_8444');
  assert.equal(pinned.tls_certificate_sds_secret_configs[0].name, 'front-cert');
  assert.deepEqual(pinned.combined_validation_context.default_validation_context.match_typed_subject_alt_names, [
    { san_type: 'DNS', matcher: { exact: 'pinned.example' } },
  ]);
  assert.deepEqual(pinned.alpn_protocols, ['h2']);
  const dflt = ts('cds_egress_m_dflt_http_8443');
  assert.deepEqual(dflt.validation_context, {
    trusted_ca: { filename: '/certs/ca.pem' },
    match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'dflt.ns' } }],
  });
  assert.equal(ts('cds_egress_m_plain_http_8080'), undefined, 'port not in the default policy ports');
  assert.deepEqual(
    ts('cds_egress_m_strict_http_8082'),
    {},
    'no enforced policy: STRICT server → TLS without verification',
  );
});

test('ACM fails closed: STRICT listener refused, PERMISSIVE plaintext only, ACM trust leaves the cluster out; all reported', () => {
  const f = caseNamed('listener-tls-file');
  for (const tls of [false, true]) {
    assert.equal(
      walk(f, { listenerPort: 15000, destinationPort: 7443, tls }).failure,
      'no filter chain',
      'STRICT + ACM: nothing accepts the port',
    );
    const permissive = walk(f, { listenerPort: 15000, destinationPort: 6443, tls });
    assert.equal(permissive.transportSocket, undefined, 'PERMISSIVE + ACM: plaintext only');
    assert.equal(permissive.filterChain, 'ingress_http_6443', 'one plaintext chain (a TLS handshake there fails)');
  }
  assert.ok(
    !f.clusters.some((c) => c.name.endsWith('_7443')) && !f.routes.some((r) => r.name.endsWith('_7443')),
    'nothing left for the refused port',
  );
  assert.deepEqual(
    f.warnings?.map((w) => w.replace(/:.*/, '')),
    ['virtual node secure listener http 6443', 'virtual node secure listener http 7443'],
  );

  const b = caseNamed('backend-tls');
  assert.equal(clusterOf(b, 'cds_egress_m_acm_http_8081'), undefined, 'ACM trust: cluster left out');
  assert.deepEqual(
    walk(b, egress('acm.local', 8081)).clusters,
    [{ name: 'cds_egress_m_acm_http_8081', weight: 1 }],
    'the route still points at it: Envoy answers 503',
  );
  assert.match(b.warnings?.join('\n') ?? '', /backend acm\.local: .*ACM.*cds_egress_m_acm_http_8081 is left out/);
  assert.ok(clusterOf(b, 'cds_egress_m_plain_http_8080'), 'other clusters stay');

  // Only the only-STRICT-ACM node: no ingress listener at all (Envoy rejects a listener without filter chains).
  const acm = {
    mode: 'STRICT' as const,
    certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x' } },
  };
  const only = translate(
    snapshot({ nodes: { n: dnsNode('n', [listener('http', 8080, { tls: acm })]) } }),
    vnProxy('n'),
  );
  assert.ok(!only.listeners.some((l) => l.name.includes('15000')));
  assert.equal(only.warnings?.length, 1);

  // A client policy that is not enforced, or not for this port, does not apply: no warning, cluster present.
  const caTrust = {
    trust: { acm: { certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x'] } },
  };
  const loose = translate(
    snapshot({
      nodes: {
        c: dnsNode('c', [], {
          backends: [
            {
              virtualService: {
                virtualServiceName: 'a.local',
                clientPolicy: { tls: { enforce: false, validation: caTrust } },
              },
            },
            {
              virtualService: {
                virtualServiceName: 'b.local',
                clientPolicy: { tls: { ports: [1], validation: caTrust } },
              },
            },
          ],
        }),
        a: dnsNode('a', [listener('http', 8080)]),
        b: dnsNode('b', [listener('http', 8081)]),
      },
      services: { 'a.local': byNode('a'), 'b.local': byNode('b') },
    }),
    vnProxy('c'),
  );
  assert.ok(clusterOf(loose, 'cds_egress_m_a_http_8080') && clusterOf(loose, 'cds_egress_m_b_http_8081'));
  assert.equal(loose.warnings, undefined);

  // Fail closed wins: a cluster reached through a plain backend and an ACM one is left out.
  const shared = translate(
    snapshot({
      nodes: {
        c: dnsNode('c', [], {
          backends: [
            { virtualService: { virtualServiceName: 'a.local' } },
            { virtualService: { virtualServiceName: 'z.local', clientPolicy: { tls: { validation: caTrust } } } },
          ],
        }),
        a: dnsNode('a', [listener('http', 8080)]),
      },
      services: { 'a.local': byNode('a'), 'z.local': byNode('a') },
    }),
    vnProxy('c'),
  );
  assert.equal(clusterOf(shared, 'cds_egress_m_a_http_8080'), undefined);

  // Gateway: STRICT + ACM listener left out; ACM backend defaults leave the target clusters out (routes answer 503).
  const gw = translate(
    snapshot({
      nodes: { web: dnsNode('web', [listener('http', 8080)]) },
      services: { 'web.local': byNode('web') },
      gateways: {
        gw: {
          listeners: [
            { portMapping: { port: 8443, protocol: 'http' }, tls: acm },
            { portMapping: { port: 8080, protocol: 'http' } },
          ],
          backendDefaults: { clientPolicy: { tls: { validation: caTrust } } },
        },
      },
      gatewayRoutes: {
        gw: {
          all: {
            httpRoute: {
              match: { prefix: '/' },
              action: { target: { virtualService: { virtualServiceName: 'web.local' } } },
            },
          },
        },
      },
    }),
    { kind: 'virtualGateway', meshName: 'm', name: 'gw' },
  );
  assert.equal(
    walk(gw, { listenerPort: 8443, destinationPort: 8443, authority: 'x', path: '/' }).failure,
    'no listener',
  );
  assert.equal(
    landsOn(walk(gw, { listenerPort: 8080, destinationPort: 8080, authority: 'x', path: '/' })),
    'cds_egress_m_web_http_8080',
  );
  assert.equal(clusterOf(gw, 'cds_egress_m_web_http_8080'), undefined);
  assert.equal(gw.warnings?.length, 2);
  assert.match(gw.warnings?.join('\n') ?? '', /virtual gateway gw listener http 8443: TLS mode STRICT/);

  // Proxyless: the route configuration stays (grpc-js-xds accepts it), the cluster is left out.
  const pl = snapshot({
    nodes: {
      c: dnsNode('c', [], {
        backends: [{ virtualService: { virtualServiceName: 'g.local' } }],
        backendDefaults: { clientPolicy: { tls: { validation: caTrust } } },
      }),
      g: dnsNode('g', [listener('grpc', 50051)]),
    },
    services: { 'g.local': byNode('g') },
  });
  const api = translateApiListener(pl, vnProxy('c'), 'g.local:50051');
  assert.equal(api?.listeners.length, 1);
  assert.equal(api?.routes.length, 1);
  assert.deepEqual(api?.clusters, []);
  assert.match(api?.warnings?.[0] ?? '', /backend g\.local: .*cds_proxyless_m_g_grpc_50051 is left out/);
});

test('clusters: health checks, outlier detection, connection pools, access logs', () => {
  const h = caseNamed('health-check');
  assert.deepEqual(clusterOf(h, 'cds_egress_m_g_grpc_9090')?.health_checks[0].grpc_health_check, {});
  assert.deepEqual(clusterOf(h, 'cds_egress_m_t_tcp_5432')?.health_checks[0].tcp_health_check, {});
  assert.deepEqual(clusterOf(h, 'cds_ingress_m_front_http_8080')?.health_checks[0].http_health_check, {
    path: '/ping',
  });
  const o = caseNamed('outlier-detection');
  assert.deepEqual(clusterOf(o, 'cds_egress_m_svc_http_8080')?.outlier_detection, {
    consecutive_5xx: 5,
    interval: '10s',
    base_ejection_time: '30s',
    max_ejection_percent: 50,
    enforcing_consecutive_5xx: 100,
    enforcing_success_rate: 0,
  });
  const p = caseNamed('connection-pools');
  const th = (n: string) => clusterOf(p, n)?.circuit_breakers.thresholds[0];
  assert.deepEqual(
    [th('cds_ingress_m_pooled_http_8080').max_connections, th('cds_ingress_m_pooled_http_8080').max_pending_requests],
    [100, 10],
  );
  assert.equal(th('cds_ingress_m_pooled_http2_8081').max_requests, 200);
  assert.equal(th('cds_ingress_m_pooled_grpc_8082').max_requests, 300);
  assert.equal(th('cds_ingress_m_pooled_tcp_8083').max_connections, 40);
  const text = caseNamed('access-log-text');
  const filters = text.listeners.flatMap((l: any) => l.resource.filter_chains.flatMap((fc: any) => fc.filters));
  assert.ok(filters.length >= 4);
  for (const f of filters) assert.equal(f.typed_config.access_log[0].typed_config.path, '/dev/stdout');
  const json = caseNamed('access-log-json');
  const hcm = (json.listeners.find((l) => l.name === 'lds_ingress_0.0.0.0_15000')!.resource as any).filter_chains[0]
    .filters[0].typed_config;
  assert.deepEqual(hcm.access_log[0].typed_config.log_format, {
    json_format: { method: '%REQ(:METHOD)%', code: '%RESPONSE_CODE%' },
  });
});

test('multiple listeners: one ingress chain per listener, egress per router listener port', () => {
  const c = caseNamed('multiple-listeners');
  assert.equal(landsOn(walk(c, { listenerPort: 15000, destinationPort: 9090 })), 'cds_ingress_m_multi_grpc_9090');
  assert.equal(walk(c, { listenerPort: 15000, destinationPort: 5432 }).kind, 'tcp');
  assert.deepEqual(walk(c, egress('svc.local:9090', 9090, { path: '/a.B/C', method: 'POST' })).clusters, [
    { name: 'cds_egress_m_a_grpc_9090', weight: 1 },
  ]);
  assert.deepEqual(walk(c, egress('svc.local', 8080)).clusters, [{ name: 'cds_egress_m_a_http_8080', weight: 1 }]);
  assert.equal(landsOn(walk(c, egress('', 5432))), 'cds_egress_m_db_tcp_5432');
});

test('gateway: rewrites, target routes after the rewrite, hostnames, priorities, 404/503', () => {
  const c = caseNamed('gateway');
  const at = (path: string, extra: Partial<WalkRequest> = {}) =>
    walk(c, { listenerPort: 8080, authority: 'www.example.com:8080', path, ...extra });
  let r = at('/');
  assert.equal(landsOn(r), 'cds_egress_m_web_http_8080');
  assert.deepEqual(r.forwarded, { path: '/', authority: 'web.local' });
  assert.equal(r.routeJson?.route.timeout, '20s');
  r = at('/api/v2/orders');
  assert.equal(landsOn(r), 'cds_egress_m_api2_http_8080');
  assert.deepEqual(r.forwarded, { path: '/v2/orders', authority: 'api.local' });
  r = at('/api/anything', { headers: { 'x-canary': 'true' } });
  assert.deepEqual(
    r.clusters.map((x) => x.weight),
    [50, 50],
  );
  assert.equal(r.forwarded?.path, '/anything');
  r = at('/api/login');
  assert.equal(landsOn(r), 'cds_egress_m_api1_http_8080');
  assert.equal(r.forwarded?.path, '/login');
  assert.equal(landsOn(at('/api/login/more')), '<404>', 'exact /login does not match /login/more');
  assert.equal(
    landsOn(at('/api/items/3')),
    '<404>',
    'target regex routes under a prefix rewrite are not translated (documented)',
  );
  r = at('/api/v1/x?q=1');
  assert.equal(r.forwarded?.path, '/v1/x?q=1');
  r = at('/api/v3/foo');
  assert.equal(r.route, 'gw/api-v3/api/v2');
  assert.deepEqual(r.forwarded, { path: '/v2/foo', authority: 'api.local' });
  // Hostname suffix match, no rewrites.
  r = at('/raw/x', { authority: 'b.example.com:8080', headers: { 'x-canary': 'true' } });
  assert.equal(r.route, 'gw/api-raw/api/by-header');
  assert.deepEqual(r.forwarded, { path: '/raw/x', authority: 'b.example.com' });
  assert.equal(landsOn(at('/raw/x', { authority: 'b.example.com' })), '<404>');
  assert.equal(landsOn(at('/raw/x', { authority: 'example.org' })), 'cds_egress_m_web_http_8080');
  // Path rewrite → the target's routes see /login.
  r = at('/healthz', { method: 'GET' });
  assert.equal(landsOn(r), 'cds_egress_m_api1_http_8080');
  assert.deepEqual(r.forwarded, { path: '/login', authority: 'api.local' });
  assert.equal(landsOn(at('/healthz', { method: 'POST' })), 'cds_egress_m_web_http_8080');
  assert.equal(landsOn(at('/ghost/x')), '<503>');
  // gRPC listener: metadata match, TLS to the target (backend defaults for port 9090), listener connection pool.
  const g = walk(c, {
    listenerPort: 9090,
    authority: 'gw.example.com',
    path: '/shop.Cart/Get',
    method: 'POST',
    headers: { 'x-tenant': 'gold' },
  });
  assert.equal(landsOn(g), 'cds_egress_m_rpc_grpc_9090');
  assert.equal(g.forwarded?.authority, 'rpc.local');
  assert.equal(
    landsOn(walk(c, { listenerPort: 9090, authority: 'gw', path: '/shop.Cart/Get', method: 'POST' })),
    '<no route>',
  );
  const rpc = clusterOf(c, 'cds_egress_m_rpc_grpc_9090');
  assert.ok(rpc?.transport_socket);
  assert.equal(rpc?.circuit_breakers.thresholds[0].max_requests, 64);
  assert.equal(clusterOf(c, 'cds_egress_m_web_http_8080')?.transport_socket, undefined);
});

test('proxyless: API listener routes by metadata and weights; clusters EDS / LOGICAL_DNS; unknown names absent', () => {
  const c = caseNamed('proxyless-api-listener');
  assert.deepEqual(
    c.listeners.map((l) => l.name),
    ['cart.local:50051', 'dns.local'],
  );
  let r = walk(c, { apiListener: 'cart.local:50051', path: '/shop.Cart/Get', headers: { 'x-tenant': 'gold' } });
  assert.equal(landsOn(r), 'cds_proxyless_m_v2_grpc_50051');
  assert.deepEqual(r.routeJson?.route.max_stream_duration, { max_stream_duration: '2s' });
  r = walk(c, { apiListener: 'cart.local:50051', path: '/shop.Cart/Get' });
  assert.deepEqual(r.clusters, [
    { name: 'cds_proxyless_m_v1_grpc_50051', weight: 90 },
    { name: 'cds_proxyless_m_v2_grpc_50051', weight: 10 },
  ]);
  assert.equal(r.routeJson?.route.retry_policy.retry_on, 'unavailable');
  assert.equal(landsOn(walk(c, { apiListener: 'cart.local:50051', path: '/other.S/M' })), '<no route>');
  assert.equal(landsOn(walk(c, { apiListener: 'dns.local', path: '/x.Y/Z' })), 'cds_proxyless_m_dns_grpc_50052');
  assert.equal(clusterOf(c, 'cds_proxyless_m_dns_grpc_50052')?.type, 'LOGICAL_DNS');
  assert.equal(clusterOf(c, 'cds_proxyless_m_v1_grpc_50051')?.type, 'EDS');
  const v1 = endpointsOf(c, 'cds_proxyless_m_v1_grpc_50051')?.endpoints[0];
  assert.deepEqual(v1.locality, {});
  assert.deepEqual(
    v1.lb_endpoints.map((e: any) => e.health_status),
    ['HEALTHY', 'UNHEALTHY'],
  );
  const s = cases.find((x) => x.name === 'proxyless-api-listener')!.snapshot;
  assert.equal(translateApiListener(s, vnProxy('client'), 'tcp.local:5432'), undefined, 'tcp service');
  assert.equal(translateApiListener(s, vnProxy('client'), 'cart.local:1'), undefined, 'not a service port');
  assert.equal(translateApiListener(s, vnProxy('v1'), 'cart.local:50051'), undefined, 'not a backend of v1');
  assert.equal(
    translateApiListener(s, { kind: 'virtualGateway', meshName: 'm', name: 'client' }, 'cart.local:50051'),
    undefined,
  );
  assert.equal(translateApiListener(s, vnProxy('client', 'other'), 'cart.local:50051'), undefined);
  assert.equal(translateApiListener(s, vnProxy('client'), 'cart.local')?.listeners[0]?.name, 'cart.local');
});

test('identity: other meshes, owners and unknown proxies get an empty configuration', () => {
  const c = cases[0]!;
  const empty = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  assert.deepEqual(translate(c.snapshot, vnProxy('front', 'other')), empty);
  assert.deepEqual(translate(c.snapshot, { ...vnProxy('front'), meshOwner: '999999999999' }), empty);
  assert.deepEqual(translate(c.snapshot, vnProxy('nobody')), empty);
  assert.deepEqual(translate(c.snapshot, { kind: 'virtualGateway', meshName: 'm', name: 'front' }), empty);
  assert.ok(translate(c.snapshot, { ...vnProxy('front'), meshOwner: c.snapshot.meshOwner }).listeners.length);
});

test('purity: no mutation of the snapshot, same output for an equal snapshot built separately', () => {
  for (const c of cases) {
    const copy = structuredClone(c.snapshot);
    const a = JSON.stringify(c.run(c.snapshot));
    assert.deepEqual(c.snapshot, copy, `${c.name} mutated its snapshot`);
    assert.equal(JSON.stringify(c.run(copy)), a, c.name);
  }
});

test('scale: a proxy only pays for its backends (indexes, not mesh scans)', () => {
  // 5,000 unrelated nodes/services must not change the result for a proxy with one backend.
  const nodes: Record<string, any> = {
    front: dnsNode('front', [listener('http', 8080)], { backends: backends('back.local') }),
    back: dnsNode('back', [listener('http', 9080)]),
  };
  const services: Record<string, any> = { 'back.local': byNode('back') };
  const small = snapshot({ nodes: { ...nodes }, services: { ...services } });
  for (let i = 0; i < 5000; i++) {
    nodes[`n${i}`] = dnsNode(`n${i}`, [listener('http', 8080)], { backends: backends(`s${(i + 1) % 5000}.local`) });
    services[`s${i}.local`] = byNode(`n${i}`);
  }
  const big = snapshot({ nodes, services });
  assert.deepEqual(translate(big, vnProxy('front')), translate(small, vnProxy('front')));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) translate(big, vnProxy(`n${i}`));
  const perProxyUs = Number(process.hrtime.bigint() - t0) / 1000 / 200;
  assert.ok(perProxyUs < 5000, `translate took ${perProxyUs.toFixed(0)} µs per proxy`);
});

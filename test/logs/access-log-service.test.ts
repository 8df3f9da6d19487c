// Envoy's gRPC access-log service, as Envoy uses it: with --access-log-service every listener
// of a proxy's configuration streams to appmeshd (http_grpc / tcp_grpc beside its file log);
// a real gRPC client streams StreamAccessLogsMessages — the node identifier first, then HTTP
// entries on one stream and TCP entries on another, as Envoy's two loggers do — and the
// entries come back from FilterLogEvents as JSON lines in /appmesh/<mesh>/virtualNode/<name>.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { AppMeshClient, CreateMeshCommand, CreateVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { envoyIncludeDirs } from '../../src/xds/protos/load.js';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let logs: CloudWatchLogsClient;
const MESH = 'als-mesh';
const NODE = `mesh/${MESH}/virtualNode/front`;
const GROUP = `/appmesh/${MESH}/virtualNode/front`;

before(async () => {
  server = await startServer({ args: ['--access-log-service'] });
  const mesh = new AppMeshClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  await mesh.send(new CreateMeshCommand({ meshName: MESH }));
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'front',
      spec: {
        listeners: [
          { portMapping: { port: 8080, protocol: 'http' } },
          { portMapping: { port: 9000, protocol: 'tcp' } },
        ],
        serviceDiscovery: { dns: { hostname: 'front.local' } },
        logging: { accessLog: { file: { path: '/dev/stdout' } } },
      },
    }),
  );
  mesh.destroy();
  logs = new CloudWatchLogsClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
  });
});
after(async () => {
  logs?.destroy();
  await server?.stop();
  server?.cleanup();
});

type Als = grpc.Client & {
  StreamAccessLogs(done: (err: grpc.ServiceError | null) => void): grpc.ClientWritableStream<unknown>;
};

function alsClient(): Als {
  const pkg = protoLoader.loadSync(['envoy/service/accesslog/v3/als.proto'], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: envoyIncludeDirs(),
  });
  const Ctor = grpc.loadPackageDefinition(pkg).envoy as unknown as {
    service: { accesslog: { v3: { AccessLogService: new (a: string, c: grpc.ChannelCredentials) => Als } } };
  };
  return new Ctor.service.accesslog.v3.AccessLogService(
    `127.0.0.1:${server.ready.xdsPort}`,
    grpc.credentials.createInsecure(),
  );
}

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const addr = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
const identifier = (logName: string, nodeId = NODE) => ({
  node: { id: nodeId, cluster: 'front', user_agent_name: 'envoy' },
  log_name: logName,
});

/** Sends messages on one stream, then half-closes it and waits for the server to finish. */
function stream(client: Als, messages: unknown[]): Promise<{ code: number }> {
  return new Promise((resolve) => {
    const call = client.StreamAccessLogs((err) => resolve({ code: err ? err.code : grpc.status.OK }));
    for (const m of messages) call.write(m);
    call.end();
  });
}

async function filter(filterPattern: string): Promise<Record<string, any>[]> {
  const out = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }));
  return out.events!.map((e) => JSON.parse(e.message!));
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const v = await fn();
      if (ok(v) || i > 100) return v;
    } catch (err) {
      if (i > 100) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('generated listeners stream their access log to appmeshd beside the file log', async () => {
  const env = {
    ...process.env,
    APPMESHD_ROOT_ACCESS_KEY_ID: server.credentials.accessKeyId,
    APPMESHD_ROOT_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cliPath, 'config-dump', NODE, '--endpoint', server.endpoint, '--region', server.region],
    { env },
  );
  const text = stdout;
  assert.match(text, /envoy\.access_loggers\.file/);
  assert.match(text, /envoy\.access_loggers\.http_grpc/);
  assert.match(text, /envoy\.access_loggers\.tcp_grpc/);
  const dump = JSON.parse(text);
  const clusters = dump.configs.find((c: any) => c['@type'].endsWith('ClustersConfigDump'));
  const als = [...(clusters.dynamic_active_clusters ?? [])]
    .map((c: any) => c.cluster)
    .find((c: any) => c.name === 'appmeshd_access_log_service');
  assert.ok(als, 'the access-log cluster is part of the configuration');
  assert.equal(
    als.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value,
    Number(server.ready.xdsPort),
  );
});

test('HTTP and TCP entries streamed like Envoy does are readable with FilterLogEvents', async () => {
  const client = alsClient();
  const now = Date.now();
  try {
    const common = (i: number) => ({
      start_time: ts(now - 1000 + i),
      duration: { seconds: '0', nanos: 3_000_000 },
      downstream_remote_address: addr('10.0.0.7', 40000 + i),
      upstream_remote_address: addr('127.0.0.1', 8080),
      upstream_cluster: 'cds_ingress_als-mesh_front_http_8080',
    });
    const http = await stream(client, [
      {
        identifier: identifier('appmeshd-http'),
        http_logs: {
          log_entry: [
            {
              common_properties: common(0),
              protocol_version: 'HTTP11',
              request: { request_method: 'GET', authority: 'front.local', path: '/api/orders', user_agent: 'curl' },
              response: { response_code: { value: 200 } },
            },
            {
              common_properties: { ...common(1), response_flags: { upstream_request_timeout: true } },
              protocol_version: 'HTTP2',
              request: { request_method: 'POST', path: '/api/pay' },
              response: { response_code: { value: 504 } },
            },
          ],
        },
      },
      {
        http_logs: {
          log_entry: [
            {
              common_properties: common(2),
              request: { request_method: 'GET', path: '/health' },
              response: { response_code: { value: 200 } },
            },
          ],
        },
      },
    ]);
    assert.equal(http.code, grpc.status.OK);
    // Envoy never closes its stream: entries must be stored while it stays open.
    let tcpStatus: number | undefined;
    const open = client.StreamAccessLogs((err) => {
      tcpStatus = err ? err.code : grpc.status.OK;
    });
    open.write({
      identifier: identifier('appmeshd-tcp'),
      tcp_logs: {
        log_entry: [
          { common_properties: common(3), connection_properties: { received_bytes: '120', sent_bytes: '4096' } },
        ],
      },
    });
    const whileOpen = await eventually(
      () => filter('{ $.type = "tcp" }'),
      (v) => v.length > 0,
    );
    assert.equal(whileOpen.length, 1);
    assert.equal(tcpStatus, undefined, 'the stream is still open');
    open.end();

    const errors = await eventually(
      () => filter('{ $.response_code >= 500 }'),
      (v) => v.length > 0,
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.path, '/api/pay');
    assert.equal(errors[0]!.method, 'POST');
    assert.deepEqual(errors[0]!.response_flags, ['upstream_request_timeout']);
    assert.equal(errors[0]!.downstream_remote_address, '10.0.0.7:40001');
    assert.equal(errors[0]!.duration_ms, 3);
    const tcpLines = await eventually(
      () => filter('{ $.type = "tcp" }'),
      (v) => v.length > 0,
    );
    assert.deepEqual([tcpLines[0]!.received_bytes, tcpLines[0]!.sent_bytes], [120, 4096]);
    const all = await filter('');
    assert.deepEqual(
      all.map((l) => l.path ?? l.type),
      ['/api/orders', '/api/pay', '/health', 'tcp'],
    );
    const api = await filter('"/api/"');
    assert.equal(api.length, 2);
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    assert.match(metrics, /appmeshd_log_events_total\{source="access_log",outcome="stored"\} 4/);
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.deepEqual(
      streams.logStreams!.map((s) => s.logStreamName),
      ['envoy-127.0.0.1'],
    );

    const unknown = await stream(client, [
      {
        identifier: identifier('appmeshd-http', `mesh/${MESH}/virtualNode/ghost`),
        http_logs: { log_entry: [{ common_properties: common(4) }] },
      },
    ]);
    assert.equal(unknown.code, grpc.status.INVALID_ARGUMENT);
    const nameless = await stream(client, [{ http_logs: { log_entry: [{ common_properties: common(5) }] } }]);
    assert.equal(nameless.code, grpc.status.INVALID_ARGUMENT);
  } finally {
    client.close();
  }
});

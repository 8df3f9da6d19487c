// The awslogs case from the App Mesh interface-endpoint guidance, self-hosted: a VPC with
// interface endpoints for appmesh, appmesh-envoy-management and logs (private DNS on); from
// a host in the client subnet, logs.<region>.amazonaws.com resolves through appmeshd's DNS
// to the logs interfaces, and the aws CLI and the SDK v3 Logs client write and read events
// through the endpoint over TLS. Sources outside the security group are closed before TLS,
// and an endpoint policy denying logs:PutLogEvents (conditioned on aws:SourceVpce) holds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ModifyVpcEndpointCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';
import { awsError, awsJson } from '../helpers/aws-cli.js';
import { buildLab, dnsQuery, ec2Client, type Lab, lookupVia, RecordType, waitPort } from '../endpoints/support.js';
import { type ReservedPort, reservePort } from '../helpers/ports.js';
import { poll } from '../helpers/wait.js';

// The aws CLI connects from 127.0.0.1: the client subnet is 127.0.0.0/24.
const PREFIX = '127.0';
const CLIENT = '127.0.0.1';
let server: RunningServer;
let ec2: EC2Client;
let lab: Lab;
let port: number;
let endpointPortHold: ReservedPort | undefined;
let caPem: string;
let bundle: string;
let dnsPort: number;
const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-logs-endpoint-'));

before(async () => {
  endpointPortHold = await reservePort();
  port = endpointPortHold.port;
  server = await startServer({
    args: ['--endpoint-port', String(port), '--dns-listen', '127.0.0.1:0', '--endpoint-settle-ms', '50'],
  });
  dnsPort = Number(server.ready.dnsPort);
  ec2 = ec2Client(server);
  caPem = execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', server.dataDir], { encoding: 'utf8' });
  bundle = join(scratch, 'ca.pem');
  writeFileSync(bundle, caPem);
  lab = await buildLab(ec2, server.region, PREFIX, port, ['appmesh', 'appmesh-envoy-management', 'logs']);
  await waitPort(lab.addresses.logs[0]!, port, 'open');
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  await endpointPortHold?.release();
});

const lookupViaAppmeshd = lookupVia(() => dnsPort, CLIENT);

test('private DNS answers logs.<region>.amazonaws.com with the logs interfaces inside the VPC', async () => {
  const inside = await dnsQuery(dnsPort, `logs.${server.region}.amazonaws.com`, RecordType.A, CLIENT);
  assert.deepEqual(inside.answers.map((a) => (a.type === 'A' ? a.address : '')).sort(), [...lab.addresses.logs].sort());
  assert.equal((await dnsQuery(dnsPort, `logs.${server.region}.amazonaws.com`, RecordType.A, '127.99.0.1')).rcode, 5);
});

test('the aws CLI and the SDK write and read log events through the logs endpoint', async () => {
  const viaEndpoint = { endpointUrl: `https://${lab.addresses.logs[0]}:${port}` };
  const cli = (...args: string[]) => awsJson(server, ['logs', ...args, '--ca-bundle', bundle], viaEndpoint);
  await cli('create-log-group', '--log-group-name', '/ecs/app');
  await cli('create-log-stream', '--log-group-name', '/ecs/app', '--log-stream-name', 'task-1');
  const now = Date.now();
  const events = join(scratch, 'events.json');
  writeFileSync(
    events,
    JSON.stringify([
      { timestamp: now - 2, message: 'GET /health 200' },
      { timestamp: now - 1, message: 'GET /orders 500 error' },
    ]),
  );
  const put = await cli(
    'put-log-events',
    '--log-group-name',
    '/ecs/app',
    '--log-stream-name',
    'task-1',
    '--log-events',
    `file://${events}`,
  );
  assert.match(put.nextSequenceToken, /^\d{56}$/);
  const got = await cli(
    'get-log-events',
    '--log-group-name',
    '/ecs/app',
    '--log-stream-name',
    'task-1',
    '--start-from-head',
  );
  assert.deepEqual(
    got.events.map((e: { message: string }) => e.message),
    ['GET /health 200', 'GET /orders 500 error'],
  );
  const filtered = await cli('filter-log-events', '--log-group-name', '/ecs/app', '--filter-pattern', 'error');
  assert.deepEqual(
    filtered.events.map((e: { message: string }) => e.message),
    ['GET /orders 500 error'],
  );

  // The SDK reaches the endpoint by its private DNS name, verified against the endpoint certificate.
  const sdk = new CloudWatchLogsClient({
    endpoint: `https://logs.${server.region}.amazonaws.com:${port}`,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({ ca: caPem, lookup: lookupViaAppmeshd, keepAlive: false, localAddress: CLIENT }),
    }),
  });
  try {
    await sdk.send(new CreateLogStreamCommand({ logGroupName: '/ecs/app', logStreamName: 'task-2' }));
    await sdk.send(
      new PutLogEventsCommand({
        logGroupName: '/ecs/app',
        logStreamName: 'task-2',
        logEvents: [{ timestamp: now, message: 'sdk says error' }],
      }),
    );
    const read = await sdk.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/app', logStreamName: 'task-2', startFromHead: true }),
    );
    assert.deepEqual(
      read.events!.map((e) => e.message),
      ['sdk says error'],
    );
    const both = await sdk.send(new FilterLogEventsCommand({ logGroupName: '/ecs/app', filterPattern: 'error' }));
    assert.deepEqual(
      both.events!.map((e) => [e.logStreamName, e.message]),
      [
        ['task-1', 'GET /orders 500 error'],
        ['task-2', 'sdk says error'],
      ],
    );
    await assert.rejects(sdk.send(new CreateLogGroupCommand({ logGroupName: '/ecs/app' })), {
      name: 'ResourceAlreadyExistsException',
    });
  } finally {
    sdk.destroy();
  }
});

test('a source outside the security group is closed before TLS', async () => {
  const address = lab.addresses.logs[0]!;
  const attempt = (localAddress: string) =>
    new Promise<'secure' | 'closed' | 'hung'>((resolve) => {
      const raw = netConnect({ host: address, port, localAddress });
      const s = tlsConnect({ socket: raw, ca: caPem, servername: `logs.${server.region}.amazonaws.com` }, () => {
        s.destroy();
        resolve('secure');
      });
      s.on('error', () => resolve('closed'));
      s.on('close', () => resolve('closed'));
      s.setTimeout(10_000, () => {
        s.destroy();
        resolve('hung');
      });
    });
  assert.equal(await attempt(`${PREFIX}.0.77`), 'secure');
  assert.equal(await attempt(`${PREFIX}.1.77`), 'closed');
  assert.equal(await attempt('127.99.0.1'), 'closed');
});

test('an endpoint policy denying logs:PutLogEvents through this endpoint is enforced', async () => {
  const id = lab.endpoints.logs.VpcEndpointId!;
  const viaEndpoint = { endpointUrl: `https://${lab.addresses.logs[0]}:${port}` };
  await awsJson(
    server,
    ['logs', 'create-log-group', '--log-group-name', '/policy', '--ca-bundle', bundle],
    viaEndpoint,
  );
  await awsJson(
    server,
    ['logs', 'create-log-stream', '--log-group-name', '/policy', '--log-stream-name', 's', '--ca-bundle', bundle],
    viaEndpoint,
  );
  await ec2.send(
    new ModifyVpcEndpointCommand({
      VpcEndpointId: id,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'logs:PutLogEvents',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceVpce': id } },
          },
        ],
      }),
    }),
  );
  const args = [
    'logs',
    'put-log-events',
    '--log-group-name',
    '/policy',
    '--log-stream-name',
    's',
    '--log-events',
    `timestamp=${Date.now()},message=denied`,
    '--ca-bundle',
    bundle,
  ];
  // The listeners pick up the new policy from the change feed; until then the call succeeds.
  const stderr = await poll(() => awsError(server, args, 'AccessDeniedException', viaEndpoint).catch(() => ''), {
    until: (err) => err !== '',
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  assert.match(stderr, /AccessDeniedException/);
  // Other actions through the endpoint, and PutLogEvents outside it, still work.
  await awsJson(
    server,
    ['logs', 'describe-log-streams', '--log-group-name', '/policy', '--ca-bundle', bundle],
    viaEndpoint,
  );
  await awsJson(server, [
    'logs',
    'put-log-events',
    '--log-group-name',
    '/policy',
    '--log-stream-name',
    's',
    '--log-events',
    `timestamp=${Date.now()},message=direct`,
  ]);
});

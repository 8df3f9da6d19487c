// Failure you can see on interface endpoints: a listener that cannot bind puts the endpoint
// in state `failed` with EC2's LastError (SDK v3 and the aws CLI), and it is `available`
// again once the address is free; a connection the security groups refuse is logged with
// source, destination and groups, once per source per minute.
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { runAws } from '../helpers/aws-cli.js';
import { ec2Client, interfaceAddresses, waitPort } from './support.js';
import { type ReservedPort, reservePort } from '../helpers/ports.js';
import { poll, until } from '../helpers/wait.js';

const PREFIX = '127.32';
let server: RunningServer;
let ec2: EC2Client;
let port: number;
let endpointPortHold: ReservedPort | undefined;
let blocker: Server;

const describe = async (id: string): Promise<VpcEndpoint> =>
  (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }))).VpcEndpoints![0]!;

before(async () => {
  endpointPortHold = await reservePort();
  port = endpointPortHold.port;
  server = await startServer({ args: ['--endpoint-port', String(port), '--endpoint-settle-ms', '50'] });
  ec2 = ec2Client(server);
});
after(async () => {
  blocker?.close();
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
  await endpointPortHold?.release();
});

test('a listener that cannot bind: failed with LastError, then available when the address is free', async () => {
  // The first interface address of a subnet is its fifth (AWS reserves four); hold it first.
  const address = `${PREFIX}.0.4`;
  blocker = createServer();
  await new Promise<void>((res) => blocker.listen(port, address, () => res()));

  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${PREFIX}.0.0/16` }))).Vpc!.VpcId!;
  const subnetId = (
    await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${PREFIX}.0.0/24`, AvailabilityZone: `${server.region}a` }),
    )
  ).Subnet!.SubnetId!;
  const groupId = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'vpce', Description: 'endpoint', VpcId: vpcId }))
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: `${PREFIX}.0.0/24` }] }],
    }),
  );
  const created = (
    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcEndpointType: 'Interface',
        VpcId: vpcId,
        ServiceName: `com.amazonaws.${server.region}.appmesh`,
        SubnetIds: [subnetId],
        SecurityGroupIds: [groupId],
        PrivateDnsEnabled: false,
      }),
    )
  ).VpcEndpoint!;
  const id = created.VpcEndpointId!;
  assert.deepEqual(await interfaceAddresses(ec2, created), [address]);

  const failed = await until(
    async () => {
      const e = await describe(id);
      return String(e.State) === 'failed' ? e : undefined;
    },
    { timeoutMs: 15_000, what: 'state failed' },
  );
  assert.equal(failed.LastError?.Code, 'ListenerBindFailed');
  assert.match(
    failed.LastError?.Message ?? '',
    new RegExp(
      `cannot listen on ${address.replace(/\./g, '\\.')}:${port} \\(eni-[0-9a-f]+\\): the address is already in use .*\\(EADDRINUSE\\)`,
    ),
  );
  const filtered = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-state', Values: ['failed'] }] }),
  );
  assert.deepEqual(
    filtered.VpcEndpoints?.map((e) => e.VpcEndpointId),
    [id],
  );
  const cli = await runAws(server, ['ec2', 'describe-vpc-endpoints', '--vpc-endpoint-ids', id]);
  assert.equal(cli.code, 0, cli.stderr);
  const [viaCli] = JSON.parse(cli.stdout).VpcEndpoints as {
    State: string;
    LastError: { Code: string; Message: string };
  }[];
  assert.equal(viaCli!.State, 'failed');
  assert.equal(viaCli!.LastError.Code, 'ListenerBindFailed');
  // The state is stored before the line is logged, and the line comes through the server's stderr pipe.
  const bindFailureLogged = await poll(
    () => server.logs.some((l) => l.msg === 'vpc endpoint failed: a listener could not bind' && l.vpcEndpointId === id),
    { until: (seen) => seen, timeoutMs: 5000 },
  );
  assert.ok(bindFailureLogged);

  await new Promise<void>((res) => blocker.close(() => res()));
  const back = await until(
    async () => {
      const e = await describe(id);
      return String(e.State) === 'available' ? e : undefined;
    },
    { timeoutMs: 15_000, what: 'state available' },
  );
  assert.equal(back.LastError, undefined);
  await waitPort(address, port, 'open');

  // A security-group refusal: source outside the allowed CIDR. Three attempts, one log line.
  const source = `${PREFIX}.9.9`;
  const attempt = () =>
    new Promise<void>((resolve) => {
      const s = connect({ host: address, port, localAddress: source });
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
  for (let i = 0; i < 3; i++) await attempt();
  const refusals = () =>
    server.logs.filter((l) => l.msg === 'connection refused by security groups' && l.source === source);
  const [line] = await until(() => (refusals().length ? refusals() : undefined), {
    timeoutMs: 15_000,
    what: 'the refusal log line',
  });
  assert.equal(line!.destination, `${address}:${port}`);
  assert.equal(line!.vpcEndpointId, id);
  assert.deepEqual(line!.securityGroupIds, [groupId]);
  assert.equal(line!.level, 40);
  // A second source is logged on its own; the first stays quiet within the minute.
  const other = `${PREFIX}.9.10`;
  await new Promise<void>((resolve) => {
    const s = connect({ host: address, port, localAddress: other });
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
  await until(() => server.logs.some((l) => l.msg === 'connection refused by security groups' && l.source === other), {
    timeoutMs: 15_000,
    what: 'the second source logged',
  });
  assert.equal(refusals().length, 1, 'one line per source per minute');
});

// Endpoint states survive a restart; idempotent creates; endpoint filters and pagination.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  paginateDescribeVpcEndpoints,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkClient, sdkErrorOf } from './cli.js';
import { poll } from '../helpers/wait.js';

const R = 'us-east-1';
const APPMESH = `com.amazonaws.${R}.appmesh`;
const ENVOY = `com.amazonaws.${R}.appmesh-envoy-management`;
let server: RunningServer | undefined;
let ec2: EC2Client | undefined;

after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

test('a pending endpoint becomes available after a restart; client tokens; filters and pages', async () => {
  // Settling takes an hour in the first process, so the endpoint is still pending when it stops.
  server = await startServer({ region: R, args: ['--endpoint-settle-ms', '3600000'] });
  ec2 = sdkClient(server);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.80.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.80.1.0/24', AvailabilityZone: `${R}a` }))
  ).Subnet!.SubnetId!;
  const create = (service: string, token?: string) =>
    ec2!.send(
      new CreateVpcEndpointCommand({
        VpcEndpointType: 'Interface',
        VpcId: vpcId,
        ServiceName: service,
        SubnetIds: [subnet],
        PrivateDnsEnabled: false,
        ...(token ? { ClientToken: token } : {}),
        TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [{ Key: 'svc', Value: service.split('.').pop()! }] }],
      }),
    );
  const first = (await create(APPMESH, 'token-1')).VpcEndpoint!;
  const again = await create(APPMESH, 'token-1');
  assert.equal(again.VpcEndpoint!.VpcEndpointId, first.VpcEndpointId, 'same client token, same endpoint');
  assert.equal(again.ClientToken, 'token-1');
  assert.equal((await sdkErrorOf(create(ENVOY, 'token-1'))).name, 'IdempotentParameterMismatch');
  for (let i = 0; i < 4; i++) await create(i % 2 ? ENVOY : APPMESH);

  const envoy = await ec2.send(
    new DescribeVpcEndpointsCommand({
      Filters: [
        { Name: 'service-name', Values: [ENVOY] },
        { Name: 'vpc-id', Values: [vpcId] },
      ],
    }),
  );
  assert.equal(envoy.VpcEndpoints!.length, 2);
  const tagged = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'tag:svc', Values: ['appmesh'] }] }),
  );
  assert.equal(tagged.VpcEndpoints!.length, 3);
  const pages: number[] = [];
  for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: 2 }, {}))
    pages.push(page.VpcEndpoints!.length);
  assert.deepEqual(pages, [2, 2, 1]);
  const pending = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-state', Values: ['pending'] }] }),
  );
  assert.equal(pending.VpcEndpoints!.length, 5);

  const dataDir = server.dataDir;
  await server.stop();
  ec2.destroy();
  server = await startServer({ region: R, dataDir, args: ['--endpoint-settle-ms', '50'] });
  const restarted = sdkClient(server);
  ec2 = restarted;
  const states = await poll(
    async () => (await restarted.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints!.map((e) => String(e.State)),
    { until: (now) => now.every((s) => s === 'available'), timeoutMs: 10_000 },
  );
  assert.deepEqual(states, Array(5).fill('available'));
});

// Two appmeshd replicas on one PostgreSQL store: concurrent endpoint creates through both
// never share an interface address, and exactly one settle job moves them to available.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { PG_SKIP_MESSAGE, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkClient } from './cli.js';
import { poll } from '../helpers/wait.js';

let db: TestPostgres | undefined;
const servers: RunningServer[] = [];
const clients: EC2Client[] = [];

before(async () => {
  db = await startTestPostgres();
  if (!db) return;
  const url = await db.createDatabase();
  for (let i = 0; i < 2; i++) {
    const server = await startServer({ args: ['--store', url, '--endpoint-settle-ms', '200'] });
    servers.push(server);
    clients.push(sdkClient(server));
  }
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) {
    await s.stop();
    s.cleanup();
  }
  await db?.close();
});

test('concurrent endpoint creates through both replicas get distinct addresses and settle once', async (t) => {
  if (!db) return t.skip(PG_SKIP_MESSAGE);
  const [a, b] = clients as [EC2Client, EC2Client];
  const vpcId = (await a.send(new CreateVpcCommand({ CidrBlock: '127.85.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (
    await b.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.85.1.0/24', AvailabilityZone: 'us-east-1a' }))
  ).Subnet!.SubnetId!;
  const made = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).send(
        new CreateVpcEndpointCommand({
          VpcEndpointType: 'Interface',
          VpcId: vpcId,
          ServiceName: 'com.amazonaws.us-east-1.appmesh',
          SubnetIds: [subnetId],
          PrivateDnsEnabled: false,
        }),
      ),
    ),
  );
  assert.equal(new Set(made.map((m) => m.VpcEndpoint!.VpcEndpointId)).size, 10);
  const enis = (
    await a.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }))
  ).NetworkInterfaces!;
  assert.equal(enis.length, 10);
  assert.equal(new Set(enis.map((e) => e.PrivateIpAddress)).size, 10);

  const states = await poll(
    async () => (await b.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints!.map((e) => String(e.State)),
    { until: (now) => now.every((s) => s === 'available'), timeoutMs: 10_000 },
  );
  assert.deepEqual(states, Array(10).fill('available'));
  const settledCounts = () => servers.map((s) => s.logs.filter((l) => l.msg === 'vpc endpoint settled').length);
  // A state is stored before its line is logged, and the lines come through the servers' stderr pipes.
  const settledBy = await poll(settledCounts, { until: ([a, b]) => a! + b! >= 10, timeoutMs: 5000 });
  assert.equal(settledBy[0]! + settledBy[1]!, 10, 'each endpoint settled exactly once');
});

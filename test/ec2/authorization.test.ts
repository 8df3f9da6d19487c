// EC2 calls are authorized as ec2:<Operation>; a denial (also of a dry run) is UnauthorizedOperation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { userWithPolicy } from '../helpers/iam-user.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkErrorOf } from './cli.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

test('an IAM user may only do what its policy allows; DryRun answers whether it could', async () => {
  const credentials = await userWithPolicy(server, 'viewer', [
    { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
  ]);
  const ec2 = new EC2Client({
    endpoint: server.endpoint,
    region: server.region,
    maxAttempts: 1,
    credentials,
  });
  try {
    assert.deepEqual((await ec2.send(new DescribeVpcsCommand({}))).Vpcs, []);
    const dryAllowed = await sdkErrorOf(ec2.send(new DescribeVpcsCommand({ DryRun: true })));
    assert.deepEqual([dryAllowed.name, dryAllowed.status], ['DryRunOperation', 412]);
    const denied = await sdkErrorOf(ec2.send(new CreateVpcCommand({ CidrBlock: '127.90.0.0/16' })));
    assert.equal(denied.name, 'UnauthorizedOperation');
    assert.equal(denied.status, 403);
    assert.match(denied.message, /ec2:CreateVpc/);
    const dryDenied = await sdkErrorOf(ec2.send(new CreateVpcCommand({ CidrBlock: '127.90.0.0/16', DryRun: true })));
    assert.equal(dryDenied.name, 'UnauthorizedOperation');
  } finally {
    ec2.destroy();
  }
});

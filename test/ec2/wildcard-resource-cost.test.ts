// Defect: policy wildcards were matched with a backtracking regular expression against the
// caller's resource string; DeleteVpc with VpcId ':'×256k under Resource
// arn:aws:ec2:*:*:vpc/* took 28 s of CPU. Matching is now linear: the same request is
// answered at once, and the server keeps answering others meanwhile.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeleteVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
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

test('backtracking wildcard: DeleteVpc with a 256 KiB VpcId under Resource arn:aws:ec2:*:*:vpc/* is answered in well under 2 s', async () => {
  const credentials = await userWithPolicy(server, 'vpc-admin', [
    { Effect: 'Allow', Action: ['ec2:DeleteVpc', 'ec2:DescribeVpcs'], Resource: 'arn:aws:ec2:*:*:vpc/*' },
    { Effect: 'Allow', Action: 'ec2:DescribeVpcs', Resource: '*' },
    { Effect: 'Deny', Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:vpc/*a*a*a*a*a*a*a*a*b' },
  ]);
  const ec2 = new EC2Client({
    endpoint: server.endpoint,
    region: server.region,
    maxAttempts: 1,
    credentials,
  });
  try {
    for (const vpcId of [':'.repeat(256 * 1024), 'a'.repeat(200_000)]) {
      const started = Date.now();
      const call = sdkErrorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
      // Another request while the big one is being decided is answered too.
      const other = ec2.send(new DescribeVpcsCommand({}));
      const err = await call;
      const elapsed = Date.now() - started;
      await other;
      assert.ok(elapsed < 2000, `answered in ${elapsed} ms`);
      assert.ok(
        err.status !== undefined && err.status >= 400 && err.status < 500,
        `a modeled client error (${err.name} ${err.status})`,
      );
    }
  } finally {
    ec2.destroy();
  }
});

// STS GetCallerIdentity through the aws CLI, boto3 and SDK v3, as root and as an IAM user
// (who needs no permission for it, as in AWS), and unknown services answered in the
// protocol the caller speaks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { TEST_ACCOUNT_ID, awsEnv, startServer, type RunningServer } from '../helpers/server.js';
import { runAws } from '../helpers/aws-cli.js';

let server: RunningServer;
let user: { accessKeyId: string; secretAccessKey: string; userId: string };

before(async () => {
  server = await startServer();
  const iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  const created = await iam.send(new CreateUserCommand({ UserName: 'caller', Path: '/team/' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'caller' }));
  user = {
    accessKeyId: key.AccessKey!.AccessKeyId!,
    secretAccessKey: key.AccessKey!.SecretAccessKey!,
    userId: created.User!.UserId!,
  };
  iam.destroy();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const ROOT_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:root`;
const USER_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:user/team/caller`;

test('aws sts get-caller-identity: root and an IAM user', async () => {
  const root = await runAws(server, ['sts', 'get-caller-identity']);
  assert.equal(root.code, 0, root.stderr);
  assert.deepEqual(JSON.parse(root.stdout), { UserId: TEST_ACCOUNT_ID, Account: TEST_ACCOUNT_ID, Arn: ROOT_ARN });
  const asUser = await runAws(server, ['sts', 'get-caller-identity'], {
    env: { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
  });
  assert.equal(asUser.code, 0, asUser.stderr);
  assert.deepEqual(JSON.parse(asUser.stdout), { UserId: user.userId, Account: TEST_ACCOUNT_ID, Arn: USER_ARN });
});

test('SDK v3 GetCallerIdentity: root and an IAM user without any policy', async () => {
  for (const [credentials, arn, userId] of [
    [server.credentials, ROOT_ARN, TEST_ACCOUNT_ID],
    [user, USER_ARN, user.userId],
  ] as const) {
    const sts = new STSClient({ endpoint: server.endpoint, region: server.region, credentials });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(out.Arn, arn);
    assert.equal(out.Account, TEST_ACCOUNT_ID);
    assert.equal(out.UserId, userId);
    sts.destroy();
  }
});

test('boto3 get_caller_identity: root and an IAM user', async () => {
  const script = String.raw`
import json, sys, boto3
url, key, secret = sys.argv[1:4]
root = boto3.client('sts', endpoint_url=url).get_caller_identity()
user = boto3.client('sts', endpoint_url=url, aws_access_key_id=key, aws_secret_access_key=secret).get_caller_identity()
print(json.dumps([{k: r[k] for k in ('UserId', 'Account', 'Arn')} for r in (root, user)]))
`;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'python3',
      ['-c', script, server.endpoint, user.accessKeyId, user.secretAccessKey],
      { env: awsEnv(server), timeout: 60_000 },
      (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
    );
  });
  assert.deepEqual(JSON.parse(stdout), [
    { UserId: TEST_ACCOUNT_ID, Account: TEST_ACCOUNT_ID, Arn: ROOT_ARN },
    { UserId: user.userId, Account: TEST_ACCOUNT_ID, Arn: USER_ARN },
  ]);
});

test('an unknown service is refused in the protocol the client speaks (Query XML, JSON 1.0/1.1, rest-json)', async () => {
  // SNS speaks Query, DynamoDB JSON with X-Amz-Target, Lambda rest-json: each CLI call must
  // be able to read the error code, which it cannot when the envelope is another protocol's.
  for (const args of [
    ['sns', 'list-topics'],
    ['dynamodb', 'list-tables'],
    ['lambda', 'list-functions'],
  ]) {
    const r = await runAws(server, [...args, '--no-paginate']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /An error occurred \((SignatureDoesNotMatch|InvalidSignatureException)\)/,
      `${args.join(' ')}: ${r.stderr}`,
    );
    assert.match(r.stderr, /'(sns|dynamodb|lambda)' is not served here/, `${args.join(' ')}: ${r.stderr}`);
  }
});

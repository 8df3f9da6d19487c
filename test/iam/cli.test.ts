// Every IAM operation appmeshd serves, once, through the real `aws iam` CLI (each call
// costs a Python start, so the finer error cases are in sdk.test.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, TEST_ACCOUNT_ID, type RunningServer } from '../helpers/server.js';
import { awsError, awsJson, runAws } from '../helpers/aws-cli.js';

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const iam = (...args: string[]) => awsJson(server, ['iam', ...args]);

test('aws iam: users, access keys and inline policies end to end', async () => {
  const created = await iam('create-user', '--user-name', 'alice', '--path', '/team/');
  assert.equal(created.User.Arn, `arn:aws:iam::${TEST_ACCOUNT_ID}:user/team/alice`);
  assert.match(created.User.UserId, /^AIDA[A-Z2-7]{17}$/);
  await awsError(server, ['iam', 'create-user', '--user-name', 'ALICE'], 'EntityAlreadyExists');
  assert.equal((await iam('get-user', '--user-name', 'alice')).User.UserId, created.User.UserId);
  assert.deepEqual(
    (await iam('list-users')).Users.map((u: any) => u.UserName),
    ['alice'],
  );

  const key = (await iam('create-access-key', '--user-name', 'alice')).AccessKey;
  assert.match(key.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(key.SecretAccessKey.length, 40);
  assert.deepEqual(
    (await iam('list-access-keys', '--user-name', 'alice')).AccessKeyMetadata.map((k: any) => k.AccessKeyId),
    [key.AccessKeyId],
  );

  // alice is at path /team/: her ARN, and so the resource of her own GetUser, is user/team/alice.
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'iam:GetUser',
        Resource: `arn:aws:iam::${TEST_ACCOUNT_ID}:user/team/\${aws:username}`,
      },
    ],
  };
  await iam(
    'put-user-policy',
    '--user-name',
    'alice',
    '--policy-name',
    'self',
    '--policy-document',
    JSON.stringify(policy),
  );
  assert.deepEqual(
    (await iam('get-user-policy', '--user-name', 'alice', '--policy-name', 'self')).PolicyDocument,
    policy,
  );
  assert.deepEqual((await iam('list-user-policies', '--user-name', 'alice')).PolicyNames, ['self']);

  // The new key signs at once; GetUser without a name answers for the caller.
  const asAlice = { env: { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey } };
  assert.equal((await awsJson(server, ['iam', 'get-user'], asAlice)).User.UserName, 'alice');

  await awsError(server, ['iam', 'delete-user', '--user-name', 'alice'], 'DeleteConflict');
  await iam('delete-access-key', '--user-name', 'alice', '--access-key-id', key.AccessKeyId);
  await iam('delete-user-policy', '--user-name', 'alice', '--policy-name', 'self');
  await iam('delete-user', '--user-name', 'alice');
  const gone = await runAws(server, ['iam', 'get-user', '--user-name', 'alice']);
  assert.match(gone.stderr, /\(NoSuchEntity\).*The user with name alice cannot be found/);
});

// IAM quotas (LimitExceeded): users per account, access keys per user, the aggregate size
// of a user's inline policies; against a server started with small --quota values.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkErrorOf } from '../ec2/cli.js';
import { awsError } from '../helpers/aws-cli.js';

let server: RunningServer;
let iam: IAMClient;

before(async () => {
  server = await startServer({
    args: ['--quota', 'usersPerAccount=2', '--quota', 'accessKeysPerUser=1', '--quota', 'userPolicySize=120'],
  });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
});
after(async () => {
  iam?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function limited(call: Promise<unknown>): Promise<string> {
  const err = await sdkErrorOf(call);
  assert.match(err.name, /^LimitExceeded(Exception)?$/, err.message);
  assert.equal(err.status, 409);
  return err.message;
}

test('users per account, access keys per user, inline policy size', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'u1' }));
  await iam.send(new CreateUserCommand({ UserName: 'u2' }));
  assert.match(await limited(iam.send(new CreateUserCommand({ UserName: 'u3' }))), /UsersPerAccount: 2/);
  assert.match(await awsError(server, ['iam', 'create-user', '--user-name', 'u3'], 'LimitExceeded'), /UsersPerAccount/);
  await iam.send(new DeleteUserCommand({ UserName: 'u2' }));
  await iam.send(new CreateUserCommand({ UserName: 'u3' }));

  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'u1' }))).AccessKey!.AccessKeyId!;
  assert.match(await limited(iam.send(new CreateAccessKeyCommand({ UserName: 'u1' }))), /AccessKeysPerUser: 1/);
  await iam.send(new DeleteAccessKeyCommand({ UserName: 'u1', AccessKeyId: key }));
  const again = (await iam.send(new CreateAccessKeyCommand({ UserName: 'u1' }))).AccessKey!.AccessKeyId!;
  assert.deepEqual(
    (await iam.send(new ListAccessKeysCommand({ UserName: 'u1' }))).AccessKeyMetadata!.map((k) => k.AccessKeyId),
    [again],
  );
  // A user with a key cannot be deleted.
  assert.equal((await sdkErrorOf(iam.send(new DeleteUserCommand({ UserName: 'u1' })))).name, 'DeleteConflictException');

  const doc = (sid: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: sid, Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
    });
  await iam.send(new PutUserPolicyCommand({ UserName: 'u1', PolicyName: 'a', PolicyDocument: doc('a') }));
  await limited(iam.send(new PutUserPolicyCommand({ UserName: 'u1', PolicyName: 'b', PolicyDocument: doc('b') })));
  // Replacing a policy counts its new size, not both.
  await iam.send(new PutUserPolicyCommand({ UserName: 'u1', PolicyName: 'a', PolicyDocument: doc('c') }));
});

// Defects: authorization built every IAM user ARN with path '/', so a Deny on user/admins/*
// never covered a user whose Path is /admins/ (privilege escalation), and an Allow on
// user/dev/* never covered a user under /dev/. The resource of an IAM call is the target
// user's ARN as stored, with its real path; proven here with the AWS SDK v3 against a server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkErrorOf } from '../ec2/cli.js';

let server: RunningServer;
let root: IAMClient;
const clients: IAMClient[] = [];
const arn = (pathAndName: string) => `arn:aws:iam::111122223333:user/${pathAndName}`;

before(async () => {
  server = await startServer();
  root = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
});
after(async () => {
  for (const c of [root, ...clients]) c?.destroy();
  await server?.stop();
  server?.cleanup();
});

/** A user with one inline policy, and a client signing as that user. */
async function userWithPolicy(name: string, statements: unknown[], path = '/'): Promise<IAMClient> {
  await root.send(new CreateUserCommand({ UserName: name, Path: path }));
  await root.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  const client = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    maxAttempts: 1,
    credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
  });
  clients.push(client);
  return client;
}

test('path Deny escalation: a Deny on user/admins/* refuses CreateAccessKey and PutUserPolicy for a user whose Path is /admins/', async () => {
  const mallory = await userWithPolicy('mallory', [
    { Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:PutUserPolicy', 'iam:ListAccessKeys'], Resource: arn('*') },
    { Effect: 'Deny', Action: 'iam:*', Resource: arn('admins/*') },
  ]);
  await root.send(new CreateUserCommand({ UserName: 'boss', Path: '/admins/' }));
  await root.send(new CreateUserCommand({ UserName: 'intern' }));

  const key = await sdkErrorOf(mallory.send(new CreateAccessKeyCommand({ UserName: 'boss' })));
  assert.equal(key.name, 'AccessDenied');
  assert.equal(key.status, 403);
  assert.match(key.message, /user\/admins\/boss .*explicit deny/);
  // Case does not help: IAM user names are case-insensitive and the stored ARN is used.
  assert.equal((await sdkErrorOf(mallory.send(new CreateAccessKeyCommand({ UserName: 'BOSS' })))).name, 'AccessDenied');
  const policy = await sdkErrorOf(
    mallory.send(
      new PutUserPolicyCommand({
        UserName: 'boss',
        PolicyName: 'pwn',
        PolicyDocument: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}',
      }),
    ),
  );
  assert.equal(policy.name, 'AccessDenied');
  assert.deepEqual((await root.send(new ListAccessKeysCommand({ UserName: 'boss' }))).AccessKeyMetadata, []);

  // The same policy still allows what it allows: a user at path /.
  const made = await mallory.send(new CreateAccessKeyCommand({ UserName: 'intern' }));
  assert.equal(made.AccessKey?.UserName, 'intern');
});

test('path Allow: an Allow on user/dev/* covers a user whose Path is /dev/, and only such users', async () => {
  const lead = await userWithPolicy('lead', [
    { Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: arn('dev/*') },
  ]);
  await root.send(new CreateUserCommand({ UserName: 'dev1', Path: '/dev/' }));
  await root.send(new CreateUserCommand({ UserName: 'ops1', Path: '/ops/' }));
  const made = await lead.send(new CreateAccessKeyCommand({ UserName: 'dev1' }));
  assert.equal(made.AccessKey?.UserName, 'dev1');
  const refused = await sdkErrorOf(lead.send(new CreateAccessKeyCommand({ UserName: 'ops1' })));
  assert.equal(refused.name, 'AccessDenied');
  assert.match(refused.message, /user\/ops\/ops1/);
});

test("the caller's own path is in aws:PrincipalArn and ${aws:username} resolves", async () => {
  const self = await userWithPolicy(
    'selfie',
    [
      {
        Effect: 'Allow',
        Action: 'iam:ListAccessKeys',
        Resource: 'arn:aws:iam::*:user/team/${aws:username}',
        Condition: { ArnLike: { 'aws:PrincipalArn': arn('team/*') } },
      },
    ],
    '/team/',
  );
  const own = await self.send(new ListAccessKeysCommand({}));
  assert.equal(own.AccessKeyMetadata?.length, 1);
  assert.equal((await sdkErrorOf(self.send(new ListAccessKeysCommand({ UserName: 'intern' })))).name, 'AccessDenied');
});

test('${*} is a literal * (defect: it acted as a wildcard), and an unresolvable variable matches nothing', async () => {
  const literal = await userWithPolicy('literal', [
    { Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: 'arn:aws:iam::*:user/${*}' },
    { Effect: 'Allow', Action: 'iam:ListAccessKeys', Resource: 'arn:aws:iam::*:user/${aws:PrincipalTag/none}' },
  ]);
  await root.send(new CreateUserCommand({ UserName: 'target' }));
  assert.equal(
    (await sdkErrorOf(literal.send(new CreateAccessKeyCommand({ UserName: 'target' })))).name,
    'AccessDenied',
  );
  assert.equal(
    (await sdkErrorOf(literal.send(new ListAccessKeysCommand({ UserName: 'target' })))).name,
    'AccessDenied',
  );
});

test("${aws:PrincipalTag/…} resolves to the caller's own tag", async () => {
  await root.send(new CreateUserCommand({ UserName: 'blue-lead', Tags: [{ Key: 'Team', Value: 'blue' }] }));
  await root.send(
    new PutUserPolicyCommand({
      UserName: 'blue-lead',
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'iam:CreateAccessKey',
            Resource: 'arn:aws:iam::*:user/${aws:PrincipalTag/team}/*',
          },
        ],
      }),
    }),
  );
  const key = (await root.send(new CreateAccessKeyCommand({ UserName: 'blue-lead' }))).AccessKey!;
  const lead = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    maxAttempts: 1,
    credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
  });
  clients.push(lead);
  await root.send(new CreateUserCommand({ UserName: 'b1', Path: '/blue/' }));
  await root.send(new CreateUserCommand({ UserName: 'r1', Path: '/red/' }));
  assert.equal((await lead.send(new CreateAccessKeyCommand({ UserName: 'b1' }))).AccessKey?.UserName, 'b1');
  assert.equal((await sdkErrorOf(lead.send(new CreateAccessKeyCommand({ UserName: 'r1' })))).name, 'AccessDenied');
});

// IAM through @aws-sdk/client-iam: the error cases of every operation, pagination,
// revocation, and a user's policies deciding what it may do on the mesh API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AppMeshClient, CreateMeshCommand, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { unsignedToken, withCursor } from '../helpers/page-tokens.js';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let iam: IAMClient;
before(async () => {
  server = await startServer();
  iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
});
after(async () => {
  iam?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function rejects(p: Promise<unknown>, name: string, status?: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    if (status) assert.equal(err.$metadata.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const LIST_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'appmesh:List*', Resource: '*' }],
});

test('errors: NoSuchEntity 404, EntityAlreadyExists 409, DeleteConflict 409, LimitExceeded, ValidationError 400, MalformedPolicyDocument 400', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await rejects(iam.send(new CreateUserCommand({ UserName: 'Bob' })), 'EntityAlreadyExistsException', 409);
  await rejects(iam.send(new CreateUserCommand({ UserName: 'bad name!' })), 'ValidationError', 400);
  await rejects(iam.send(new CreateUserCommand({ UserName: 'x', Path: 'no-slashes' })), 'ValidationError', 400);
  await rejects(iam.send(new GetUserCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  await rejects(iam.send(new DeleteUserCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  await rejects(iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  await rejects(iam.send(new ListAccessKeysCommand({ UserName: 'nobody' })), 'NoSuchEntityException', 404);
  await rejects(iam.send(new CreateAccessKeyCommand({})), 'ValidationError', 400, /non-User credentials/);

  await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
  await rejects(
    iam.send(new CreateAccessKeyCommand({ UserName: 'bob' })),
    'LimitExceededException',
    409,
    /AccessKeysPerUser: 2/,
  );
  await rejects(iam.send(new DeleteUserCommand({ UserName: 'bob' })), 'DeleteConflictException', 409, /access keys/);
  await rejects(
    iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
    'NoSuchEntityException',
    404,
  );
  for (const k of (await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }))).AccessKeyMetadata ?? []) {
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: k.AccessKeyId! }));
  }

  for (const doc of [
    '{not json',
    '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSorta":{"k":"v"}}}]}',
  ]) {
    await rejects(
      iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'p', PolicyDocument: doc })),
      'MalformedPolicyDocumentException',
      400,
    );
  }
  const big = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Action: Array.from({ length: 200 }, (_, i) => `appmesh:Describe${i}`), Resource: '*' },
    ],
  });
  await rejects(
    iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'big', PolicyDocument: big })),
    'LimitExceededException',
    409,
    /policy size/,
  );
  await rejects(
    iam.send(new PutUserPolicyCommand({ UserName: 'nobody', PolicyName: 'p', PolicyDocument: LIST_ONLY })),
    'NoSuchEntityException',
    404,
  );
  await iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'p', PolicyDocument: LIST_ONLY }));
  const got = await iam.send(new GetUserPolicyCommand({ UserName: 'bob', PolicyName: 'p' }));
  assert.equal(decodeURIComponent(got.PolicyDocument!), LIST_ONLY, 'IAM returns documents URL-encoded');
  await rejects(iam.send(new GetUserPolicyCommand({ UserName: 'bob', PolicyName: 'q' })), 'NoSuchEntityException', 404);
  await rejects(iam.send(new DeleteUserCommand({ UserName: 'bob' })), 'DeleteConflictException', 409, /policies/);
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: 'p' }));
  await rejects(
    iam.send(new DeleteUserPolicyCommand({ UserName: 'bob', PolicyName: 'p' })),
    'NoSuchEntityException',
    404,
  );
  await iam.send(new DeleteUserCommand({ UserName: 'bob' }));
});

test('ListUsers and ListUserPolicies page with Marker and MaxItems', async () => {
  for (const n of ['p1', 'p2', 'p3']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/paged/' }));
  const first = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
  assert.deepEqual(
    first.Users?.map((u) => u.UserName),
    ['p1', 'p2'],
  );
  assert.equal(first.IsTruncated, true);
  const second = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker! }));
  assert.deepEqual(
    second.Users?.map((u) => u.UserName),
    ['p3'],
  );
  assert.equal(second.IsTruncated, false);
  for (const p of ['a', 'b', 'c'])
    await iam.send(new PutUserPolicyCommand({ UserName: 'p1', PolicyName: p, PolicyDocument: LIST_ONLY }));
  const pols = await iam.send(new ListUserPoliciesCommand({ UserName: 'p1', MaxItems: 2 }));
  assert.deepEqual(pols.PolicyNames, ['a', 'b']);
  assert.deepEqual(
    (await iam.send(new ListUserPoliciesCommand({ UserName: 'p1', Marker: pols.Marker! }))).PolicyNames,
    ['c'],
  );
  await rejects(iam.send(new ListUsersCommand({ Marker: '!!' })), 'ValidationError', 400);
});

test('a user may do what its inline policies allow; Deny wins; deleting a key revokes it at once', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'erin' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'erin' }))).AccessKey!;
  const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const mesh = new AppMeshClient({ endpoint: server.endpoint, region: server.region, credentials });
  const asErin = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials });
  try {
    await rejects(
      mesh.send(new ListMeshesCommand({})),
      'AccessDeniedException',
      403,
      /because no identity-based policy allows the appmesh:ListMeshes action/,
    );
    await iam.send(new PutUserPolicyCommand({ UserName: 'erin', PolicyName: 'list', PolicyDocument: LIST_ONLY }));
    assert.deepEqual((await mesh.send(new ListMeshesCommand({}))).meshes, []);
    await rejects(mesh.send(new CreateMeshCommand({ meshName: 'm' })), 'AccessDeniedException', 403);
    await rejects(asErin.send(new ListUsersCommand({})), 'AccessDenied', 403);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'erin',
        PolicyName: 'deny',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: { Effect: 'Deny', Action: 'appmesh:*', Resource: '*' },
        }),
      }),
    );
    await rejects(
      mesh.send(new ListMeshesCommand({})),
      'AccessDeniedException',
      403,
      /with an explicit deny in an identity-based policy/,
    );
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'erin', PolicyName: 'deny' }));
    assert.deepEqual((await mesh.send(new ListMeshesCommand({}))).meshes, []);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'erin', AccessKeyId: key.AccessKeyId! }));
    await rejects(mesh.send(new ListMeshesCommand({})), 'UnrecognizedClientException', 403);
    await rejects(asErin.send(new ListUsersCommand({})), 'InvalidClientTokenId', 403);
  } finally {
    mesh.destroy();
    asErin.destroy();
  }
});

test('a Marker that was altered, unsigned or issued for another listing is ValidationError', async () => {
  for (const n of ['m1', 'm2', 'm3']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/marker/' }));
  const first = await iam.send(new ListUsersCommand({ PathPrefix: '/marker/', MaxItems: 1 }));
  const marker = first.Marker!;
  await rejects(iam.send(new ListUsersCommand({ Marker: withCursor(marker, 'm2') })), 'ValidationError', 400);
  await rejects(iam.send(new ListUsersCommand({ Marker: unsignedToken('m1') })), 'ValidationError', 400);
  await rejects(iam.send(new ListUserPoliciesCommand({ UserName: 'm1', Marker: marker })), 'ValidationError', 400);
  const second = await iam.send(new ListUsersCommand({ PathPrefix: '/marker/', MaxItems: 1, Marker: marker }));
  assert.deepEqual(
    second.Users?.map((u) => u.UserName),
    ['m2'],
  );
});

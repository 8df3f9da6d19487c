// What aws_iam_user and aws_iam_access_key need, through @aws-sdk/client-iam: user tags,
// group membership (always none), deactivating a key (which then fails authentication),
// and MaxItems/Marker on ListAccessKeys.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AppMeshClient, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
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

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).name;
  }
  throw new Error('expected a failure');
}

test('user tags: TagUser replaces by key, UntagUser removes, ListUserTags pages; GetUser shows them', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'team', Value: 'mesh' }] }));
  await iam.send(
    new TagUserCommand({
      UserName: 'tagged',
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'env', Value: 'ci' },
        { Key: 'zone', Value: 'a' },
      ],
    }),
  );
  await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['zone', 'absent'] }));
  const first = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 1 }));
  assert.deepEqual([first.Tags, first.IsTruncated], [[{ Key: 'env', Value: 'ci' }], true]);
  const second = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', Marker: first.Marker }));
  assert.deepEqual([second.Tags, second.IsTruncated], [[{ Key: 'team', Value: 'platform' }], false]);
  const user = await iam.send(new GetUserCommand({ UserName: 'tagged' }));
  assert.deepEqual(user.User!.Tags!.map((t) => t.Key).sort(), ['env', 'team']);
  assert.equal(
    await errorName(iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'aws:x', Value: 'y' }] }))),
    'InvalidInputException',
  );
  assert.equal(
    await errorName(iam.send(new TagUserCommand({ UserName: 'nobody', Tags: [{ Key: 'a', Value: 'b' }] }))),
    'NoSuchEntityException',
  );
  assert.equal(await errorName(iam.send(new ListUserTagsCommand({ UserName: 'nobody' }))), 'NoSuchEntityException');
});

test('ListGroupsForUser: no groups, and NoSuchEntity for an unknown user; the user can then be deleted', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'loner' }));
  const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'loner' }));
  assert.deepEqual([groups.Groups, groups.IsTruncated], [[], false]);
  assert.equal(
    await errorName(iam.send(new ListGroupsForUserCommand({ UserName: 'nobody' }))),
    'NoSuchEntityException',
  );
  await iam.send(new DeleteUserCommand({ UserName: 'loner' }));
});

test('UpdateAccessKey: an inactive key is refused at authentication and works again when reactivated; ListAccessKeys honours MaxItems', async () => {
  await iam.send(new CreateUserCommand({ UserName: 'keyed' }));
  const a = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' }))).AccessKey!;
  const b = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' }))).AccessKey!;
  const mesh = new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: a.AccessKeyId!, secretAccessKey: a.SecretAccessKey! },
    maxAttempts: 1,
  });
  const asUser = () => mesh.send(new ListMeshesCommand({}));
  // No policy: the key authenticates, then is denied.
  assert.equal(await errorName(asUser()), 'AccessDeniedException');

  await iam.send(new UpdateAccessKeyCommand({ UserName: 'keyed', AccessKeyId: a.AccessKeyId!, Status: 'Inactive' }));
  assert.equal(await errorName(asUser()), 'UnrecognizedClientException');
  const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed' }));
  assert.deepEqual(
    listed.AccessKeyMetadata!.map((k) => [k.AccessKeyId, k.Status]).sort(),
    [
      [a.AccessKeyId, 'Inactive'],
      [b.AccessKeyId, 'Active'],
    ].sort(),
  );
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'keyed', AccessKeyId: a.AccessKeyId!, Status: 'Active' }));
  assert.equal(await errorName(asUser()), 'AccessDeniedException');
  mesh.destroy();

  const page1 = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed', MaxItems: 1 }));
  assert.equal(page1.AccessKeyMetadata!.length, 1);
  assert.equal(page1.IsTruncated, true);
  const page2 = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed', MaxItems: 1, Marker: page1.Marker }));
  assert.equal(page2.IsTruncated, false);
  assert.deepEqual(
    [...page1.AccessKeyMetadata!, ...page2.AccessKeyMetadata!].map((k) => k.AccessKeyId).sort(),
    [a.AccessKeyId, b.AccessKeyId].sort(),
  );

  assert.equal(
    await errorName(
      iam.send(
        new UpdateAccessKeyCommand({ UserName: 'keyed', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', Status: 'Inactive' }),
      ),
    ),
    'NoSuchEntityException',
  );
});

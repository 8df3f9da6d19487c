// aws:SourceIp conditions against a real server: the request comes from 127.0.0.1, and
// IpAddress / NotIpAddress ranges written in IPv6 or IPv4-mapped IPv6 form are matched by
// the same address helper as AAAA records and certificate SANs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AppMeshClient, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let iam: IAMClient;
let asUser: AppMeshClient;

before(async () => {
  server = await startServer();
  iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  await iam.send(new CreateUserCommand({ UserName: 'ip-user' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ip-user' }))).AccessKey!;
  asUser = new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    maxAttempts: 1,
    credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
  });
});
after(async () => {
  iam?.destroy();
  asUser?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function allowedWith(condition: Record<string, Record<string, string[]>>): Promise<boolean> {
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'ip-user',
      PolicyName: 'by-ip',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'appmesh:ListMeshes', Resource: '*', Condition: condition }],
      }),
    }),
  );
  try {
    await asUser.send(new ListMeshesCommand({}));
    return true;
  } catch (err) {
    assert.equal((err as { name?: string }).name, 'AccessDeniedException');
    return false;
  }
}

test('policy IpAddress / NotIpAddress with IPv6 and embedded-IPv4 CIDRs, from an IPv4 client', async () => {
  assert.equal(await allowedWith({ IpAddress: { 'aws:SourceIp': ['127.0.0.0/8'] } }), true);
  assert.equal(
    await allowedWith({ IpAddress: { 'aws:SourceIp': ['::ffff:127.0.0.0/104'] } }),
    true,
    'a mapped range holds the IPv4 client',
  );
  assert.equal(await allowedWith({ IpAddress: { 'aws:SourceIp': ['::ffff:10.0.0.0/104'] } }), false);
  assert.equal(
    await allowedWith({ IpAddress: { 'aws:SourceIp': ['2001:db8::/32'] } }),
    false,
    'an IPv6 range never holds an IPv4 client',
  );
  assert.equal(await allowedWith({ NotIpAddress: { 'aws:SourceIp': ['2001:db8::/32', '10.0.0.0/8'] } }), true);
  assert.equal(await allowedWith({ NotIpAddress: { 'aws:SourceIp': ['::ffff:127.0.0.1'] } }), false);
});

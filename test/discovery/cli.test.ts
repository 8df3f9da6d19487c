// Every Cloud Map operation through the real `aws servicediscovery` CLI, plus how it
// reports errors. The CLI costs ~0.4 s a call, so each call here proves something.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runAws } from '../helpers/aws-cli.js';
import { TEST_ACCOUNT_ID, startServer, type RunningServer } from '../helpers/server.js';
import { createVpc } from './fixtures.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

// DiscoverInstances carries the `data-` host prefix, which cannot go in front of 127.0.0.1.
const run = (args: string[]) =>
  runAws(server, ['servicediscovery', ...args], { env: { AWS_DISABLE_HOST_PREFIX_INJECTION: 'true' } });

async function aws(...args: string[]): Promise<Record<string, any>> {
  const r = await run(args);
  assert.equal(r.code, 0, `aws servicediscovery ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

async function awsFails(code: string, operation: string, ...args: string[]): Promise<void> {
  const r = await run(args);
  assert.notEqual(r.code, 0, `expected ${code} but it succeeded: ${r.stdout}`);
  assert.match(r.stderr, new RegExp(`\\(${code}\\) when calling the ${operation} operation`));
}

// Independent calls run side by side to keep the file's wall time down.
test('every operation, and how the CLI reports Cloud Map errors', async () => {
  const created = await aws(
    'create-http-namespace',
    '--name',
    'cli.local',
    '--description',
    'from the cli',
    '--tags',
    'Key=team,Value=mesh',
  );
  const op = (await aws('get-operation', '--operation-id', created.OperationId)).Operation;
  assert.equal(op.Status, 'SUCCESS');
  const nsId: string = op.Targets.NAMESPACE;
  const nsArn = `arn:aws:servicediscovery:us-east-1:${TEST_ACCOUNT_ID}:namespace/${nsId}`;
  const vpc = await createVpc(server, '127.84.0.0/16');
  const [, listed, svcOut] = await Promise.all([
    aws('update-http-namespace', '--id', nsId, '--namespace', 'Description=renamed'),
    aws('list-namespaces', '--filters', 'Name=TYPE,Values=HTTP,Condition=EQ'),
    aws(
      'create-service',
      '--name',
      'orders',
      '--namespace-id',
      nsId,
      '--health-check-custom-config',
      'FailureThreshold=1',
    ),
    aws('create-private-dns-namespace', '--name', 'cli.internal', '--vpc', vpc),
    aws('create-public-dns-namespace', '--name', 'cli.example.com'),
  ]);
  assert.ok(listed.Namespaces.some((n: any) => n.Id === nsId));
  const svc = svcOut.Service;
  assert.equal(svc.Arn, `arn:aws:servicediscovery:us-east-1:${TEST_ACCOUNT_ID}:service/${svc.Id}`);

  const [ns, got, services] = await Promise.all([
    aws('get-namespace', '--id', nsId),
    aws('get-service', '--id', svc.Id),
    aws('list-services', '--filters', `Name=NAMESPACE_ID,Values=${nsId},Condition=EQ`),
    aws('update-service', '--id', svc.Id, '--service', 'Description=orders api'),
    aws(
      'register-instance',
      '--service-id',
      svc.Id,
      '--instance-id',
      'o-1',
      '--creator-request-id',
      'same',
      '--attributes',
      'AWS_INSTANCE_IPV4=10.9.0.1,AWS_INSTANCE_PORT=9000,version=v1',
    ),
    aws(
      'register-instance',
      '--service-id',
      svc.Id,
      '--instance-id',
      'o-2',
      '--attributes',
      'AWS_INSTANCE_IPV4=10.9.0.2,AWS_INSTANCE_PORT=9000,version=v2',
    ),
    aws('tag-resource', '--resource-arn', nsArn, '--tags', 'Key=env,Value=test'),
  ]);
  assert.equal(ns.Namespace.Description, 'renamed');
  assert.equal(got.Service.Name, 'orders');
  assert.equal(services.Services.length, 1);

  const [instance, instances, , found] = await Promise.all([
    aws('get-instance', '--service-id', svc.Id, '--instance-id', 'o-1'),
    aws('list-instances', '--service-id', svc.Id),
    aws(
      'update-instance-custom-health-status',
      '--service-id',
      svc.Id,
      '--instance-id',
      'o-2',
      '--status',
      'UNHEALTHY',
    ),
    aws(
      'discover-instances',
      '--namespace-name',
      'cli.local',
      '--service-name',
      'orders',
      '--query-parameters',
      'version=v1',
    ),
    aws('untag-resource', '--resource-arn', nsArn, '--tag-keys', 'team'),
    awsFails(
      'DuplicateRequest',
      'RegisterInstance',
      'register-instance',
      '--service-id',
      svc.Id,
      '--instance-id',
      'o-3',
      '--creator-request-id',
      'same',
      '--attributes',
      'AWS_INSTANCE_IPV4=10.9.0.3',
    ),
  ]);
  assert.equal(instance.Instance.Attributes.version, 'v1');
  assert.deepEqual(
    instances.Instances.map((i: any) => i.Id),
    ['o-1', 'o-2'],
  );
  assert.deepEqual(
    found.Instances.map((i: any) => i.InstanceId),
    ['o-1'],
  );

  const [health, revision, tags, ops] = await Promise.all([
    aws('get-instances-health-status', '--service-id', svc.Id),
    aws('discover-instances-revision', '--namespace-name', 'cli.local', '--service-name', 'orders'),
    aws('list-tags-for-resource', '--resource-arn', nsArn),
    aws('list-operations', '--filters', 'Name=TYPE,Values=REGISTER_INSTANCE,Condition=IN'),
    awsFails('ResourceInUse', 'DeleteService', 'delete-service', '--id', svc.Id),
  ]);
  assert.deepEqual(health.Status, { 'o-1': 'HEALTHY', 'o-2': 'UNHEALTHY' });
  assert.equal(revision.InstancesRevision, 3);
  assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }]);
  assert.equal(ops.Operations.length, 2);

  await Promise.all(
    ['o-1', 'o-2'].map((id) => aws('deregister-instance', '--service-id', svc.Id, '--instance-id', id)),
  );
  await aws('delete-service', '--id', svc.Id);
  await aws('delete-namespace', '--id', nsId);
});

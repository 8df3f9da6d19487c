// Every Cloud Map operation through @aws-sdk/client-servicediscovery against a real
// server: namespaces, services, instances, discovery filters, custom health, operations,
// tags, idempotency and the modeled errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { TEST_ACCOUNT_ID, startServer, type RunningServer } from '../helpers/server.js';
import { withCursor, unsignedToken } from '../helpers/page-tokens.js';
import { createVpc, rejectsWith, sdClient } from './fixtures.js';

let server: RunningServer;
let sd: ServiceDiscovery;

before(async () => {
  server = await startServer();
  sd = sdClient(server);
});
after(async () => {
  sd?.destroy();
  await server?.stop();
  server?.cleanup();
});

const ARN = `arn:aws:servicediscovery:us-east-1:${TEST_ACCOUNT_ID}`;

async function namespaceIdOf(operationId: string): Promise<string> {
  const op = (await sd.getOperation({ OperationId: operationId })).Operation!;
  assert.equal(op.Status, 'SUCCESS');
  return op.Targets!.NAMESPACE!;
}

async function httpNamespace(name: string): Promise<string> {
  return namespaceIdOf((await sd.createHttpNamespace({ Name: name })).OperationId!);
}

describe('namespaces', () => {
  test('HTTP namespace: create → operation → get → list → update → delete', async () => {
    const created = await sd.createHttpNamespace({
      Name: 'life.local',
      Description: 'first',
      CreatorRequestId: 'req-life',
      Tags: [{ Key: 'team', Value: 'a' }],
    });
    assert.match(created.OperationId!, /^[a-z0-9]{32}-[a-z0-9]{8}$/);
    const op = (await sd.getOperation({ OperationId: created.OperationId! })).Operation!;
    assert.equal(op.Type, 'CREATE_NAMESPACE');
    assert.equal(op.Status, 'SUCCESS');
    assert.equal(op.OwnerAccount, TEST_ACCOUNT_ID);
    assert.ok(op.CreateDate instanceof Date && Math.abs(op.CreateDate.getTime() - Date.now()) < 60_000);
    const id = op.Targets!.NAMESPACE!;
    assert.match(id, /^ns-[a-z0-9]{16}$/);

    const ns = (await sd.getNamespace({ Id: id })).Namespace!;
    assert.equal(ns.Arn, `${ARN}:namespace/${id}`);
    assert.equal(ns.Name, 'life.local');
    assert.equal(ns.Type, 'HTTP');
    assert.equal(ns.Description, 'first');
    assert.equal(ns.ServiceCount, 0);
    assert.equal(ns.CreatorRequestId, 'req-life');
    assert.equal(ns.ResourceOwner, TEST_ACCOUNT_ID);
    assert.equal(ns.Properties?.HttpProperties?.HttpName, 'life.local');
    assert.deepEqual((await sd.getNamespace({ Id: ns.Arn! })).Namespace?.Id, id, 'the ARN works as an id');

    const listed = (await sd.listNamespaces({})).Namespaces!.find((n) => n.Id === id);
    assert.equal(listed?.Name, 'life.local');

    const upd = await sd.updateHttpNamespace({ Id: id, Namespace: { Description: 'second' } });
    assert.equal((await sd.getOperation({ OperationId: upd.OperationId! })).Operation?.Type, 'UPDATE_NAMESPACE');
    assert.equal((await sd.getNamespace({ Id: id })).Namespace?.Description, 'second');

    const del = await sd.deleteNamespace({ Id: id });
    assert.equal((await sd.getOperation({ OperationId: del.OperationId! })).Operation?.Type, 'DELETE_NAMESPACE');
    await rejectsWith(sd.getNamespace({ Id: id }), 'NamespaceNotFound');
    await rejectsWith(sd.deleteNamespace({ Id: id }), 'NamespaceNotFound');
  });

  test('private and public DNS namespaces carry their DNS properties', async () => {
    const [vpc1, vpc2] = [await createVpc(server, '127.81.0.0/16'), await createVpc(server, '127.82.0.0/16')];
    const priv = await namespaceIdOf(
      (
        await sd.createPrivateDnsNamespace({
          Name: 'corp.internal',
          Vpc: vpc1,
          Properties: { DnsProperties: { SOA: { TTL: 60 } } },
        })
      ).OperationId!,
    );
    const ns = (await sd.getNamespace({ Id: priv })).Namespace!;
    assert.equal(ns.Type, 'DNS_PRIVATE');
    assert.equal(ns.Properties?.DnsProperties?.SOA?.TTL, 60);
    assert.match(ns.Properties?.DnsProperties?.HostedZoneId ?? '', /^Z[A-Z0-9]{13}$/);
    // The same name in another VPC is a different namespace; in the same VPC it clashes.
    await sd.createPrivateDnsNamespace({ Name: 'corp.internal', Vpc: vpc2 });
    const clash = await rejectsWith(
      sd.createPrivateDnsNamespace({ Name: 'corp.internal', Vpc: vpc1 }),
      'NamespaceAlreadyExists',
    );
    assert.equal(clash.NamespaceId, priv);
    await rejectsWith(sd.createPrivateDnsNamespace({ Name: 'bad.internal', Vpc: 'not-a-vpc' }), 'InvalidInput');
    await rejectsWith(
      sd.createPrivateDnsNamespace({ Name: 'bad.internal', Vpc: 'vpc-0123456789abcdef9' }),
      'InvalidInput',
      400,
    );

    const pub = await namespaceIdOf((await sd.createPublicDnsNamespace({ Name: 'example.com' })).OperationId!);
    assert.equal((await sd.getNamespace({ Id: pub })).Namespace?.Type, 'DNS_PUBLIC');
    await rejectsWith(sd.updateHttpNamespace({ Id: pub, Namespace: { Description: 'x' } }), 'InvalidInput');

    const types = new Set(
      (
        await sd.listNamespaces({ Filters: [{ Name: 'TYPE', Values: ['DNS_PRIVATE'], Condition: 'EQ' }] })
      ).Namespaces!.map((n) => n.Type),
    );
    assert.deepEqual([...types], ['DNS_PRIVATE']);
    const named = (
      await sd.listNamespaces({ Filters: [{ Name: 'NAME', Values: ['corp.'], Condition: 'BEGINS_WITH' }] })
    ).Namespaces!;
    assert.equal(named.length, 2);
    await rejectsWith(
      sd.listNamespaces({ Filters: [{ Name: 'TYPE', Values: ['HTTP'], Condition: 'BETWEEN' }] }),
      'InvalidInput',
    );
  });

  test('UpdatePrivateDnsNamespace / UpdatePublicDnsNamespace: description and SOA TTL, each only for its own type', async () => {
    const vpc = await createVpc(server, '127.83.0.0/16');
    const priv = await namespaceIdOf(
      (await sd.createPrivateDnsNamespace({ Name: 'upd.internal', Vpc: vpc })).OperationId!,
    );
    const pub = await namespaceIdOf((await sd.createPublicDnsNamespace({ Name: 'upd.example.com' })).OperationId!);
    const op = await sd.updatePrivateDnsNamespace({
      Id: priv,
      Namespace: { Description: 'private', Properties: { DnsProperties: { SOA: { TTL: 120 } } } },
    });
    assert.equal((await sd.getOperation({ OperationId: op.OperationId! })).Operation!.Type, 'UPDATE_NAMESPACE');
    const updated = (await sd.getNamespace({ Id: priv })).Namespace!;
    assert.equal(updated.Description, 'private');
    assert.equal(updated.Properties?.DnsProperties?.SOA?.TTL, 120);
    await sd.updatePublicDnsNamespace({ Id: pub, Namespace: { Description: 'public' } });
    assert.equal((await sd.getNamespace({ Id: pub })).Namespace!.Description, 'public');
    await rejectsWith(sd.updatePublicDnsNamespace({ Id: priv, Namespace: { Description: 'x' } }), 'InvalidInput');
    await rejectsWith(
      sd.updatePrivateDnsNamespace({ Id: 'ns-aaaaaaaaaaaaaaaa', Namespace: { Description: 'x' } }),
      'NamespaceNotFound',
    );
  });

  test('CreatorRequestId: a retry returns the same operation; a different request is DuplicateRequest', async () => {
    const first = await sd.createHttpNamespace({ Name: 'idem.local', CreatorRequestId: 'req-idem' });
    const again = await sd.createHttpNamespace({ Name: 'idem.local', CreatorRequestId: 'req-idem' });
    assert.equal(again.OperationId, first.OperationId);
    const dup = await rejectsWith(
      sd.createHttpNamespace({ Name: 'other.local', CreatorRequestId: 'req-idem' }),
      'DuplicateRequest',
    );
    assert.equal(dup.DuplicateOperationId, first.OperationId);
    const exists = await rejectsWith(sd.createHttpNamespace({ Name: 'idem.local' }), 'NamespaceAlreadyExists');
    assert.equal(exists.CreatorRequestId, 'req-idem');
  });

  test('pagination walks every namespace once', async () => {
    for (const n of ['pa', 'pb', 'pc']) await httpNamespace(`${n}.page`);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await sd.listNamespaces({
        MaxResults: 2,
        ...(token ? { NextToken: token } : {}),
        Filters: [{ Name: 'NAME', Values: ['p'], Condition: 'BEGINS_WITH' }],
      });
      assert.ok(page.Namespaces!.length <= 2);
      seen.push(...page.Namespaces!.map((n) => n.Name!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(
      seen.filter((n) => n.endsWith('.page')),
      ['pa.page', 'pb.page', 'pc.page'],
    );
  });
});

describe('services', () => {
  test('create → get → list → update → delete, with ResourceInUse on the namespace', async () => {
    const nsId = await httpNamespace('svc.local');
    const svc = (
      await sd.createService({
        Name: 'api',
        NamespaceId: nsId,
        Description: 'the api',
        HealthCheckCustomConfig: { FailureThreshold: 1 },
        Tags: [{ Key: 'k', Value: 'v' }],
      })
    ).Service!;
    assert.match(svc.Id!, /^srv-[a-z0-9]{16}$/);
    assert.equal(svc.Arn, `${ARN}:service/${svc.Id}`);
    assert.equal(svc.NamespaceId, nsId);
    assert.equal(svc.Type, 'HTTP');
    assert.equal(svc.InstanceCount, 0);
    assert.deepEqual(svc.HealthCheckCustomConfig, { FailureThreshold: 1 });
    assert.ok(svc.CreateDate instanceof Date);
    assert.equal(svc.CreatedByAccount, TEST_ACCOUNT_ID);

    assert.equal((await sd.getService({ Id: svc.Id! })).Service?.Name, 'api');
    assert.equal((await sd.getNamespace({ Id: nsId })).Namespace?.ServiceCount, 1);
    const exists = await rejectsWith(sd.createService({ Name: 'api', NamespaceId: nsId }), 'ServiceAlreadyExists');
    assert.equal(exists.ServiceId, svc.Id);

    const listed = (await sd.listServices({ Filters: [{ Name: 'NAMESPACE_ID', Values: [nsId], Condition: 'EQ' }] }))
      .Services!;
    assert.deepEqual(
      listed.map((s) => s.Id),
      [svc.Id],
    );

    const upd = await sd.updateService({ Id: svc.Id!, Service: { Description: 'changed' } });
    assert.equal((await sd.getOperation({ OperationId: upd.OperationId! })).Operation?.Type, 'UPDATE_SERVICE');
    assert.equal((await sd.getService({ Id: svc.Id! })).Service?.Description, 'changed');

    await rejectsWith(sd.deleteNamespace({ Id: nsId }), 'ResourceInUse');
    await sd.deleteService({ Id: svc.Id! });
    await rejectsWith(sd.getService({ Id: svc.Id! }), 'ServiceNotFound');
    await rejectsWith(sd.deleteService({ Id: svc.Id! }), 'ServiceNotFound');
    await sd.deleteNamespace({ Id: nsId });
  });

  test('DNS services: DnsConfig only in DNS namespaces, TTL updates, health check rules', async () => {
    const vpc = await createVpc(server, '127.83.0.0/16');
    const priv = await namespaceIdOf(
      (await sd.createPrivateDnsNamespace({ Name: 'dns.internal', Vpc: vpc })).OperationId!,
    );
    const svc = (
      await sd.createService({
        Name: 'db',
        NamespaceId: priv,
        DnsConfig: {
          DnsRecords: [
            { Type: 'A', TTL: 30 },
            { Type: 'SRV', TTL: 30 },
          ],
        },
      })
    ).Service!;
    assert.equal(svc.Type, 'DNS_HTTP');
    assert.equal(svc.DnsConfig?.RoutingPolicy, 'MULTIVALUE');
    await sd.updateService({
      Id: svc.Id!,
      Service: {
        DnsConfig: {
          DnsRecords: [
            { Type: 'A', TTL: 5 },
            { Type: 'SRV', TTL: 5 },
          ],
        },
      },
    });
    assert.deepEqual((await sd.getService({ Id: svc.Id! })).Service?.DnsConfig?.DnsRecords, [
      { Type: 'A', TTL: 5 },
      { Type: 'SRV', TTL: 5 },
    ]);
    await rejectsWith(
      sd.updateService({ Id: svc.Id!, Service: { DnsConfig: { DnsRecords: [{ Type: 'AAAA', TTL: 5 }] } } }),
      'InvalidInput',
    );

    const http = await httpNamespace('nodns.local');
    await rejectsWith(
      sd.createService({ Name: 'x', NamespaceId: http, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 1 }] } }),
      'InvalidInput',
    );
    await rejectsWith(
      sd.createService({ Name: 'x', NamespaceId: http, HealthCheckConfig: { Type: 'HTTP', ResourcePath: '/' } }),
      'InvalidInput',
    );
    await rejectsWith(sd.createService({ Name: 'x', NamespaceId: 'ns-doesnotexist0000' }), 'NamespaceNotFound');
    await rejectsWith(
      sd.createService({
        Name: 'x',
        NamespaceId: priv,
        DnsConfig: {
          DnsRecords: [
            { Type: 'CNAME', TTL: 1 },
            { Type: 'A', TTL: 1 },
          ],
        },
      }),
      'InvalidInput',
    );
  });
});

describe('instances', () => {
  let nsId: string;
  let svcId: string;
  let plainId: string;
  before(async () => {
    nsId = await httpNamespace('inst.local');
    svcId = (await sd.createService({ Name: 'web', NamespaceId: nsId, HealthCheckCustomConfig: {} })).Service!.Id!;
    plainId = (await sd.createService({ Name: 'plain', NamespaceId: nsId })).Service!.Id!;
  });

  const attrs = (ip: string, extra: Record<string, string> = {}) => ({
    AWS_INSTANCE_IPV4: ip,
    AWS_INSTANCE_PORT: '8080',
    ...extra,
  });

  test('register → get → list → deregister, with operations', async () => {
    const reg = await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'i-1',
      Attributes: attrs('10.0.0.1', { color: 'blue' }),
      CreatorRequestId: 'reg-1',
    });
    const op = (await sd.getOperation({ OperationId: reg.OperationId! })).Operation!;
    assert.equal(op.Type, 'REGISTER_INSTANCE');
    assert.deepEqual(op.Targets, { INSTANCE: 'i-1', SERVICE: svcId });
    const got = await sd.getInstance({ ServiceId: svcId, InstanceId: 'i-1' });
    assert.deepEqual(got.Instance, {
      Id: 'i-1',
      CreatorRequestId: 'reg-1',
      Attributes: attrs('10.0.0.1', { color: 'blue' }),
      CreatedByAccount: TEST_ACCOUNT_ID,
    });
    assert.equal(got.ResourceOwner, TEST_ACCOUNT_ID);

    // Same CreatorRequestId: the retry is recognised; a different request is refused.
    const retry = await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'i-1',
      Attributes: attrs('10.0.0.1', { color: 'blue' }),
      CreatorRequestId: 'reg-1',
    });
    assert.equal(retry.OperationId, reg.OperationId);
    const dup = await rejectsWith(
      sd.registerInstance({
        ServiceId: svcId,
        InstanceId: 'i-9',
        Attributes: attrs('10.0.0.9'),
        CreatorRequestId: 'reg-1',
      }),
      'DuplicateRequest',
    );
    assert.equal(dup.DuplicateOperationId, reg.OperationId);

    // Registering an existing id replaces its attributes.
    await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'i-1',
      Attributes: attrs('10.0.0.1', { color: 'green' }),
    });
    assert.equal((await sd.getInstance({ ServiceId: svcId, InstanceId: 'i-1' })).Instance?.Attributes?.color, 'green');
    await sd.registerInstance({ ServiceId: svcId, InstanceId: 'i-2', Attributes: attrs('10.0.0.2') });
    const listed = await sd.listInstances({ ServiceId: svcId });
    assert.deepEqual(
      listed.Instances!.map((i) => i.Id),
      ['i-1', 'i-2'],
    );
    const page = await sd.listInstances({ ServiceId: svcId, MaxResults: 1 });
    assert.deepEqual(
      page.Instances!.map((i) => i.Id),
      ['i-1'],
    );
    assert.deepEqual(
      (await sd.listInstances({ ServiceId: svcId, NextToken: page.NextToken! })).Instances!.map((i) => i.Id),
      ['i-2'],
    );
    assert.equal((await sd.getService({ Id: svcId })).Service?.InstanceCount, 2);

    await rejectsWith(sd.deleteService({ Id: svcId }), 'ResourceInUse');
    const dereg = await sd.deregisterInstance({ ServiceId: svcId, InstanceId: 'i-2' });
    assert.equal((await sd.getOperation({ OperationId: dereg.OperationId! })).Operation?.Type, 'DEREGISTER_INSTANCE');
    await rejectsWith(sd.getInstance({ ServiceId: svcId, InstanceId: 'i-2' }), 'InstanceNotFound');
    await rejectsWith(sd.deregisterInstance({ ServiceId: svcId, InstanceId: 'i-2' }), 'InstanceNotFound');
    await rejectsWith(
      sd.registerInstance({ ServiceId: 'srv-doesnotexist0000', InstanceId: 'x', Attributes: attrs('10.0.0.3') }),
      'ServiceNotFound',
    );
    await rejectsWith(
      sd.registerInstance({ ServiceId: svcId, InstanceId: 'x', Attributes: attrs('10.0.0.300') }),
      'InvalidInput',
    );
    await rejectsWith(
      sd.registerInstance({ ServiceId: svcId, InstanceId: 'x', Attributes: { AWS_INSTANCE_PORT: '70000' } }),
      'InvalidInput',
    );
    await rejectsWith(
      sd.registerInstance({ ServiceId: plainId, InstanceId: 'x', Attributes: { AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' } }),
      'InvalidInput',
    );
    await sd.deregisterInstance({ ServiceId: svcId, InstanceId: 'i-1' });
  });

  test('DiscoverInstances: query and optional parameters, health filters, revision', async () => {
    const rev0 = (await sd.discoverInstancesRevision({ NamespaceName: 'inst.local', ServiceName: 'web' }))
      .InstancesRevision!;
    await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'd-1',
      Attributes: attrs('10.1.0.1', { stage: 'prod', zone: 'a' }),
    });
    await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'd-2',
      Attributes: attrs('10.1.0.2', { stage: 'prod', zone: 'b' }),
    });
    await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'd-3',
      Attributes: attrs('10.1.0.3', { stage: 'test', zone: 'a' }),
    });
    await sd.registerInstance({
      ServiceId: svcId,
      InstanceId: 'd-4',
      Attributes: attrs('10.1.0.4', { stage: 'prod', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' }),
    });
    const rev1 = (await sd.discoverInstancesRevision({ NamespaceName: 'inst.local', ServiceName: 'web' }))
      .InstancesRevision!;
    assert.equal(rev1, rev0 + 4);

    const ids = async (p: Parameters<ServiceDiscovery['discoverInstances']>[0]) =>
      ((await sd.discoverInstances(p)).Instances ?? []).map((i) => i.InstanceId).sort();
    const base = { NamespaceName: 'inst.local', ServiceName: 'web' };
    assert.deepEqual(await ids(base), ['d-1', 'd-2', 'd-3'], 'HEALTHY is the default');
    assert.deepEqual(await ids({ ...base, HealthStatus: 'ALL' }), ['d-1', 'd-2', 'd-3', 'd-4']);
    assert.deepEqual(await ids({ ...base, HealthStatus: 'UNHEALTHY' }), ['d-4']);
    assert.deepEqual(await ids({ ...base, QueryParameters: { stage: 'prod' } }), ['d-1', 'd-2']);
    assert.deepEqual(await ids({ ...base, QueryParameters: { stage: 'prod' }, OptionalParameters: { zone: 'b' } }), [
      'd-2',
    ]);
    assert.deepEqual(
      await ids({ ...base, QueryParameters: { stage: 'prod' }, OptionalParameters: { zone: 'z' } }),
      ['d-1', 'd-2'],
      'no optional match: all query matches',
    );
    assert.deepEqual(await ids({ ...base, QueryParameters: { stage: 'none' } }), []);
    assert.equal((await ids({ ...base, MaxResults: 2 })).length, 2);

    const full = (await sd.discoverInstances({ ...base, QueryParameters: { zone: 'b' } })).Instances![0]!;
    assert.deepEqual(full, {
      InstanceId: 'd-2',
      NamespaceName: 'inst.local',
      ServiceName: 'web',
      HealthStatus: 'HEALTHY',
      Attributes: attrs('10.1.0.2', { stage: 'prod', zone: 'b' }),
    });

    // HEALTHY_OR_ELSE_ALL falls back to the unhealthy ones when none is healthy.
    for (const id of ['d-1', 'd-2', 'd-3'])
      await sd.updateInstanceCustomHealthStatus({ ServiceId: svcId, InstanceId: id, Status: 'UNHEALTHY' });
    assert.deepEqual(await ids(base), []);
    assert.deepEqual(await ids({ ...base, HealthStatus: 'HEALTHY_OR_ELSE_ALL' }), ['d-1', 'd-2', 'd-3', 'd-4']);
    await sd.updateInstanceCustomHealthStatus({ ServiceId: svcId, InstanceId: 'd-1', Status: 'HEALTHY' });
    assert.deepEqual(await ids({ ...base, HealthStatus: 'HEALTHY_OR_ELSE_ALL' }), ['d-1']);

    await rejectsWith(sd.discoverInstances({ NamespaceName: 'nope.local', ServiceName: 'web' }), 'NamespaceNotFound');
    await rejectsWith(sd.discoverInstances({ NamespaceName: 'inst.local', ServiceName: 'nope' }), 'ServiceNotFound');
  });

  test('concurrent registrations in one service all succeed and all count', async () => {
    const svc = (await sd.createService({ Name: 'busy', NamespaceId: nsId })).Service!.Id!;
    const ids = Array.from({ length: 20 }, (_, i) => `c-${String(i).padStart(2, '0')}`);
    await Promise.all(
      ids.map((id, i) => sd.registerInstance({ ServiceId: svc, InstanceId: id, Attributes: attrs(`10.3.0.${i + 1}`) })),
    );
    assert.deepEqual(
      (await sd.listInstances({ ServiceId: svc })).Instances!.map((i) => i.Id),
      ids,
    );
    assert.equal(
      (await sd.discoverInstancesRevision({ NamespaceName: 'inst.local', ServiceName: 'busy' })).InstancesRevision,
      20,
    );
  });

  test('custom health: statuses, CustomHealthNotFound, instances without health checks', async () => {
    await sd.registerInstance({ ServiceId: svcId, InstanceId: 'h-1', Attributes: attrs('10.2.0.1') });
    await sd.updateInstanceCustomHealthStatus({ ServiceId: svcId, InstanceId: 'h-1', Status: 'UNHEALTHY' });
    const status = (await sd.getInstancesHealthStatus({ ServiceId: svcId, Instances: ['h-1'] })).Status!;
    assert.deepEqual(status, { 'h-1': 'UNHEALTHY' });
    await rejectsWith(sd.getInstancesHealthStatus({ ServiceId: svcId, Instances: ['missing'] }), 'InstanceNotFound');
    await rejectsWith(
      sd.updateInstanceCustomHealthStatus({ ServiceId: svcId, InstanceId: 'missing', Status: 'HEALTHY' }),
      'InstanceNotFound',
    );

    await sd.registerInstance({ ServiceId: plainId, InstanceId: 'p-1', Attributes: attrs('10.2.0.2') });
    await rejectsWith(
      sd.updateInstanceCustomHealthStatus({ ServiceId: plainId, InstanceId: 'p-1', Status: 'UNHEALTHY' }),
      'CustomHealthNotFound',
    );
    assert.deepEqual((await sd.getInstancesHealthStatus({ ServiceId: plainId })).Status, { 'p-1': 'UNKNOWN' });
    const found = (await sd.discoverInstances({ NamespaceName: 'inst.local', ServiceName: 'plain' })).Instances!;
    assert.deepEqual(
      found.map((i) => [i.InstanceId, i.HealthStatus]),
      [['p-1', 'UNKNOWN']],
      'no health checking: discoverable as UNKNOWN',
    );
  });
});

describe('operations and tags', () => {
  test('ListOperations filters by type, namespace and status; GetOperation errors', async () => {
    const op = (await sd.createHttpNamespace({ Name: 'ops.local' })).OperationId!;
    const nsId = await namespaceIdOf(op);
    const byNs = (await sd.listOperations({ Filters: [{ Name: 'NAMESPACE_ID', Values: [nsId], Condition: 'EQ' }] }))
      .Operations!;
    assert.deepEqual(byNs, [{ Id: op, Status: 'SUCCESS' }]);
    const created = (
      await sd.listOperations({
        Filters: [
          { Name: 'TYPE', Values: ['CREATE_NAMESPACE', 'DELETE_NAMESPACE'], Condition: 'IN' },
          { Name: 'STATUS', Values: ['SUCCESS'] },
        ],
      })
    ).Operations!;
    assert.ok(created.some((o) => o.Id === op));
    const now = Date.now() / 1000;
    const recent = (
      await sd.listOperations({
        Filters: [{ Name: 'UPDATE_DATE', Values: [String(now - 60), String(now + 60)], Condition: 'BETWEEN' }],
      })
    ).Operations!;
    assert.ok(recent.some((o) => o.Id === op));
    await rejectsWith(sd.getOperation({ OperationId: 'nosuchoperation' }), 'OperationNotFound');
    await rejectsWith(
      sd.listOperations({ Filters: [{ Name: 'UPDATE_DATE', Values: ['1'], Condition: 'BETWEEN' }] }),
      'InvalidInput',
    );
  });

  test('tag, untag and list tags of namespaces and services', async () => {
    const nsId = await namespaceIdOf(
      (await sd.createHttpNamespace({ Name: 'tags.local', Tags: [{ Key: 'a', Value: '1' }] })).OperationId!,
    );
    const nsArn = `${ARN}:namespace/${nsId}`;
    await sd.tagResource({
      ResourceARN: nsArn,
      Tags: [
        { Key: 'b', Value: '2' },
        { Key: 'a', Value: '3' },
      ],
    });
    assert.deepEqual((await sd.listTagsForResource({ ResourceARN: nsArn })).Tags, [
      { Key: 'a', Value: '3' },
      { Key: 'b', Value: '2' },
    ]);
    await sd.untagResource({ ResourceARN: nsArn, TagKeys: ['a'] });
    assert.deepEqual((await sd.listTagsForResource({ ResourceARN: nsArn })).Tags, [{ Key: 'b', Value: '2' }]);

    const svcArn = (await sd.createService({ Name: 'tagged', NamespaceId: nsId })).Service!.Arn!;
    await sd.tagResource({ ResourceARN: svcArn, Tags: [{ Key: 'x', Value: 'y' }] });
    assert.deepEqual((await sd.listTagsForResource({ ResourceARN: svcArn })).Tags, [{ Key: 'x', Value: 'y' }]);

    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const tooMany = await rejectsWith(sd.tagResource({ ResourceARN: svcArn, Tags: many }), 'TooManyTagsException');
    assert.equal(tooMany.ResourceName, svcArn);
    await rejectsWith(
      sd.listTagsForResource({ ResourceARN: `${ARN}:service/srv-doesnotexist0000` }),
      'ResourceNotFoundException',
    );
    await rejectsWith(
      sd.tagResource({
        ResourceARN: 'arn:aws:servicediscovery:eu-west-1:000000000000:namespace/ns-x',
        Tags: [{ Key: 'a', Value: 'b' }],
      }),
      'ResourceNotFoundException',
    );
  });

  test('model validation failures are InvalidInput', async () => {
    await rejectsWith(
      sd.registerInstance({ ServiceId: 'srv-x', InstanceId: 'bad id with spaces', Attributes: {} }),
      'InvalidInput',
    );
    await rejectsWith(sd.discoverInstances({ NamespaceName: 'x', ServiceName: 'y', MaxResults: 5000 }), 'InvalidInput');
  });
});

test('a NextToken that was altered, unsigned or issued for another listing is InvalidInput', async () => {
  for (const n of ['ta', 'tb', 'tc']) await httpNamespace(`${n}.tokens`);
  const filter = { Filters: [{ Name: 'NAME' as const, Values: ['t'], Condition: 'BEGINS_WITH' as const }] };
  const page = await sd.listNamespaces({ MaxResults: 1, ...filter });
  const token = page.NextToken!;
  assert.equal((await sd.listNamespaces({ MaxResults: 1, NextToken: token, ...filter })).Namespaces!.length, 1);
  await rejectsWith(sd.listNamespaces({ NextToken: withCursor(token, '0') }), 'InvalidInput');
  await rejectsWith(sd.listNamespaces({ NextToken: unsignedToken('0') }), 'InvalidInput');
  await rejectsWith(sd.listServices({ NextToken: token }), 'InvalidInput');
});

// The Cloud Map source of mesh snapshots, on a real SQLite store written by the real
// handlers: what instances a mesh sees, and which store changes make it rebuild.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RequestContext } from '../../src/api/service.js';
import { StoreCloudMapSource } from '../../src/discovery/mesh-source.js';
import { PageTokens } from '../../src/api/page-tokens.js';
import { createDiscoveryService } from '../../src/discovery/service.js';
import { defaultQuotas } from '../../src/server/config.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Change } from '../../src/store/types.js';

const dir = mkdtempSync(join(tmpdir(), 'appmeshd-cloudmap-'));
const store = new SqliteStore(join(dir, 'test.db'));
const service = createDiscoveryService({
  store,
  region: 'us-east-1',
  accountId: '111122223333',
  quotas: defaultQuotas,
  pageTokens: new PageTokens('test-secret'),
});
const ctx = {} as RequestContext;
// The handlers called by name with loose input, as the pipeline calls them.
const handlers = service.handlers as unknown as Record<string, (input: unknown, ctx: RequestContext) => Promise<any>>;
const call = (op: string, input: Record<string, unknown>) => handlers[op]!(input, ctx);
const changes: Change[] = [];
let serviceId: string;

before(async () => {
  store.subscribe((batch) => changes.push(...batch));
  const op = await call('CreateHttpNamespace', { Name: 'apps.local' });
  const nsId = (await call('GetOperation', { OperationId: op.OperationId })).Operation.Targets.NAMESPACE;
  serviceId = (await call('CreateService', { Name: 'api', NamespaceId: nsId, HealthCheckCustomConfig: {} })).Service.Id;
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('instances with their attributes and health; unknown names give none', async () => {
  const source = new StoreCloudMapSource(store);
  await call('RegisterInstance', {
    ServiceId: serviceId,
    InstanceId: 'i-1',
    Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1', v: '1' },
  });
  await call('RegisterInstance', {
    ServiceId: serviceId,
    InstanceId: 'i-2',
    Attributes: { AWS_INSTANCE_IPV6: '2001:db8::2', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' },
  });
  assert.deepEqual(await source.instancesFor('apps.local', 'api'), [
    { instanceId: 'i-1', attributes: { AWS_INSTANCE_IPV4: '10.0.0.1', v: '1' }, healthy: true },
    {
      instanceId: 'i-2',
      attributes: { AWS_INSTANCE_IPV6: '2001:db8::2', AWS_INIT_HEALTH_STATUS: 'UNHEALTHY' },
      healthy: false,
    },
  ]);
  assert.deepEqual(await source.instancesFor('apps.local', 'nope'), []);
  assert.deepEqual(await source.instancesFor('nope.local', 'api'), []);
});

test('instance and service changes map to the Cloud Map service; others do not', async () => {
  const source = new StoreCloudMapSource(store);
  const key = { namespaceName: 'apps.local', serviceName: 'api' };
  changes.length = 0;
  await call('UpdateInstanceCustomHealthStatus', { ServiceId: serviceId, InstanceId: 'i-1', Status: 'UNHEALTHY' });
  const instanceChange = changes.find((c) => c.kind === 'sd:instance')!;
  const serviceChange = changes.find((c) => c.kind === 'sd:service')!;
  // Before any mesh resolved the service, a service change may concern anyone.
  assert.equal(source.affects(serviceChange), 'any');
  await source.instancesFor('apps.local', 'api');
  assert.deepEqual(source.affects(instanceChange), key);
  assert.deepEqual(source.affects(serviceChange), key);
  assert.equal(source.affects({ revision: 1, op: 'put', kind: 'sd:namespace', scope: '', name: 'ns-x' }), 'any');
  assert.equal(source.affects({ revision: 1, op: 'put', kind: 'sd:operation', scope: '', name: 'op' }), undefined);
  assert.equal(source.affects({ revision: 1, op: 'put', kind: 'virtualNode', scope: 'm', name: 'n' }), undefined);
  assert.equal((await source.instancesFor('apps.local', 'api')).find((i) => i.instanceId === 'i-1')?.healthy, false);
});

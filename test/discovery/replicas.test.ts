// Two appmeshd replicas on one PostgreSQL store act as one Cloud Map: concurrent
// registrations spread over both all succeed, and each replica sees every instance.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { PG_SKIP_MESSAGE, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdClient } from './fixtures.js';

let db: TestPostgres | undefined;
const servers: RunningServer[] = [];
const clients: ServiceDiscovery[] = [];

before(async () => {
  db = await startTestPostgres();
  if (!db) return;
  const url = await db.createDatabase();
  for (let i = 0; i < 2; i++) {
    const server = await startServer({ args: ['--store', url] });
    servers.push(server);
    clients.push(sdClient(server));
  }
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) {
    await s.stop();
    s.cleanup();
  }
  await db?.close();
});

test('concurrent registrations through both replicas', async (t) => {
  if (!db) return t.skip(PG_SKIP_MESSAGE);
  const [a, b] = clients as [ServiceDiscovery, ServiceDiscovery];
  const op = (await a.createHttpNamespace({ Name: 'ha.local' })).OperationId!;
  const nsId = (await b.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
  const svc = (await b.createService({ Name: 'web', NamespaceId: nsId })).Service!.Id!;
  const ids = Array.from({ length: 24 }, (_, i) => `r-${String(i).padStart(2, '0')}`);
  await Promise.all(
    ids.map((id, i) =>
      (i % 2 ? a : b).registerInstance({
        ServiceId: svc,
        InstanceId: id,
        Attributes: { AWS_INSTANCE_IPV4: `10.4.0.${i + 1}` },
      }),
    ),
  );
  for (const client of clients) {
    const found = (await client.discoverInstances({ NamespaceName: 'ha.local', ServiceName: 'web' })).Instances!;
    assert.deepEqual(found.map((i) => i.InstanceId).sort(), ids);
    assert.equal(
      (await client.discoverInstancesRevision({ NamespaceName: 'ha.local', ServiceName: 'web' })).InstancesRevision,
      ids.length,
    );
  }
  await rejectsCreateTwice(a, b);
});

/** The same namespace name created through both replicas at once: exactly one wins. */
async function rejectsCreateTwice(a: ServiceDiscovery, b: ServiceDiscovery): Promise<void> {
  const results = await Promise.allSettled([
    a.createHttpNamespace({ Name: 'race.local' }),
    b.createHttpNamespace({ Name: 'race.local' }),
  ]);
  const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  assert.equal(failed.length, 1, JSON.stringify(results));
  assert.equal((failed[0]!.reason as Error).name, 'NamespaceAlreadyExists');
}

// Cloud Map quotas (ResourceLimitExceeded): namespaces per Region, services per namespace,
// instances per service and per namespace; against a server started with small --quota values.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rejectsWith, sdClient } from './fixtures.js';

let server: RunningServer;
let sd: ServiceDiscovery;

before(async () => {
  server = await startServer({
    args: [
      '--quota',
      'namespacesPerRegion=1',
      '--quota',
      'servicesPerNamespace=2',
      '--quota',
      'instancesPerService=2',
      '--quota',
      'instancesPerNamespace=3',
    ],
  });
  sd = sdClient(server);
});
after(async () => {
  sd?.destroy();
  await server?.stop();
  server?.cleanup();
});

const limited = async (call: Promise<unknown>, quota: RegExp) => {
  const err = await rejectsWith(call, 'ResourceLimitExceeded');
  assert.match(String(err.message), quota);
};

test('namespaces, services per namespace, instances per service and per namespace', async () => {
  const op = await sd.createHttpNamespace({ Name: 'quota.local' });
  const nsId = (await sd.getOperation({ OperationId: op.OperationId! })).Operation!.Targets!.NAMESPACE!;
  await limited(sd.createHttpNamespace({ Name: 'other.local' }), /namespaces per Region/);

  const a = (await sd.createService({ Name: 'a', NamespaceId: nsId })).Service!.Id!;
  const b = (await sd.createService({ Name: 'b', NamespaceId: nsId })).Service!.Id!;
  await limited(sd.createService({ Name: 'c', NamespaceId: nsId }), /services per namespace/);

  const register = (serviceId: string, id: string) =>
    sd.registerInstance({ ServiceId: serviceId, InstanceId: id, Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1' } });
  await register(a, 'i1');
  await register(a, 'i2');
  await limited(register(a, 'i3'), /instances per service/);
  await register(a, 'i2'); // re-registering an instance that exists is an update, not a new one
  await register(b, 'j1');
  await limited(register(b, 'j2'), /instances per namespace/);
  await sd.deregisterInstance({ ServiceId: a, InstanceId: 'i1' });
  await register(b, 'j2');
});

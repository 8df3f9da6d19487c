// Private DNS namespaces through the built-in DNS server: `<service>.<namespace>` answers
// A and SRV records of healthy instances to clients inside the namespace's VPC only.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import { startServer, type RunningServer } from '../helpers/server.js';
import { eventually } from '../helpers/wait.js';
import { createVpc, sdClient } from './fixtures.js';

let server: RunningServer;
let sd: ServiceDiscovery;
let dnsPort: number;

before(async () => {
  server = await startServer({ args: ['--dns-listen', '127.0.0.1:0'] });
  dnsPort = Number(server.ready.dnsPort);
  sd = sdClient(server);
});
after(async () => {
  sd?.destroy();
  await server?.stop();
  server?.cleanup();
});

/** A resolver that asks appmeshd from `localAddress`, so the query comes from inside or outside the VPC. */
function resolverFrom(localAddress: string): Resolver {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${dnsPort}`]);
  r.setLocalAddress(localAddress);
  return r;
}

async function dnsError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as { code: string }).code;
  }
  assert.fail('expected the query to fail');
}

test('A and SRV records of healthy instances, only inside the VPC', async () => {
  const vpc = await createVpc(server, '127.90.0.0/16');
  const op = (await sd.createPrivateDnsNamespace({ Name: 'shop.internal', Vpc: vpc })).OperationId!;
  const nsId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
  const svc = (
    await sd.createService({
      Name: 'cart',
      NamespaceId: nsId,
      HealthCheckCustomConfig: {},
      DnsConfig: {
        DnsRecords: [
          { Type: 'A', TTL: 10 },
          { Type: 'SRV', TTL: 10 },
        ],
      },
    })
  ).Service!;
  await sd.registerInstance({
    ServiceId: svc.Id!,
    InstanceId: 'c1',
    Attributes: { AWS_INSTANCE_IPV4: '10.90.0.1', AWS_INSTANCE_PORT: '8080' },
  });
  await sd.registerInstance({
    ServiceId: svc.Id!,
    InstanceId: 'c2',
    Attributes: { AWS_INSTANCE_IPV4: '10.90.0.2', AWS_INSTANCE_PORT: '8081' },
  });

  const inside = resolverFrom('127.90.0.7');
  await eventually(async () =>
    assert.deepEqual((await inside.resolve4('cart.shop.internal')).sort(), ['10.90.0.1', '10.90.0.2']),
  );
  const srv = (await inside.resolveSrv('cart.shop.internal')).sort((a, b) => a.port - b.port);
  assert.deepEqual(
    srv.map((r) => [r.name, r.port]),
    [
      ['c1.cart.shop.internal', 8080],
      ['c2.cart.shop.internal', 8081],
    ],
  );
  assert.deepEqual(await inside.resolve4('c2.cart.shop.internal'), ['10.90.0.2']);
  assert.equal(await dnsError(inside.resolve4('nothing.shop.internal')), 'ENOTFOUND');

  await sd.updateInstanceCustomHealthStatus({ ServiceId: svc.Id!, InstanceId: 'c1', Status: 'UNHEALTHY' });
  await eventually(async () => assert.deepEqual(await inside.resolve4('cart.shop.internal'), ['10.90.0.2']));
  await sd.deregisterInstance({ ServiceId: svc.Id!, InstanceId: 'c2' });
  await eventually(async () => assert.equal(await dnsError(inside.resolve4('cart.shop.internal')), 'ENODATA'));

  const outside = resolverFrom('127.0.0.1');
  assert.equal(await dnsError(outside.resolve4('cart.shop.internal')), 'EREFUSED');
});

test('records follow namespaces and services created and deleted one by one (the index is updated per change)', async () => {
  const vpc = await createVpc(server, '127.91.0.0/16');
  const inside = resolverFrom('127.91.0.7');
  const op = (await sd.createPrivateDnsNamespace({ Name: 'late.internal', Vpc: vpc })).OperationId!;
  const nsId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
  const dns = { DnsRecords: [{ Type: 'A' as const, TTL: 10 }] };
  const a = (await sd.createService({ Name: 'a', NamespaceId: nsId, DnsConfig: dns })).Service!.Id!;
  await sd.registerInstance({ ServiceId: a, InstanceId: 'a1', Attributes: { AWS_INSTANCE_IPV4: '10.91.0.1' } });
  await eventually(async () => assert.deepEqual(await inside.resolve4('a.late.internal'), ['10.91.0.1']));
  const b = (await sd.createService({ Name: 'b', NamespaceId: nsId, DnsConfig: dns })).Service!.Id!;
  await sd.registerInstance({ ServiceId: b, InstanceId: 'b1', Attributes: { AWS_INSTANCE_IPV4: '10.91.0.2' } });
  await eventually(async () => assert.deepEqual(await inside.resolve4('b.late.internal'), ['10.91.0.2']));
  assert.deepEqual(await inside.resolve4('a.late.internal'), ['10.91.0.1'], 'the other service is untouched');

  await sd.deregisterInstance({ ServiceId: b, InstanceId: 'b1' });
  await sd.deleteService({ Id: b });
  await eventually(async () => assert.equal(await dnsError(inside.resolve4('b.late.internal')), 'ENOTFOUND'));
  assert.deepEqual(await inside.resolve4('a.late.internal'), ['10.91.0.1']);
  await sd.deregisterInstance({ ServiceId: a, InstanceId: 'a1' });
  await sd.deleteService({ Id: a });
  await sd.deleteNamespace({ Id: nsId });
  // The zone is gone: a name outside every zone is refused.
  await eventually(async () => assert.equal(await dnsError(inside.resolve4('a.late.internal')), 'EREFUSED'));
});

// Cloud Map services with many instances through the built-in DNS server over real UDP and
// TCP: all of them to a client that can take them (EDNS(0) or TCP), 8 — Route 53's
// multivalue answer — to a classic 512-byte UDP client, TC only when even 8 cannot fit;
// AAAA records carry IPv6 addresses with an embedded IPv4 part exactly.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import type { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import ipaddr from 'ipaddr.js';
import { dnsQuery, dnsQueryTcp, RecordType } from '../helpers/dns.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { eventually } from '../helpers/wait.js';
import { createVpc, sdClient } from './fixtures.js';

const INSIDE = '127.91.0.7';
let server: RunningServer;
let sd: ServiceDiscovery;
let dnsPort: number;
let nsId: string;

before(async () => {
  server = await startServer({ args: ['--dns-listen', '127.0.0.1:0'] });
  dnsPort = Number(server.ready.dnsPort);
  sd = sdClient(server);
  const vpc = await createVpc(server, '127.91.0.0/16');
  const op = (await sd.createPrivateDnsNamespace({ Name: 'fleet.internal', Vpc: vpc })).OperationId!;
  nsId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
});
after(async () => {
  sd?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function serviceWith(
  name: string,
  types: ('A' | 'AAAA' | 'SRV')[],
  count: number,
  attributes: (i: number) => Record<string, string>,
): Promise<string> {
  const svc = (
    await sd.createService({
      Name: name,
      NamespaceId: nsId,
      HealthCheckCustomConfig: {},
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: types.map((Type) => ({ Type, TTL: 10 })) },
    })
  ).Service!;
  for (let i = 1; i <= count; i++)
    await sd.registerInstance({ ServiceId: svc.Id!, InstanceId: `i${i}`, Attributes: attributes(i) });
  return `${name}.fleet.internal`;
}

const addresses = (r: { answers: { type: string }[] }) =>
  r.answers.map((a) => ('address' in a ? String(a.address) : ''));

test('Cloud Map 18+ instances over UDP (was: TC and zero records): 20 with EDNS(0), 8 without, 20 over TCP', async () => {
  const name = await serviceWith('web', ['A'], 20, (i) => ({ AWS_INSTANCE_IPV4: `10.91.0.${i}` }));
  const all = Array.from({ length: 20 }, (_, i) => `10.91.0.${i + 1}`).sort();
  await eventually(async () =>
    assert.equal((await dnsQueryTcp(dnsPort, name, RecordType.A, INSIDE)).answers.length, 20),
  );

  const edns = await dnsQuery(dnsPort, name, RecordType.A, { source: INSIDE, edns: 4096 });
  assert.deepEqual([edns.rcode, edns.truncated], [0, false]);
  assert.deepEqual(addresses(edns).sort(), all);
  assert.ok(edns.opt, 'an EDNS query gets an OPT record back');
  assert.ok(edns.size <= 512, `compressed, 20 A records take ${edns.size} bytes`);

  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const classic = await dnsQuery(dnsPort, name, RecordType.A, INSIDE);
    assert.deepEqual([classic.rcode, classic.truncated, classic.answers.length, classic.opt], [0, false, 8, undefined]);
    assert.equal(new Set(addresses(classic)).size, 8);
    for (const a of addresses(classic)) seen.add(a);
  }
  assert.ok(seen.size > 8, 'successive answers rotate through the instances');

  const tcp = await dnsQueryTcp(dnsPort, name, RecordType.A, INSIDE);
  assert.deepEqual(addresses(tcp).sort(), all);

  // A real stub resolver (c-ares) gets a usable answer.
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
  resolver.setLocalAddress(INSIDE);
  const resolved = await resolver.resolve4(name);
  assert.ok(resolved.length >= 8 && resolved.every((a) => all.includes(a)), JSON.stringify(resolved));
});

test('TC only when the truncated answer cannot fit: 20 SRV records to a 512-byte EDNS client get 8, no TC', async () => {
  const name = await serviceWith('api', ['A', 'SRV'], 20, (i) => ({
    AWS_INSTANCE_IPV4: `10.92.0.${i}`,
    AWS_INSTANCE_PORT: String(8000 + i),
  }));
  await eventually(async () =>
    assert.equal((await dnsQueryTcp(dnsPort, name, RecordType.SRV, INSIDE)).answers.length, 20),
  );
  const small = await dnsQuery(dnsPort, name, RecordType.SRV, { source: INSIDE, edns: 512 });
  assert.deepEqual([small.truncated, small.answers.length], [false, 8]);
  const large = await dnsQuery(dnsPort, name, RecordType.SRV, { source: INSIDE, edns: 4096 });
  assert.deepEqual([large.truncated, large.answers.length], [false, 20]);
});

test('embedded-IPv4 AAAA: ::ffff:10.1.0.1 is served as ::ffff:10.1.0.1 (was ::ffff:10)', async () => {
  const v6 = (i: number) => (i % 2 ? `::ffff:10.1.0.${i}` : `64:ff9b::10.1.0.${i}`);
  const name = await serviceWith('dual', ['AAAA'], 4, (i) => ({ AWS_INSTANCE_IPV6: v6(i) }));
  await eventually(async () =>
    assert.equal((await dnsQuery(dnsPort, name, RecordType.AAAA, INSIDE)).answers.length, 4),
  );
  const reply = await dnsQuery(dnsPort, name, RecordType.AAAA, INSIDE);
  const got = addresses(reply)
    .map((a) => ipaddr.parse(a).toNormalizedString())
    .sort();
  const want = [1, 2, 3, 4].map((i) => ipaddr.parse(v6(i)).toNormalizedString()).sort();
  assert.deepEqual(got, want);
  assert.ok(got.includes('0:0:0:0:0:ffff:a01:1'));
});

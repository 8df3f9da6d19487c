// Pure parts of the endpoint runtime: the security-group decision, the DNS codec and
// answer rules, and certificates from the CA.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NetworkInterfaceSpec, SecurityGroupSpec, VpcEndpointSpec } from '../../src/ec2/records.js';
import { CertificateAuthority } from '../../src/endpoints/ca/authority.js';
import { answer } from '../../src/endpoints/dns/answer.js';
import { encodeForTransport } from '../../src/endpoints/dns/fit.js';
import { decodeQuery, Rcode } from '../../src/endpoints/dns/message.js';
import type { DnsRecordSource } from '../../src/endpoints/dns/record-source.js';
import { admittingRule } from '../../src/endpoints/security-groups.js';
import type { Ec2Snapshot } from '../../src/endpoints/view.js';
import { decodeAnswer, encodeQuery, RecordType } from '../helpers/dns.js';

function snapshot(groups: SecurityGroupSpec[], interfaces: Partial<NetworkInterfaceSpec>[] = []): Ec2Snapshot {
  return {
    vpcs: new Map(),
    subnets: new Map(),
    endpoints: new Map(),
    groups: new Map(groups.map((g) => [g.groupId, g])),
    interfaces: new Map(interfaces.map((i, n) => [`eni-${n}`, i as NetworkInterfaceSpec])),
  };
}
const group = (groupId: string, ingress: SecurityGroupSpec['ingress']): SecurityGroupSpec => ({
  groupId,
  groupName: groupId,
  description: '',
  vpcId: 'vpc-1',
  ingress,
  egress: [],
});
const endpoint = { securityGroupIds: ['sg-a', 'sg-b'] } as VpcEndpointSpec;

test('security groups: CIDR and port range, all-traffic rules, group references, no rule', () => {
  const s = snapshot(
    [
      group('sg-a', [{ ruleId: 'r-cidr', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.1.0/24' }]),
      group('sg-b', [
        { ruleId: 'r-udp', ipProtocol: 'udp', fromPort: 0, toPort: 65535, cidrIpv4: '0.0.0.0/0' },
        { ruleId: 'r-ref', ipProtocol: 'tcp', fromPort: 400, toPort: 500, referencedGroupId: 'sg-clients' },
      ]),
    ],
    [{ privateIpAddress: '10.0.9.9', groups: ['sg-clients'] }],
  );
  assert.equal(admittingRule(s, endpoint, '10.0.1.7', 443), 'r-cidr');
  assert.equal(admittingRule(s, endpoint, '::ffff:10.0.1.7', 443), 'r-cidr');
  assert.equal(admittingRule(s, endpoint, '10.0.1.7', 8443), undefined, 'port outside the rule');
  assert.equal(admittingRule(s, endpoint, '10.0.2.7', 443), undefined, 'udp rules do not admit TCP');
  assert.equal(admittingRule(s, endpoint, '10.0.9.9', 443), 'r-ref', 'source carries the referenced group');
  assert.equal(admittingRule(s, endpoint, '10.0.9.8', 443), undefined);
  const all = snapshot([
    group('sg-a', [{ ruleId: 'r-all', ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '10.0.0.0/16' }]),
  ]);
  assert.equal(admittingRule(all, endpoint, '10.0.200.1', 12345), 'r-all');
  assert.equal(admittingRule(snapshot([]), endpoint, '10.0.1.7', 443), undefined, 'missing groups admit nothing');
  // Interfaces are IPv4: IPv6 ranges and prefix lists are kept in the group but admit nothing.
  const v6 = snapshot([
    group('sg-a', [
      { ruleId: 'r-v6', ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv6: '::/0' },
      { ruleId: 'r-pl', ipProtocol: '-1', fromPort: -1, toPort: -1, prefixListId: 'pl-63a5400a' },
    ]),
  ]);
  assert.equal(admittingRule(v6, endpoint, '10.0.1.7', 443), undefined);
  assert.equal(admittingRule(v6, endpoint, '::ffff:10.0.1.7', 443), undefined);
});

const source: DnsRecordSource = {
  zones: () => ['example.internal'],
  lookup: (name) =>
    name === 'svc.example.internal'
      ? {
          records: [
            { type: 'A', name, ttl: 5, address: '10.0.0.5' },
            { type: 'SRV', name, ttl: 5, priority: 1, weight: 1, port: 8080, target: 'host.example.internal' },
          ],
        }
      : name === 'secret.example.internal'
        ? 'refused'
        : 'nxdomain',
};
const ask = (name: string, type: (typeof RecordType)[keyof typeof RecordType]) =>
  decodeAnswer(
    encodeForTransport(answer(decodeQuery(encodeQuery(name, type, { id: 9 })), '10.0.0.1', [source]), { udp: true }),
  );

test('DNS answers: records by type, NODATA, NXDOMAIN, REFUSED, zone apex SOA, NOTIMP, truncation', () => {
  const a = ask('SVC.example.internal.', RecordType.A);
  assert.deepEqual(
    [a.id, a.rcode, a.authoritative, a.answers],
    [9, Rcode.NOERROR, true, [{ type: 'A', name: 'svc.example.internal', ttl: 5, address: '10.0.0.5' }]],
  );
  assert.deepEqual(ask('svc.example.internal', RecordType.SRV).answers[0], {
    type: 'SRV',
    name: 'svc.example.internal',
    ttl: 5,
    priority: 1,
    weight: 1,
    port: 8080,
    target: 'host.example.internal',
  });
  assert.equal(ask('svc.example.internal', RecordType.ANY).answers.length, 2);
  const nodata = ask('svc.example.internal', RecordType.AAAA);
  assert.deepEqual([nodata.rcode, nodata.answers.length, nodata.authority[0]?.type], [Rcode.NOERROR, 0, 'SOA']);
  assert.equal(ask('nope.example.internal', RecordType.A).rcode, Rcode.NXDOMAIN);
  assert.equal(ask('secret.example.internal', RecordType.A).rcode, Rcode.REFUSED);
  assert.equal(ask('example.com', RecordType.A).rcode, Rcode.REFUSED);
  assert.equal(ask('example.internal', RecordType.SOA).answers[0]?.type, 'SOA');
  const query = encodeQuery('svc.example.internal', RecordType.A, { id: 3 });
  query.writeUInt16BE(0x2100, 2); // opcode 4 (NOTIFY)
  assert.equal(answer(decodeQuery(query), '10.0.0.1', [source]).rcode, Rcode.NOTIMP);
  const many = answer(decodeQuery(encodeQuery('svc.example.internal', RecordType.A, { id: 4 })), '10.0.0.1', [
    {
      zones: () => ['example.internal'],
      lookup: (name) => ({
        records: Array.from({ length: 60 }, (_, i) => ({ type: 'A' as const, name, ttl: 5, address: `10.0.1.${i}` })),
      }),
    },
  ]);
  const classic = decodeAnswer(encodeForTransport(many, { udp: true }));
  assert.deepEqual([classic.truncated, classic.answers.length], [false, 8], 'without EDNS: 8 records, no TC');
  const edns = decodeAnswer(encodeForTransport(many, { udp: true, edns: { udpPayloadSize: 4096, version: 0 } }));
  assert.deepEqual([edns.truncated, edns.answers.length], [false, 60]);
  assert.throws(() => decodeQuery(Buffer.from([1, 2, 3])));
});

test('the CA persists, and issues leaf certificates it verifies for names and addresses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-ca-'));
  try {
    const ca = CertificateAuthority.open(dir);
    assert.equal(CertificateAuthority.open(dir).certPem, ca.certPem);
    const issued = ca.issueServerCertificate('n', ['a.example.com', 'b.example.com'], ['127.1.2.3', '::1']);
    const leaf = new X509Certificate(issued.certChainPem);
    assert.ok(leaf.verify(ca.certificate.publicKey));
    assert.equal(leaf.ca, false);
    assert.equal(leaf.checkHost('b.example.com'), 'b.example.com');
    assert.equal(leaf.checkHost('c.example.com'), undefined);
    assert.equal(leaf.checkIP('127.1.2.3'), '127.1.2.3');
    assert.equal(leaf.checkIP('::1'), '::1');
    assert.equal(ca.certificate.ca, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

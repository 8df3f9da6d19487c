// The one IP address helper: bytes for AAAA records and certificate SANs, ranges for IAM
// IpAddress / NotIpAddress conditions, with IPv6 and embedded IPv4 forms.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inCidr } from '../../src/auth/policy/conditions.js';
import { CertificateAuthority } from '../../src/endpoints/ca/authority.js';
import { ipInRange, ipToBytes } from '../../src/net/ip-address.js';

test('address bytes: IPv4, IPv6, embedded IPv4 tails; malformed and zoned text refused', () => {
  assert.deepEqual([...ipToBytes('10.1.0.1')!], [10, 1, 0, 1]);
  assert.deepEqual([...ipToBytes('::ffff:10.1.0.1')!], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 0, 1]);
  assert.deepEqual([...ipToBytes('64:ff9b::192.0.2.1')!], [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1]);
  assert.deepEqual([...ipToBytes('2001:db8::1')!].slice(0, 4), [0x20, 0x01, 0x0d, 0xb8]);
  for (const bad of ['10.1', '0x0a.0.0.1', '1.2.3.4.5', 'fe80::1%eth0', '1::2::3', ''])
    assert.equal(ipToBytes(bad), undefined, bad);
});

test('SAN encoding: certificates name embedded-IPv4 and IPv6 addresses exactly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-san-'));
  try {
    const ca = CertificateAuthority.open(dir);
    const issued = ca.issueServerCertificate(
      'n',
      ['a.example.com'],
      ['10.1.0.1', '::ffff:10.1.0.2', '2001:db8::10.1.0.3'],
    );
    const leaf = new X509Certificate(issued.certChainPem);
    assert.match(leaf.subjectAltName ?? '', /IP Address:10\.1\.0\.1/);
    assert.equal(leaf.checkIP('2001:db8::a01:3'), '2001:db8::a01:3');
    assert.equal(leaf.checkIP('::ffff:a01:2'), '::ffff:a01:2');
    assert.equal(leaf.checkIP('::ffff:10.0.0.0'), undefined);
    assert.throws(() => ca.issueServerCertificate('n', ['a'], ['not-an-ip']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('policy IpAddress with IPv6 and embedded-IPv4 CIDRs', () => {
  const rows: [ip: string, range: string, holds: boolean][] = [
    ['10.1.2.3', '10.1.0.0/16', true],
    ['10.2.0.1', '10.1.0.0/16', false],
    ['::ffff:10.1.2.3', '10.1.0.0/16', true], // an IPv4 client seen through a dual-stack socket
    ['10.1.2.3', '::ffff:10.1.0.0/112', true], // a mapped range is the IPv4 range it carries
    ['10.2.2.3', '::ffff:10.1.0.0/112', false],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['2001:db8::10.1.0.1', '2001:db8::a01:0/120', true],
    ['2001:db8::10.1.1.1', '2001:db8::a01:0/120', false],
    ['10.1.2.3', '2001:db8::/32', false],
    ['2001:db8::1', '0.0.0.0/0', false],
    ['203.0.113.9', '203.0.113.9', true], // a bare address is one host
    ['203.0.113.9', '203.0.113.9/33', false],
    ['garbage', '0.0.0.0/0', false],
  ];
  for (const [ip, range, holds] of rows) {
    assert.equal(ipInRange(ip, range), holds, `${ip} in ${range}`);
    assert.equal(inCidr(ip, range), holds, `policy: ${ip} in ${range}`);
  }
});

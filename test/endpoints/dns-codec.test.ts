// appmeshd's own DNS bits next to dns-packet: owner-name compression must decode (by
// dns-packet) to exactly the message dns-packet wrote uncompressed; the query shape checks
// refuse before any name is read; AAAA records with an embedded IPv4 part encode exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as packet from 'dns-packet';
import { compressOwnerNames } from '../../src/endpoints/dns/compress.js';
import { decodeQuery, DnsFormatError, encodeResponse } from '../../src/endpoints/dns/message.js';

const zone = 'shop.internal';

const shapes: { title: string; message: packet.Packet }[] = [
  { title: 'empty', message: { type: 'response', id: 1, questions: [], answers: [] } },
  {
    title: '20 A records of one name',
    message: {
      type: 'response',
      id: 2,
      flags: packet.AUTHORITATIVE_ANSWER,
      questions: [{ type: 'A', name: `cart.${zone}` }],
      answers: Array.from({ length: 20 }, (_, i) => ({
        type: 'A' as const,
        name: `cart.${zone}`,
        ttl: 10,
        data: `10.0.0.${i}`,
      })),
    },
  },
  {
    title: 'SRV, CNAME, SOA, AAAA and OPT with shared suffixes and mixed case',
    message: {
      type: 'response',
      id: 3,
      questions: [{ type: 'ANY' as packet.RecordType, name: `Cart.${zone}` }],
      answers: [
        {
          type: 'SRV',
          name: `Cart.${zone}`,
          ttl: 5,
          data: { priority: 1, weight: 1, port: 8080, target: `c1.cart.${zone}` },
        },
        { type: 'CNAME', name: `alias.${zone}`, ttl: 5, data: `cart.${zone}` },
        { type: 'AAAA', name: `c1.cart.${zone}`, ttl: 5, data: '::ffff:a01:1' },
        { type: 'A', name: `c1.cart.${zone}`, ttl: 5, data: '10.1.0.1' },
      ],
      authorities: [
        {
          type: 'SOA',
          name: zone,
          ttl: 30,
          data: {
            mname: `ns.${zone}`,
            rname: `hostmaster.${zone}`,
            serial: 1,
            refresh: 300,
            retry: 60,
            expire: 86400,
            minimum: 30,
          },
        },
      ],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 4096,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    },
  },
  {
    title: 'names longer than the pointer range still encode',
    message: {
      type: 'response',
      id: 4,
      questions: [{ type: 'A', name: `x.${zone}` }],
      answers: Array.from({ length: 400 }, (_, i) => ({
        type: 'A' as const,
        name: `host-${i}-${'p'.repeat(40)}.${zone}`,
        ttl: 1,
        data: '10.0.0.1',
      })),
    },
  },
];

test('differential: compressed owner names decode to exactly what dns-packet wrote uncompressed', () => {
  for (const { title, message } of shapes) {
    const plain = packet.encode(message);
    const compressed = compressOwnerNames(plain);
    assert.deepEqual(packet.decode(compressed), packet.decode(plain), title);
    assert.ok(compressed.length <= plain.length, title);
  }
  const twenty = packet.encode(shapes[1]!.message);
  assert.ok(compressOwnerNames(twenty).length < twenty.length * 0.6, 'owner names become two-byte pointers');
});

test('encodeResponse on dns-packet: embedded-IPv4 AAAA bytes, extended RCODE in OPT', () => {
  const wire = encodeResponse({
    id: 7,
    opcode: 0,
    rcode: 0,
    authoritative: true,
    recursionDesired: false,
    question: { name: 'n.internal', type: 'AAAA', class: 'IN' },
    answers: [
      { type: 'AAAA', name: 'n.internal', ttl: 5, address: '::ffff:10.1.0.1' },
      { type: 'AAAA', name: 'n.internal', ttl: 5, address: '2001:db8::192.0.2.33' },
    ],
    authority: [],
  });
  const rdata = [...wire.subarray(wire.length - 16)];
  assert.deepEqual(rdata, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33]);
  const first = packet.decode(wire).answers![0] as packet.StringAnswer;
  assert.equal(first.data, '::ffff:a01:1');
  assert.throws(() =>
    encodeResponse({
      id: 1,
      opcode: 0,
      rcode: 0,
      authoritative: true,
      recursionDesired: false,
      answers: [{ type: 'A', name: 'n', ttl: 1, address: '::1' }],
      authority: [],
    }),
  );
  const badvers = packet.decode(
    encodeResponse({
      id: 8,
      opcode: 0,
      rcode: 16,
      authoritative: false,
      recursionDesired: false,
      answers: [],
      authority: [],
      edns: true,
    }),
  );
  assert.equal((badvers.additionals![0] as packet.OptAnswer).extendedRcode, 1);
});

test('query shape: QR set, stray sections, long names and labels, EDNS size', () => {
  const query = (extra: Partial<packet.Packet> = {}) =>
    packet.encode({ type: 'query', id: 9, questions: [{ type: 'A', name: 'a.internal' }], ...extra });
  const response = packet.encode({ type: 'response', id: 9, questions: [{ type: 'A', name: 'a.internal' }] });
  assert.throws(
    () => decodeQuery(response),
    (e: unknown) => e instanceof DnsFormatError && e.id === undefined,
    'responses are dropped',
  );
  assert.throws(
    () => decodeQuery(query({ answers: [{ type: 'A', name: 'a.internal', data: '10.0.0.1' }] })),
    (e: unknown) => e instanceof DnsFormatError && e.id === 9,
  );
  const withOpt = decodeQuery(
    query({
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 100,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    }),
  );
  assert.deepEqual(withOpt.edns, { udpPayloadSize: 512, version: 0 }, 'sizes under 512 count as 512');
  // A chain of compression pointers (each to the one before) is read once, not once per question.
  const header = Buffer.from([0, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const chain = Buffer.concat([
    header,
    Buffer.from([1, 0x61, 0]),
    ...Array.from({ length: 3000 }, (_, i) => {
      const at = 12 + (i === 0 ? 0 : 3 + (i - 1) * 2);
      return Buffer.from([0xc0 | (at >> 8), at & 0xff]);
    }),
  ]);
  chain.writeUInt16BE(60000, 4);
  assert.throws(
    () => decodeQuery(chain),
    (e: unknown) => e instanceof DnsFormatError && e.id === 10,
    'qdcount must be 1',
  );
});

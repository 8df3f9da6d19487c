// A DNS client for tests on dns-packet alone (not appmeshd's codec): queries over real UDP
// and TCP sockets from a chosen source address, answers read back into plain records.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as packet from 'dns-packet';
import type { ResourceRecord } from '../../src/endpoints/dns/message.js';

export const RecordType = { A: 'A', AAAA: 'AAAA', CNAME: 'CNAME', SRV: 'SRV', SOA: 'SOA', ANY: 'ANY' } as const;
type QueryType = (typeof RecordType)[keyof typeof RecordType];

export interface DnsAnswer {
  id: number;
  rcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionAvailable: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** The server's OPT record, when it sent one. */
  opt?: packet.OptAnswer;
  size: number;
}

export interface QueryOptions {
  source?: string;
  /** Adds an OPT record advertising this UDP payload size. */
  edns?: number;
  id?: number;
  recursionDesired?: boolean;
}

export function encodeQuery(name: string, type: QueryType, opts: QueryOptions = {}): Buffer {
  return packet.encode({
    type: 'query',
    id: opts.id ?? 0x1234,
    flags: opts.recursionDesired === false ? 0 : packet.RECURSION_DESIRED,
    questions: [{ type: type as packet.RecordType, name, class: 'IN' }],
    additionals: opts.edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: opts.edns,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  });
}

function toRecord(a: packet.Answer): ResourceRecord[] {
  const ttl = 'ttl' in a ? (a.ttl ?? 0) : 0;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return [{ type: a.type, name: a.name, ttl, address: a.data }];
    case 'CNAME':
      return [{ type: 'CNAME', name: a.name, ttl, target: a.data }];
    case 'SRV':
      return [
        {
          type: 'SRV',
          name: a.name,
          ttl,
          priority: a.data.priority ?? 0,
          weight: a.data.weight ?? 0,
          port: a.data.port,
          target: a.data.target,
        },
      ];
    case 'SOA': {
      const d = a.data;
      return [
        {
          type: 'SOA',
          name: a.name,
          ttl,
          mname: d.mname,
          rname: d.rname,
          serial: d.serial ?? 0,
          refresh: d.refresh ?? 0,
          retry: d.retry ?? 0,
          expire: d.expire ?? 0,
          minimum: d.minimum ?? 0,
        },
      ];
    }
    default:
      return [];
  }
}

export function decodeAnswer(buf: Buffer): DnsAnswer {
  const p = packet.decode(buf);
  const opt = (p.additionals ?? []).find((a): a is packet.OptAnswer => a.type === 'OPT');
  return {
    id: p.id ?? 0,
    rcode: (buf.readUInt16BE(2) & 0xf) | ((opt?.extendedRcode ?? 0) << 4),
    authoritative: p.flag_aa,
    truncated: p.flag_tc,
    recursionAvailable: p.flag_ra,
    answers: (p.answers ?? []).flatMap(toRecord),
    authority: (p.authorities ?? []).flatMap(toRecord),
    ...(opt ? { opt } : {}),
    size: buf.length,
  };
}

/** Sends raw bytes over UDP and resolves with the raw reply (or undefined after `waitMs`). */
export function udpExchange(
  port: number,
  message: Buffer,
  source = '127.0.0.1',
  waitMs = 5000,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, waitMs);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.bind(0, source, () => socket.send(message, port, '127.0.0.1'));
  });
}

/** One UDP query to the server's DNS port, sent from `source` (an address in 127/8). */
export async function dnsQuery(
  port: number,
  name: string,
  type: QueryType,
  source: string | QueryOptions = {},
): Promise<DnsAnswer> {
  const opts = typeof source === 'string' ? { source } : source;
  const reply = await udpExchange(port, encodeQuery(name, type, opts), opts.source);
  if (!reply) throw new Error(`no DNS answer for ${name}`);
  return decodeAnswer(reply);
}

/** The same over TCP (two-byte length prefix). */
export function dnsQueryTcp(
  port: number,
  name: string,
  type: QueryType,
  source: string | QueryOptions = {},
): Promise<DnsAnswer> {
  const opts = typeof source === 'string' ? { source } : source;
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: opts.source ?? '127.0.0.1' });
    const query = encodeQuery(name, type, opts);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length);
    let data = Buffer.alloc(0);
    socket.on('connect', () => socket.write(Buffer.concat([prefix, query])));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.end();
        resolve(decodeAnswer(data.subarray(2, 2 + data.readUInt16BE(0))));
      }
    });
    socket.on('error', reject);
  });
}

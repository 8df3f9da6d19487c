// DNS wire format (RFC 1035) for an authoritative server: reading queries and writing
// responses with A, AAAA, SRV, CNAME and SOA records. Names in responses are written
// uncompressed; answers are small.
import { isIP } from 'node:net';

export const RecordType = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const CLASS_IN = 1;

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  questions: Question[];
}

export type ResourceRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; address: string }
  | { type: 'CNAME'; name: string; ttl: number; target: string }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | { type: 'SOA'; name: string; ttl: number; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };

export class DnsFormatError extends Error {
  constructor(message: string, readonly id?: number) {
    super(message);
  }
}

function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end = -1;
  for (let jumps = 0; ; ) {
    const len = buf[offset];
    if (len === undefined) throw new DnsFormatError('name runs past the message');
    if (len === 0) { offset++; break; }
    if ((len & 0xc0) === 0xc0) {
      if (++jumps > 16) throw new DnsFormatError('compression loop');
      const next = buf[offset + 1];
      if (next === undefined) throw new DnsFormatError('truncated pointer');
      if (end < 0) end = offset + 2;
      offset = ((len & 0x3f) << 8) | next;
      continue;
    }
    if (len > 63 || offset + 1 + len > buf.length) throw new DnsFormatError('bad label');
    labels.push(buf.toString('latin1', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  return { name: labels.join('.'), end: end < 0 ? offset : end };
}

export function decodeQuery(buf: Buffer): Query {
  if (buf.length < 12) throw new DnsFormatError('message shorter than a header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) throw new DnsFormatError('not a query', id);
  const qdcount = buf.readUInt16BE(4);
  const questions: Question[] = [];
  let offset = 12;
  try {
    for (let i = 0; i < qdcount; i++) {
      const { name, end } = readName(buf, offset);
      if (end + 4 > buf.length) throw new DnsFormatError('truncated question');
      questions.push({ name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) });
      offset = end + 4;
    }
  } catch (err) {
    throw new DnsFormatError((err as Error).message, id);
  }
  return { id, opcode: (flags >> 11) & 0xf, recursionDesired: Boolean(flags & 0x0100), questions };
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => { const b = Buffer.from(p, 'latin1'); return Buffer.concat([Buffer.from([b.length]), b]); }), Buffer.from([0])]);
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 255]; }));
}

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

function encodeRecord(rr: ResourceRecord): Buffer {
  let type: number;
  let data: Buffer;
  switch (rr.type) {
    case 'A': case 'AAAA': type = RecordType[rr.type]; data = ipBytes(rr.address); break;
    case 'CNAME': type = RecordType.CNAME; data = encodeName(rr.target); break;
    case 'SRV': type = RecordType.SRV; data = Buffer.concat([u16(rr.priority), u16(rr.weight), u16(rr.port), encodeName(rr.target)]); break;
    case 'SOA':
      type = RecordType.SOA;
      data = Buffer.concat([encodeName(rr.mname), encodeName(rr.rname), u32(rr.serial), u32(rr.refresh), u32(rr.retry), u32(rr.expire), u32(rr.minimum)]);
      break;
  }
  return Buffer.concat([encodeName(rr.name), u16(type), u16(CLASS_IN), u32(rr.ttl), u16(data.length), data]);
}

export interface Response {
  id: number;
  opcode: number;
  rcode: number;
  authoritative: boolean;
  recursionDesired: boolean;
  question?: Question;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
}

/** Encodes a response; over `maxSize` the records are dropped and TC is set (the client retries over TCP). */
export function encodeResponse(res: Response, maxSize = 65535): Buffer {
  const question = res.question ? Buffer.concat([encodeName(res.question.name), u16(res.question.type), u16(res.question.class)]) : Buffer.alloc(0);
  const build = (answers: ResourceRecord[], authority: ResourceRecord[], truncated: boolean) => {
    const header = Buffer.alloc(12);
    header.writeUInt16BE(res.id, 0);
    const flags = 0x8000 | (res.opcode << 11) | (res.authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0)
      | (res.recursionDesired ? 0x0100 : 0) | res.rcode;
    header.writeUInt16BE(flags, 2);
    header.writeUInt16BE(res.question ? 1 : 0, 4);
    header.writeUInt16BE(answers.length, 6);
    header.writeUInt16BE(authority.length, 8);
    return Buffer.concat([header, question, ...answers.map(encodeRecord), ...authority.map(encodeRecord)]);
  };
  const full = build(res.answers, res.authority, false);
  return full.length <= maxSize ? full : build([], [], true);
}

/** Reads the records of a response (used by tests and diagnostics). */
export function decodeResponse(buf: Buffer): { id: number; rcode: number; authoritative: boolean; truncated: boolean; answers: ResourceRecord[]; authority: ResourceRecord[] } {
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  let offset = 12;
  for (let i = 0; i < buf.readUInt16BE(4); i++) offset = readName(buf, offset).end + 4;
  const read = (count: number) => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const { name, end } = readName(buf, offset);
      const type = buf.readUInt16BE(end);
      const ttl = buf.readUInt32BE(end + 4);
      const len = buf.readUInt16BE(end + 8);
      const data = end + 10;
      if (type === RecordType.A) out.push({ type: 'A', name, ttl, address: [...buf.subarray(data, data + 4)].join('.') });
      else if (type === RecordType.AAAA) out.push({ type: 'AAAA', name, ttl, address: (buf.subarray(data, data + 16).toString('hex').match(/.{4}/g) ?? []).join(':') });
      else if (type === RecordType.CNAME) out.push({ type: 'CNAME', name, ttl, target: readName(buf, data).name });
      else if (type === RecordType.SRV) {
        out.push({ type: 'SRV', name, ttl, priority: buf.readUInt16BE(data), weight: buf.readUInt16BE(data + 2), port: buf.readUInt16BE(data + 4), target: readName(buf, data + 6).name });
      } else if (type === RecordType.SOA) {
        const m = readName(buf, data);
        const r = readName(buf, m.end);
        const at = r.end;
        out.push({ type: 'SOA', name, ttl, mname: m.name, rname: r.name, serial: buf.readUInt32BE(at), refresh: buf.readUInt32BE(at + 4), retry: buf.readUInt32BE(at + 8), expire: buf.readUInt32BE(at + 12), minimum: buf.readUInt32BE(at + 16) });
      }
      offset = data + len;
    }
    return out;
  };
  const answers = read(buf.readUInt16BE(6));
  const authority = read(buf.readUInt16BE(8));
  return { id, rcode: flags & 0xf, authoritative: Boolean(flags & 0x0400), truncated: Boolean(flags & 0x0200), answers, authority };
}

/** Encodes a query (used by tests and diagnostics). */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, encodeName(name), u16(type), u16(CLASS_IN)]);
}

// DNS messages of an authoritative server, on the `dns-packet` codec: reading queries
// (with their EDNS(0) OPT record) and writing responses with A, AAAA, SRV, CNAME and SOA
// records. What dns-packet does not do — refusing what an authoritative server must not
// parse, and owner-name compression — is in `query-limits.ts` and `compress.ts`.
import * as packet from 'dns-packet';
import { parseIp } from '../../net/ip-address.js';
import { errorMessage } from '../../runtime/guards.js';
import { compressOwnerNames } from './compress.js';
import { checkQueryShape, DnsFormatError } from './query-limits.js';

export { DnsFormatError };

/** Question types by their dns-packet name ('UNKNOWN_<n>' for types it has no name for). */
export const RecordType = {
  A: 'A',
  NS: 'NS',
  CNAME: 'CNAME',
  SOA: 'SOA',
  AAAA: 'AAAA',
  SRV: 'SRV',
  ANY: 'ANY',
} as const;
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

/** The UDP payload size appmeshd advertises in its own OPT record. */
export const SERVER_UDP_PAYLOAD = 4096;

export interface Question {
  name: string;
  type: string;
  class: string;
}

export interface Edns {
  /** The UDP payload size the client can receive (RFC 6891 §6.2.3; below 512 counts as 512). */
  udpPayloadSize: number;
  version: number;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  questions: Question[];
  /** Present when the query carried an OPT record. */
  edns?: Edns;
}

export type ResourceRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; address: string }
  | { type: 'CNAME'; name: string; ttl: number; target: string }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | {
      type: 'SOA';
      name: string;
      ttl: number;
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    };

export interface Response {
  id: number;
  opcode: number;
  rcode: number;
  authoritative: boolean;
  recursionDesired: boolean;
  question?: Question;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** Whether to include appmeshd's OPT record (the query had one). */
  edns?: boolean;
  truncated?: boolean;
}

/** Printable ASCII only: no zone of appmeshd has other names, and echoing them back must re-encode the same bytes. */
const PRINTABLE_NAME = /^[\x21-\x7e]*$/;

export function decodeQuery(buf: Buffer): Query {
  const header = checkQueryShape(buf);
  // Other opcodes (NOTIFY, UPDATE, …) are answered NOTIMP without reading their sections.
  if (header.opcode !== 0)
    return { id: header.id, opcode: header.opcode, recursionDesired: Boolean(buf[2]! & 0x01), questions: [] };
  let decoded: packet.DecodedPacket;
  try {
    decoded = packet.decode(buf);
  } catch (err) {
    throw new DnsFormatError(errorMessage(err) ?? String(err), header.id);
  }
  const questions: Question[] = (decoded.questions ?? []).map((q) => ({
    name: q.name,
    type: q.type,
    class: q.class ?? 'IN',
  }));
  for (const q of questions)
    if (!PRINTABLE_NAME.test(q.name)) throw new DnsFormatError('name is not printable ASCII', header.id);
  const opts = (decoded.additionals ?? []).filter((a): a is packet.OptAnswer => a.type === 'OPT');
  if (opts.length > 1) throw new DnsFormatError('more than one OPT record', header.id);
  const opt = opts[0];
  return {
    id: header.id,
    opcode: header.opcode,
    recursionDesired: decoded.flag_rd,
    questions,
    ...(opt ? { edns: { udpPayloadSize: Math.max(512, opt.udpPayloadSize), version: opt.ednsVersion } } : {}),
  };
}

function toAnswer(rr: ResourceRecord): packet.Answer {
  const base = { name: rr.name, ttl: rr.ttl, class: 'IN' as const };
  switch (rr.type) {
    case 'A':
    case 'AAAA': {
      const address = parseIp(rr.address);
      if (!address || (address.kind() === 'ipv4') !== (rr.type === 'A'))
        throw new Error(`${rr.type} record ${rr.name}: ${rr.address} is not an address of its family`);
      // The eight-group form: the codec reads it exactly, whatever form (embedded IPv4, ::) the source used.
      return { ...base, type: rr.type, data: address.toNormalizedString() };
    }
    case 'CNAME':
      return { ...base, type: 'CNAME', data: rr.target };
    case 'SRV':
      return {
        ...base,
        type: 'SRV',
        data: { priority: rr.priority, weight: rr.weight, port: rr.port, target: rr.target },
      };
    case 'SOA': {
      const { mname, rname, serial, refresh, retry, expire, minimum } = rr;
      return { ...base, type: 'SOA', data: { mname, rname, serial, refresh, retry, expire, minimum } };
    }
  }
}

/** The response as dns-packet writes it, owner names compressed. */
export function encodeResponse(res: Response): Buffer {
  // Extended RCODEs (BADVERS) keep their low four bits in the header and the rest in OPT.
  const flags =
    (res.opcode << 11) |
    (res.authoritative ? packet.AUTHORITATIVE_ANSWER : 0) |
    (res.truncated ? packet.TRUNCATED_RESPONSE : 0) |
    (res.recursionDesired ? packet.RECURSION_DESIRED : 0) |
    (res.rcode & 0xf);
  const additionals: packet.Answer[] = res.edns
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: SERVER_UDP_PAYLOAD,
          extendedRcode: res.rcode >> 4,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const wire = packet.encode({
    type: 'response',
    id: res.id,
    flags,
    questions: res.question
      ? [
          {
            name: res.question.name,
            // Echoed as decoded: dns-packet also reads and writes ANY and UNKNOWN_<n>, which its types leave out.
            type: res.question.type as packet.RecordType,
            class: res.question.class as packet.RecordClass,
          },
        ]
      : [],
    answers: res.answers.map(toAnswer),
    authorities: res.authority.map(toAnswer),
    additionals,
  });
  return compressOwnerNames(wire);
}

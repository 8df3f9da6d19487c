// What is checked on a query's raw header before any name is parsed, so that parsing is
// bounded: packets that are not queries are never answered (a response answered with a
// response is how two servers, or one spoofed packet, start an endless loop), and a query
// carries one question and at most a couple of additional records (OPT), never an answer
// or authority section — so at most a handful of names is read, whatever the counts say.
export class DnsFormatError extends Error {
  /** `id` undefined: the packet is dropped without an answer. */
  constructor(
    message: string,
    readonly id?: number,
  ) {
    super(message);
  }
}

export const HEADER_SIZE = 12;
/** OPT, plus one more (a TSIG a client may add; it is not verified, so it is ignored). */
const MAX_ADDITIONALS = 2;

export interface QueryHeader {
  id: number;
  opcode: number;
}

export function checkQueryShape(buf: Buffer): QueryHeader {
  if (buf.length < HEADER_SIZE) throw new DnsFormatError('message shorter than a header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) throw new DnsFormatError('QR is set: a response, not a query');
  const opcode = (flags >> 11) & 0xf;
  const [qd, an, ns, ar] = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  if (opcode === 0 && (qd !== 1 || an !== 0 || ns !== 0 || ar > MAX_ADDITIONALS)) {
    throw new DnsFormatError(`a query carries one question and no answers (qd=${qd} an=${an} ns=${ns} ar=${ar})`, id);
  }
  return { id, opcode };
}

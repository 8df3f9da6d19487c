// Fitting a response to its transport. Over TCP, and over UDP to a client that advertised
// a large enough EDNS(0) payload size, every record goes out. A classic (no EDNS) UDP
// client gets at most 8 records of a type, as Route 53 answers multivalue records, chosen
// by a rotating window so every instance takes its share; so does an EDNS client whose
// size is too small for all of them. TC (and no records) is set only when even that
// reduced answer cannot fit, and the client retries over TCP.
import { encodeResponse, type Edns, type ResourceRecord, type Response, SERVER_UDP_PAYLOAD } from './message.js';

export const MULTIVALUE_MAX = 8;
/** RFC 1035 §4.2.1: a UDP message without EDNS(0). */
export const CLASSIC_UDP_SIZE = 512;
const TCP_MAX = 65535;

export interface Transport {
  udp: boolean;
  /** The query's OPT record, if it had one. */
  edns?: Edns;
}

/** At most MULTIVALUE_MAX records per type, starting `rotation` places in. */
export function multivalueSelection(records: readonly ResourceRecord[], rotation: number): ResourceRecord[] {
  const byType = new Map<string, ResourceRecord[]>();
  for (const r of records) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const out: ResourceRecord[] = [];
  for (const group of byType.values()) {
    if (group.length <= MULTIVALUE_MAX) {
      out.push(...group);
      continue;
    }
    const start = rotation % group.length;
    for (let i = 0; i < MULTIVALUE_MAX; i++) out.push(group[(start + i) % group.length]!);
  }
  return out;
}

export function sizeLimit(transport: Transport): number {
  if (!transport.udp) return TCP_MAX;
  return transport.edns ? Math.min(transport.edns.udpPayloadSize, SERVER_UDP_PAYLOAD) : CLASSIC_UDP_SIZE;
}

export function encodeForTransport(res: Response, transport: Transport, rotation = 0): Buffer {
  const limit = sizeLimit(transport);
  if (!transport.udp || transport.edns) {
    const full = encodeResponse(res);
    if (full.length <= limit) return full;
  }
  const reduced = encodeResponse({ ...res, answers: multivalueSelection(res.answers, rotation) });
  if (reduced.length <= limit) return reduced;
  return encodeResponse({ ...res, answers: [], authority: [], truncated: true });
}

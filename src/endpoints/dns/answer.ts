// Turns one query into one response the way an authoritative server does: AA for names
// in its zones, NXDOMAIN or NODATA with the zone's SOA, REFUSED for names outside them
// (it never recurses, so a resolver that conditionally forwards a zone here gets standard
// answers and nobody gets an open resolver). How much of the answer goes out is fit.ts's.
import { type Query, type Response, type ResourceRecord, Rcode, RecordType } from './message.js';
import type { DnsRecordSource } from './record-source.js';

const NEGATIVE_TTL = 30;
const ANSWERED_TYPES = new Set<string>([
  RecordType.A,
  RecordType.AAAA,
  RecordType.CNAME,
  RecordType.SRV,
  RecordType.SOA,
]);
/** Classes dns-packet can write back when echoing the question. */
const ECHOED_CLASSES = new Set(['IN', 'CS', 'CH', 'HS', 'ANY']);

function soa(zone: string): ResourceRecord {
  return {
    type: 'SOA',
    name: zone,
    ttl: NEGATIVE_TTL,
    mname: `ns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: 1,
    refresh: 300,
    retry: 60,
    expire: 86400,
    minimum: NEGATIVE_TTL,
  };
}

function zoneOf(
  name: string,
  sources: readonly DnsRecordSource[],
): { zone: string; source: DnsRecordSource } | undefined {
  let best: { zone: string; source: DnsRecordSource } | undefined;
  for (const source of sources) {
    for (const zone of source.zones()) {
      if ((name === zone || name.endsWith(`.${zone}`)) && (!best || zone.length > best.zone.length))
        best = { zone, source };
    }
  }
  return best;
}

export function answer(query: Query, client: string, sources: readonly DnsRecordSource[]): Response {
  const base = {
    id: query.id,
    opcode: query.opcode,
    recursionDesired: query.recursionDesired,
    answers: [],
    authority: [],
    ...(query.edns ? { edns: true } : {}),
  };
  if (query.opcode !== 0) return { ...base, rcode: Rcode.NOTIMP, authoritative: false };
  const question = query.questions[0];
  if (query.questions.length !== 1 || !question) return { ...base, rcode: Rcode.FORMERR, authoritative: false };
  if (!ECHOED_CLASSES.has(question.class)) return { ...base, rcode: Rcode.REFUSED, authoritative: false };
  if (query.edns && query.edns.version > 0) return { ...base, question, rcode: Rcode.BADVERS, authoritative: false };
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const found = question.class === 'IN' || question.class === 'ANY' ? zoneOf(name, sources) : undefined;
  if (!found) return { ...base, question, rcode: Rcode.REFUSED, authoritative: false };
  const result = found.source.lookup(name, client);
  if (result === 'refused') return { ...base, question, rcode: Rcode.REFUSED, authoritative: false };
  const isSoa = question.type === RecordType.SOA;
  if (result === 'nxdomain') {
    if (name === found.zone)
      return {
        ...base,
        question,
        rcode: Rcode.NOERROR,
        authoritative: true,
        answers: isSoa ? [soa(found.zone)] : [],
        authority: isSoa ? [] : [soa(found.zone)],
      };
    return { ...base, question, rcode: Rcode.NXDOMAIN, authoritative: true, authority: [soa(found.zone)] };
  }
  const cname = result.records.filter((r) => r.type === 'CNAME');
  const answers =
    question.type === RecordType.ANY
      ? result.records
      : !ANSWERED_TYPES.has(question.type)
        ? []
        : cname.length && question.type !== RecordType.CNAME
          ? cname
          : result.records.filter((r) => r.type === question.type);
  return {
    ...base,
    question,
    rcode: Rcode.NOERROR,
    authoritative: true,
    answers,
    authority: answers.length ? [] : [soa(found.zone)],
  };
}

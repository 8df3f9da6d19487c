// Turns one query into one response the way an authoritative server does: AA for names
// in its zones, NXDOMAIN or NODATA with the zone's SOA, REFUSED for names outside them
// (so a resolver that conditionally forwards a zone here gets standard answers).
import { type Query, type Response, type ResourceRecord, Rcode, RecordType } from './message.js';
import type { DnsRecordSource } from './record-source.js';

const NEGATIVE_TTL = 30;

function soa(zone: string): ResourceRecord {
  return { type: 'SOA', name: zone, ttl: NEGATIVE_TTL, mname: `ns.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 300, retry: 60, expire: 86400, minimum: NEGATIVE_TTL };
}

function zoneOf(name: string, sources: readonly DnsRecordSource[]): { zone: string; source: DnsRecordSource } | undefined {
  let best: { zone: string; source: DnsRecordSource } | undefined;
  for (const source of sources) {
    for (const zone of source.zones()) {
      if ((name === zone || name.endsWith(`.${zone}`)) && (!best || zone.length > best.zone.length)) best = { zone, source };
    }
  }
  return best;
}

const TYPE_NAMES: Record<number, ResourceRecord['type']> = {
  [RecordType.A]: 'A', [RecordType.AAAA]: 'AAAA', [RecordType.CNAME]: 'CNAME', [RecordType.SRV]: 'SRV', [RecordType.SOA]: 'SOA',
};

export function answer(query: Query, client: string, sources: readonly DnsRecordSource[]): Response {
  const base = { id: query.id, opcode: query.opcode, recursionDesired: query.recursionDesired, answers: [], authority: [] };
  if (query.opcode !== 0) return { ...base, rcode: Rcode.NOTIMP, authoritative: false };
  const question = query.questions[0];
  if (query.questions.length !== 1 || !question) return { ...base, rcode: Rcode.FORMERR, authoritative: false };
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const found = question.class === 1 || question.class === 255 ? zoneOf(name, sources) : undefined;
  if (!found) return { ...base, question, rcode: Rcode.REFUSED, authoritative: false };
  const result = found.source.lookup(name, client);
  if (result === 'refused') return { ...base, question, rcode: Rcode.REFUSED, authoritative: false };
  if (result === 'nxdomain') {
    if (name === found.zone) return { ...base, question, rcode: Rcode.NOERROR, authoritative: true, answers: question.type === RecordType.SOA ? [soa(found.zone)] : [], authority: question.type === RecordType.SOA ? [] : [soa(found.zone)] };
    return { ...base, question, rcode: Rcode.NXDOMAIN, authoritative: true, authority: [soa(found.zone)] };
  }
  const wanted = TYPE_NAMES[question.type];
  const cname = result.records.filter((r) => r.type === 'CNAME');
  const answers = question.type === RecordType.ANY ? result.records
    : cname.length && wanted !== 'CNAME' ? cname : result.records.filter((r) => r.type === wanted);
  return { ...base, question, rcode: Rcode.NOERROR, authoritative: true, answers, authority: answers.length ? [] : [soa(found.zone)] };
}

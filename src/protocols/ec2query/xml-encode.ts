// Model-driven XML encoding of Query-protocol results. EC2 names elements after the
// member's locationName and wraps list items in the list member's locationName ('item');
// the Query protocol (IAM) uses 'member' items.
import type { MemberRef, ServiceModel, Shape } from '../model.js';
import { xmlSafe } from '../text.js';
import { isRecord } from '../record.js';

/** Escapes markup; a character XML cannot carry at all (one stored before input was checked) becomes U+FFFD. */
const ENTITIES: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => `&${ENTITIES[c]};`);
}

/** Timestamps as EC2 writes them: ISO 8601 with milliseconds and Z. Handlers pass epoch ms, Date or ISO text. */
export function formatTimestamp(value: unknown): string {
  const d =
    value instanceof Date ? value : new Date(typeof value === 'string' && !/^\d+$/.test(value) ? value : Number(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}

/** The members of structure `shapeName` as XML elements (no wrapper), skipping unset ones. */
export function encodeMembers(model: ServiceModel, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName];
  if (!shape || !isRecord(value)) return '';
  return structureBody(model, shape, value);
}

function structureBody(model: ServiceModel, shape: Shape, obj: Record<string, unknown>): string {
  let xml = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = obj[name];
    if (v === undefined || v === null) continue;
    xml += encodeMember(model, ref, ref.locationName ?? name, v);
  }
  return xml;
}

function encodeMember(model: ServiceModel, ref: MemberRef, element: string, value: unknown): string {
  const shape = model.shapes[ref.shape];
  if (!shape) return '';
  switch (shape.type) {
    case 'structure':
      return `<${element}>${structureBody(model, shape, isRecord(value) ? value : {})}</${element}>`;
    case 'list': {
      const member = shape.member;
      if (!member || !Array.isArray(value)) return '';
      const itemName = member.locationName ?? 'member';
      const items = value.map((v) => encodeMember(model, member, itemName, v)).join('');
      if (shape.flattened) return value.map((v) => encodeMember(model, member, element, v)).join('');
      return items ? `<${element}>${items}</${element}>` : `<${element}/>`;
    }
    case 'map': {
      if (!shape.key || !shape.value) return '';
      const entries = Object.entries(isRecord(value) ? value : {})
        .map(([k, v]) => `<entry><key>${escapeXml(k)}</key>${encodeMember(model, shape.value!, 'value', v)}</entry>`)
        .join('');
      return `<${element}>${entries}</${element}>`;
    }
    case 'timestamp':
      return `<${element}>${escapeXml(formatTimestamp(value))}</${element}>`;
    case 'boolean':
      return `<${element}>${value ? 'true' : 'false'}</${element}>`;
    default:
      return `<${element}>${escapeXml(String(value))}</${element}>`;
  }
}

// Model-driven XML encoding of Query-protocol results: elements are named after the
// member's locationName, list items after the list member's locationName (EC2's 'item')
// or 'member' (IAM, STS), maps as <entry><key/><value/></entry>.
import type { MemberRef, ServiceModel, Shape } from '../model.js';
import { xmlSafe } from '../text.js';
import { isObject } from '../../runtime/guards.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes markup; a character XML cannot carry at all (one stored before input was checked) becomes U+FFFD. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Timestamps as ISO 8601 with milliseconds and Z. Handlers pass epoch ms, Date or ISO text. */
export function formatTimestamp(value: unknown): string {
  const d =
    value instanceof Date ? value : new Date(typeof value === 'string' && !/^\d+$/.test(value) ? value : Number(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}

export interface XmlOptions {
  /** How a list without items is written: `<Name/>` (EC2) or `<Name></Name>` (IAM, STS). */
  emptyList: 'self-closing' | 'open-close';
}

interface Writer {
  model: ServiceModel;
  options: XmlOptions;
}

/** The members of structure `shapeName` as XML elements (no wrapper), skipping unset ones. */
export function encodeMembers(model: ServiceModel, shapeName: string, value: unknown, options: XmlOptions): string {
  const shape = model.shapes[shapeName];
  if (!shape || !isObject(value)) return '';
  return structureBody({ model, options }, shape, value);
}

function structureBody(w: Writer, shape: Shape, obj: Record<string, unknown>): string {
  let xml = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    xml += encodeMember(w, ref, ref.locationName ?? name, obj[name]);
  }
  return xml;
}

function encodeMember(w: Writer, ref: MemberRef, element: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  const shape = w.model.shapes[ref.shape];
  if (!shape) return '';
  switch (shape.type) {
    case 'structure':
      return `<${element}>${structureBody(w, shape, isObject(value) ? value : {})}</${element}>`;
    case 'list': {
      const member = shape.member;
      if (!member || !Array.isArray(value)) return '';
      if (shape.flattened) return value.map((v) => encodeMember(w, member, element, v)).join('');
      const itemName = member.locationName ?? 'member';
      const items = value.map((v) => encodeMember(w, member, itemName, v)).join('');
      if (items || w.options.emptyList === 'open-close') return `<${element}>${items}</${element}>`;
      return `<${element}/>`;
    }
    case 'map': {
      if (!shape.key || !shape.value || typeof value !== 'object') return '';
      const valueRef = shape.value;
      const entries = Object.entries(isObject(value) ? value : {})
        .map(([k, v]) => `<entry><key>${escapeXml(k)}</key>${encodeMember(w, valueRef, 'value', v)}</entry>`)
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

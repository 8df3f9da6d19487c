// Model-driven XML writing for the AWS Query protocol: member names as element names,
// list items as <member>, timestamps as ISO-8601.
import type { ServiceModel, Shape } from '../model.js';
import { xmlSafe } from '../text.js';
import { isRecord } from '../record.js';

/** Escapes markup; a character XML cannot carry at all (one stored before input was checked) becomes U+FFFD. */
export function escapeXml(text: string): string {
  return xmlSafe(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function scalar(shape: Shape, value: unknown): string {
  if (shape.type === 'timestamp') {
    const date = value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value));
    return date.toISOString();
  }
  if (shape.type === 'boolean') return value ? 'true' : 'false';
  return escapeXml(String(value));
}

/** The XML for `value` of shape `shapeName`, wrapped in <elementName>. */
export function writeElement(model: ServiceModel, shapeName: string, elementName: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  const shape = model.shapes[shapeName];
  if (!shape) return '';
  return `<${elementName}>${writeContent(model, shape, value)}</${elementName}>`;
}

export function writeContent(model: ServiceModel, shape: Shape, value: unknown): string {
  switch (shape.type) {
    case 'structure': {
      const obj = isRecord(value) ? value : {};
      let out = '';
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        out += writeElement(model, ref.shape, ref.locationName ?? name, obj[name]);
      }
      return out;
    }
    case 'list': {
      const item = shape.member;
      if (!item || !Array.isArray(value)) return '';
      return value.map((v) => writeElement(model, item.shape, item.locationName ?? 'member', v)).join('');
    }
    case 'map': {
      if (!shape.key || !shape.value || typeof value !== 'object') return '';
      return Object.entries(isRecord(value) ? value : {})
        .map(
          ([k, v]) =>
            `<entry>${writeElement(model, shape.key!.shape, 'key', k)}${writeElement(model, shape.value!.shape, 'value', v)}</entry>`,
        )
        .join('');
    }
    default:
      return scalar(shape, value);
  }
}

// Keeps only the members the model knows, as an AWS deserializer does: unknown members are
// dropped rather than stored and echoed back, and how deep a request can nest is bounded by
// the model instead of by whatever the client sent.
import { MAX_COLLECTION_MEMBERS } from '../limits.js';
import type { ServiceModel, Shape } from '../model.js';
import { isObject } from '../../runtime/guards.js';

const MAX_DEPTH = 64;

export class TooDeep extends Error {}

/** A list or map with more members than its model (or, without a model maximum, MAX_COLLECTION_MEMBERS) could ever allow. */
export class TooMany extends Error {}

const limitOf = (shape: Shape) => Math.max(shape.max ?? 0, MAX_COLLECTION_MEMBERS);

export function keepModeled(model: ServiceModel, shapeName: string, value: unknown, depth = 0): unknown {
  const shape = model.shapes[shapeName];
  if (!shape || value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) throw new TooDeep();
  switch (shape.type) {
    case 'structure': {
      if (Array.isArray(value)) return [];
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = isObject(value) ? value[name] : undefined;
        if (v !== undefined) out[name] = keepModeled(model, ref.shape, v, depth + 1);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) return {};
      if (value.length > limitOf(shape)) throw new TooMany(`has more than ${limitOf(shape)} members`);
      return shape.member ? value.map((v) => keepModeled(model, shape.member!.shape, v, depth + 1)) : value;
    case 'map': {
      if (Array.isArray(value)) return [];
      const limit = limitOf(shape);
      let n = 0;
      for (const _ in value) if (++n > limit) throw new TooMany(`has more than ${limit} entries`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // defineProperty: a "__proto__" key from JSON stays a plain key.
        Object.defineProperty(out, k, {
          value: shape.value ? keepModeled(model, shape.value.shape, v, depth + 1) : v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    default:
      // A scalar member holding an object or list: left for the validator to report, but
      // never kept deep — its contents are not looked at again.
      return Array.isArray(value) ? [] : {};
  }
}

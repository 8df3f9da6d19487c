// Walks a value against an App Mesh model shape: CloudFormation's PascalCase property names
// to the API's camelCase members (and back), and a strict check of API-cased input. The
// model decides every name, so a property the API does not have is an error with its path
// instead of something silently dropped.
import { appmeshModel } from '../protocols/generated/appmesh.js';
import type { Shape } from '../protocols/model.js';
import { isRecord, lookupTable } from '../runtime/guards.js';

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** API members whose CloudFormation name is not just the first letter upper-cased. */
const CFN_SPELLING = lookupTable({
  tls: 'TLS',
  acm: 'ACM',
  sds: 'SDS',
  dns: 'DNS',
  awsCloudMap: 'AWSCloudMap',
  http: 'HTTP',
  http2: 'HTTP2',
  grpc: 'GRPC',
  tcp: 'TCP',
});

export const cfnName = (member: string): string =>
  CFN_SPELLING[member] ?? member.charAt(0).toUpperCase() + member.slice(1);

export type Spelling = 'cloudformation' | 'api';

const MAX_DEPTH = 64;

function shape(name: string): Shape {
  const s = Object.hasOwn(appmeshModel.shapes, name) ? appmeshModel.shapes[name] : undefined;
  if (!s) throw new Error(`no shape ${name} in the App Mesh model`);
  return s;
}

/**
 * Converts `value` (spelled as `from`) into the API's shape `shapeName`, checking every
 * member against the model. CloudFormation scalars are loose ("80" for 80, "true"), so
 * they are coerced by the model's type; API-cased input must already have the right types.
 */
export function toApi(value: unknown, shapeName: string, from: Spelling, path: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new SourceError(`${path}: nested too deeply`);
  const s = shape(shapeName);
  const loose = from === 'cloudformation';
  switch (s.type) {
    case 'structure': {
      if (!isRecord(value)) throw new SourceError(`${path}: expected an object`);
      const members = s.members ?? {};
      const byName = new Map<string, string>();
      for (const m of Object.keys(members)) byName.set(from === 'cloudformation' ? cfnName(m) : m, m);
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const member = byName.get(key);
        if (member === undefined) {
          const known = [...byName.keys()].join(', ');
          throw new SourceError(`${path}.${key}: not a property of ${shapeName} (expected one of: ${known || 'none'})`);
        }
        if (v === undefined || v === null) continue;
        out[member] = toApi(v, members[member]!.shape, from, `${path}.${key}`, depth + 1);
      }
      for (const r of s.required ?? []) {
        if (out[r] === undefined)
          throw new SourceError(`${path}.${from === 'cloudformation' ? cfnName(r) : r}: required by ${shapeName}`);
      }
      if (s.union && Object.keys(out).length !== 1) {
        throw new SourceError(
          `${path}: ${shapeName} takes exactly one of ${Object.keys(members)
            .map((m) => (from === 'cloudformation' ? cfnName(m) : m))
            .join(', ')} (${Object.keys(out).length} given)`,
        );
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw new SourceError(`${path}: expected a list`);
      return value.map((v, i) => toApi(v, s.member!.shape, from, `${path}[${i}]`, depth + 1));
    }
    case 'map': {
      if (!isRecord(value)) throw new SourceError(`${path}: expected a map`);
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, toApi(v, s.value!.shape, from, `${path}.${k}`, depth + 1)]),
      );
    }
    case 'string':
      if (typeof value === 'string') return value;
      if (loose && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
      throw new SourceError(`${path}: expected a string`);
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n =
        typeof value === 'number'
          ? value
          : loose && typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : Number.NaN;
      if (!Number.isFinite(n) || (s.type !== 'double' && s.type !== 'float' && !Number.isInteger(n)))
        throw new SourceError(
          `${path}: expected ${s.type === 'double' || s.type === 'float' ? 'a number' : 'an integer'}`,
        );
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (loose && (value === 'true' || value === 'false')) return value === 'true';
      throw new SourceError(`${path}: expected true or false`);
    default:
      throw new SourceError(`${path}: values of type ${s.type} are not supported`);
  }
}

/** `toApi` for a structure shape (every resource spec is one): the converted object. */
export function toApiStructure(
  value: unknown,
  shapeName: string,
  from: Spelling,
  path: string,
): Record<string, unknown> {
  const out = toApi(value, shapeName, from, path);
  if (!isRecord(out)) throw new Error(`${shapeName} is not a structure in the App Mesh model`);
  return out;
}

/** The API value `value` of shape `shapeName` spelled with CloudFormation's property names. */
export function toCloudFormation(value: unknown, shapeName: string): unknown {
  const s = shape(shapeName);
  if (s.type === 'structure' && isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = s.members && Object.hasOwn(s.members, k) ? s.members[k] : undefined;
      if (m && v !== undefined && v !== null) out[cfnName(k)] = toCloudFormation(v, m.shape);
    }
    return out;
  }
  if (s.type === 'list' && Array.isArray(value)) return value.map((v) => toCloudFormation(v, s.member!.shape));
  return value;
}

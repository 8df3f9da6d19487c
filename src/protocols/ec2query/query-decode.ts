// Decoding of AWS Query-style requests (form-encoded Action/Version + parameters), shared
// by the EC2 protocol and the IAM Query protocol. The two differ only in how member names
// and lists are spelled on the wire, which `QueryStyle` captures:
//   ec2:   name = queryName ?? LocationName ?? MemberName; lists flattened: Name.N
//   query: name = locationName ?? MemberName; lists Name.member.N (Name.N when flattened); maps Name.entry.N.key/value
import { ApiError } from '../../api/errors.js';
import type { RawRequest } from '../../api/service.js';
import type { MemberRef, ServiceModel, Shape } from '../model.js';

export type QueryStyle = 'ec2' | 'query';

export type BadRequest = (message: string) => ApiError;

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The request's parameters: the form body for POST, else the query string (both when both are present). */
export function readQueryParams(req: RawRequest, bad: BadRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(req.rawQuery)) params.set(k, v);
  if (req.body.length) {
    const type = String(req.headers['content-type'] ?? FORM_TYPE).split(';')[0]!.trim().toLowerCase();
    if (type !== FORM_TYPE) throw bad(`Unsupported content type ${type}; send ${FORM_TYPE}`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(req.body);
    } catch {
      throw bad('Request body is not valid UTF-8');
    }
    for (const [k, v] of new URLSearchParams(text)) params.set(k, v);
  }
  return params;
}

/** Whether a request looks like a Query call of the given API version (for edge routing of unsigned requests). */
export function looksLikeQuery(req: RawRequest, version: string): boolean {
  const haystack = `${req.rawQuery}&${req.body.length <= 64 * 1024 ? req.body.toString('latin1') : ''}`;
  return new URLSearchParams(haystack).get('Version') === version;
}

export function memberWireName(name: string, ref: MemberRef, style: QueryStyle): string {
  if (style === 'ec2') {
    if (ref.queryName) return ref.queryName;
    if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
    return name;
  }
  return ref.locationName ?? name;
}

/** Builds the input structure of `shapeName` from the flat parameter map. */
export function decodeQueryInput(
  model: ServiceModel, shapeName: string, params: Map<string, string>, style: QueryStyle, bad: BadRequest,
): Record<string, unknown> {
  const keys = [...params.keys()];
  const shape = model.shapes[shapeName];
  if (!shape) return {};
  const out = decodeStructure(model, shape, '', params, keys, style, bad);
  return out ?? {};
}

function decodeValue(
  model: ServiceModel, ref: MemberRef, prefix: string, params: Map<string, string>, keys: string[], style: QueryStyle, bad: BadRequest,
): unknown {
  const shape = model.shapes[ref.shape];
  if (!shape) return undefined;
  switch (shape.type) {
    case 'structure': return decodeStructure(model, shape, prefix, params, keys, style, bad);
    case 'list': return decodeList(model, shape, ref, prefix, params, keys, style, bad);
    case 'map': return decodeMap(model, shape, prefix, params, keys, style, bad);
    default: {
      const raw = params.get(prefix);
      return raw === undefined ? undefined : decodeScalar(shape, raw, prefix, bad);
    }
  }
}

function decodeStructure(
  model: ServiceModel, shape: Shape, prefix: string, params: Map<string, string>, keys: string[], style: QueryStyle, bad: BadRequest,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = prefix ? `${prefix}.${memberWireName(name, ref, style)}` : memberWireName(name, ref, style);
    if (!params.has(key) && !keys.some((k) => k.startsWith(`${key}.`))) continue;
    const v = decodeValue(model, ref, key, params, keys, style, bad);
    if (v !== undefined) { out[name] = v; any = true; }
  }
  return any || !prefix ? out : undefined;
}

/** The distinct positive indexes N present under `prefix.N`, in ascending order. */
function indexesUnder(prefix: string, keys: string[]): number[] {
  const found = new Set<number>();
  const start = `${prefix}.`;
  for (const k of keys) {
    if (!k.startsWith(start)) continue;
    const m = /^(\d+)(?:\.|$)/.exec(k.slice(start.length));
    if (m && Number(m[1]) > 0) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function decodeList(
  model: ServiceModel, shape: Shape, ref: MemberRef, prefix: string, params: Map<string, string>, keys: string[], style: QueryStyle, bad: BadRequest,
): unknown[] | undefined {
  const member = shape.member;
  if (!member) return undefined;
  const flattened = style === 'ec2' || shape.flattened || ref.flattened;
  const base = flattened ? prefix : `${prefix}.member`;
  // An empty list is sent as just the key with an empty value (Query protocol).
  if (!flattened && params.get(prefix) === '' && !keys.some((k) => k.startsWith(`${prefix}.`))) return [];
  const out: unknown[] = [];
  for (const i of indexesUnder(base, keys)) {
    const v = decodeValue(model, member, `${base}.${i}`, params, keys, style, bad);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function decodeMap(
  model: ServiceModel, shape: Shape, prefix: string, params: Map<string, string>, keys: string[], style: QueryStyle, bad: BadRequest,
): Record<string, unknown> | undefined {
  if (!shape.key || !shape.value) return undefined;
  const base = shape.flattened || style === 'ec2' ? prefix : `${prefix}.entry`;
  const keyName = shape.key.locationName ?? 'key';
  const valueName = shape.value.locationName ?? 'value';
  const out: Record<string, unknown> = {};
  for (const i of indexesUnder(base, keys)) {
    const k = params.get(`${base}.${i}.${keyName}`);
    if (k === undefined) continue;
    out[k] = decodeValue(model, shape.value, `${base}.${i}.${valueName}`, params, keys, style, bad);
  }
  return out;
}

function decodeScalar(shape: Shape, raw: string, key: string, bad: BadRequest): unknown {
  switch (shape.type) {
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected true or false`);
      return lower === 'true';
    }
    case 'integer': case 'long': {
      if (!/^-?\d+$/.test(raw)) throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a whole number`);
      return Number(raw);
    }
    case 'double': case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a number`);
      return n;
    }
    case 'timestamp': {
      const t = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
      if (!Number.isFinite(t)) throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a timestamp`);
      return t;
    }
    default:
      return raw;
  }
}

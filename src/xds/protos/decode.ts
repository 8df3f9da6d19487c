// protobuf → proto3 JSON (snake_case field names, nested Any expanded with '@type'), for config dumps and tests.
import protobuf from 'protobufjs';
import { type EnvoyProtos, loadEnvoyProtos } from './load.js';
import { defaultOf, IS_64, isPlainObject, type Plain, toBigInt, WRAPPERS } from './proto-json.js';

/** Decodes an encoded google.protobuf.Any into its type URL and proto3-JSON value. */
export function decodeResource(anyBytes: Uint8Array): { typeUrl: string; resource: Record<string, unknown> } {
  const protos = loadEnvoyProtos();
  const { typeUrl, value } = anyParts(protos.lookupType('google.protobuf.Any').decode(anyBytes));
  const type = protos.lookupType(typeUrl);
  const resource = toJson(protos, type, type.decode(value));
  if (!isPlainObject(resource)) throw new Error(`${typeUrl} does not decode to a JSON object`);
  return { typeUrl, resource };
}

/** The fields of a decoded google.protobuf.Any (protobufjs messages are plain objects whose defaults sit on the prototype). */
function anyParts(message: unknown): { typeUrl: string; value: Uint8Array } {
  const m = isPlainObject(message) ? message : {};
  return {
    typeUrl: String(m.type_url ?? ''),
    value: m.value instanceof Uint8Array ? m.value : new Uint8Array(),
  };
}

function toJson(protos: EnvoyProtos, type: protobuf.Type, msg: unknown): unknown {
  const m = isPlainObject(msg) ? msg : {};
  const name = type.fullName;
  if (WRAPPERS.has(name)) {
    const inner = type.fields.value;
    return inner ? scalarToJson(inner.type, m.value ?? defaultOf(inner.type)) : undefined;
  }
  switch (name) {
    case '.google.protobuf.Duration':
      return durationToJson(toBigInt(m.seconds ?? 0) * 1_000_000_000n + BigInt(Number(m.nanos ?? 0)));
    case '.google.protobuf.Any': {
      const { typeUrl, value } = anyParts(m);
      const inner = protos.lookupType(typeUrl);
      const body = toJson(protos, inner, inner.decode(value));
      return isPlainObject(body) && !WRAPPERS.has(inner.fullName) && inner.fullName !== '.google.protobuf.Duration'
        ? { '@type': m.type_url, ...body }
        : { '@type': m.type_url, value: body };
    }
    case '.google.protobuf.Struct':
      return structToJson(m);
    case '.google.protobuf.Value':
      return valueToJson(m);
    case '.google.protobuf.ListValue':
      return listToJson(m);
    default:
      return messageToJson(protos, type, m);
  }
}

function messageToJson(protos: EnvoyProtos, type: protobuf.Type, m: Plain): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(m, field.name)) continue;
    const v = m[field.name];
    if (v === undefined || v === null) continue;
    // protobufjs names the set member of a real oneof in a virtual property of the oneof's name.
    if (
      field.partOf &&
      !field.partOf.isProto3Optional &&
      m[field.partOf.name] !== undefined &&
      m[field.partOf.name] !== field.name
    )
      continue;
    const one = (x: unknown): unknown => {
      const rt = field.resolvedType;
      if (rt instanceof protobuf.Type) return toJson(protos, rt, x);
      if (rt instanceof protobuf.Enum) return typeof x === 'number' ? (rt.valuesById[x] ?? x) : x;
      return scalarToJson(field.type, x);
    };
    if (field.map) {
      const o: Plain = {};
      for (const [k, x] of Object.entries(isPlainObject(v) ? v : {})) o[k] = one(x);
      if (Object.keys(o).length) out[field.name] = o;
    } else if (field.repeated) {
      if (Array.isArray(v) && v.length) out[field.name] = v.map(one);
    } else {
      out[field.name] = one(v);
    }
  }
  return out;
}

function durationToJson(total: bigint): string {
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const s = abs / 1_000_000_000n;
  const n = abs % 1_000_000_000n;
  let frac = n === 0n ? '' : `.${n.toString().padStart(9, '0')}`;
  if (frac.endsWith('000000')) frac = frac.slice(0, 4);
  else if (frac.endsWith('000')) frac = frac.slice(0, 7);
  return `${neg ? '-' : ''}${s}${frac}s`;
}

function structToJson(struct: unknown): Plain {
  const out: Plain = {};
  const fields = isPlainObject(struct) ? struct.fields : undefined;
  for (const [k, v] of Object.entries(isPlainObject(fields) ? fields : {})) out[k] = valueToJson(v);
  return out;
}

function listToJson(list: unknown): unknown[] {
  const values = isPlainObject(list) ? list.values : undefined;
  return Array.isArray(values) ? values.map(valueToJson) : [];
}

function valueToJson(value: unknown): unknown {
  const v = isPlainObject(value) ? value : {};
  if ('struct_value' in v && v.struct_value) return structToJson(v.struct_value);
  if ('list_value' in v && v.list_value) return listToJson(v.list_value);
  if ('string_value' in v && v.string_value !== undefined) return v.string_value;
  if ('number_value' in v && v.number_value !== undefined) return v.number_value;
  if ('bool_value' in v && v.bool_value !== undefined) return v.bool_value;
  return null;
}

function scalarToJson(kind: string, v: unknown): unknown {
  if (kind === 'bytes') return Buffer.from(v instanceof Uint8Array ? v : new Uint8Array()).toString('base64');
  if (IS_64.has(kind)) return String(v);
  return v;
}

// The Envoy API protos (vendored under vendor/xds-protos/, see src/xds/proto-files.ts) and a strict proto3-JSON → protobuf encoder.
//
// Translation produces resources as proto3-JSON objects (snake_case field names, typed Any values carrying '@type').
// `encodeResource` turns one into the bytes of a google.protobuf.Any, as they go on the wire in a DiscoveryResponse.
// The conversion is strict on purpose: an unknown field, a wrong JSON type, an unknown '@type', two members of one
// oneof, or a violated protoc-gen-validate rule (the subset Envoy relies on most) throws an EncodeError naming the
// path, so a mistake in translation fails a test instead of being silently dropped (protobufjs' own fromObject ignores
// unknown fields and coerces types).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ENVOY_PROTO_FILES, VENDORED_PROTO_DIRS, VENDORED_PROTOS_ROOT } from './proto-files.js';

export { ENVOY_PROTO_FILES };

const require = createRequire(import.meta.url);

export interface EnvoyProtos {
  root: protobuf.Root;
  /** Include directories (envoy-api, xds, googleapis, protoc-gen-validate, protobufjs' google/protobuf). */
  includeDirs: readonly string[];
  /** Looks up a message type by full name ('envoy.config.cluster.v3.Cluster') or type URL. Throws if unknown. */
  lookupType(nameOrTypeUrl: string): protobuf.Type;
}

let loaded: EnvoyProtos | undefined;

/** Include directories for @grpc/proto-loader or protoc when loading the Envoy API. */
export function envoyIncludeDirs(): string[] {
  return [
    ...VENDORED_PROTO_DIRS.map((d) => path.join(VENDORED_PROTOS_ROOT, d)),
    path.dirname(require.resolve('protobufjs/package.json')),
  ];
}

/** Loads (once per process) the Envoy API protos with field names kept in snake_case. */
export function loadEnvoyProtos(): EnvoyProtos {
  if (loaded) return loaded;
  const descriptor = require('protobufjs/google/protobuf/descriptor.json') as {
    nested: { google: { nested: { protobuf: { nested: protobuf.INamespace['nested'] } } } };
  };
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested as never);
  const includeDirs = envoyIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of includeDirs) {
      const full = path.join(dir, target);
      if (fs.existsSync(full)) return full;
    }
    return target;
  };
  root.loadSync([...ENVOY_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  const cache = new Map<string, protobuf.Type>();
  const lookupType = (nameOrTypeUrl: string): protobuf.Type => {
    let t = cache.get(nameOrTypeUrl);
    if (t) return t;
    const name = nameOrTypeUrl.slice(nameOrTypeUrl.lastIndexOf('/') + 1);
    t = root.lookupType(name.startsWith('.') ? name : `.${name}`);
    cache.set(nameOrTypeUrl, t);
    return t;
  };
  loaded = { root, includeDirs, lookupType };
  return loaded;
}

/**
 * The ADS / discovery protos through @grpc/proto-loader, for a grpc-js server:
 * `pkg['envoy.service.discovery.v3.AggregatedDiscoveryService']` is the service definition to pass to `addService`.
 * Options are proto-loader's (keepCase true, longs/enums as String, defaults false by default here).
 */
export async function loadAdsPackageDefinition(options: Record<string, unknown> = {}): Promise<PackageDefinition> {
  const loader = await import('@grpc/proto-loader');
  return loader.loadSync(['envoy/service/discovery/v3/ads.proto', 'envoy/service/discovery/v3/discovery.proto'], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: envoyIncludeDirs(),
    ...options,
  });
}

export class EncodeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '<root>'}: ${message}`);
    this.name = 'EncodeError';
  }
}

export interface EncodeOptions {
  /** Reject fields marked `deprecated = true` in the Envoy API (tests use this; Envoy only warns for most). Default false. */
  rejectDeprecated?: boolean;
  /** Check the protoc-gen-validate rules (the subset listed in checkRules). Default true. */
  validate?: boolean;
  /**
   * Reuse the bytes of an earlier call with the same object (by identity) and type URL, and the checked conversion of
   * every nested object seen before (a virtual host shared by many route configurations is checked once).
   * Translation shares resource objects between proxies and snapshots and never mutates them, so the xDS server can
   * encode each once. Only for objects that are not mutated afterwards. Default false.
   */
  cache?: boolean;
}

const encodedCache = new WeakMap<object, { typeUrl: string; key: string; bytes: Buffer }>();

/** Encodes a proto3-JSON resource as the bytes of a google.protobuf.Any (type_url = typeUrl). */
export function encodeResource(typeUrl: string, json: Record<string, unknown>, options: EncodeOptions = {}): Buffer {
  const key = `${options.rejectDeprecated === true}|${options.validate !== false}`;
  if (options.cache) {
    const hit = encodedCache.get(json);
    if (hit && hit.typeUrl === typeUrl && hit.key === key) return hit.bytes;
  }
  const protos = loadEnvoyProtos();
  const value = encodeMessage(typeUrl, json, options);
  const any = protos.lookupType('google.protobuf.Any');
  const bytes = Buffer.from(any.encode({ type_url: typeUrl, value }).finish());
  if (options.cache) encodedCache.set(json, { typeUrl, key, bytes });
  return bytes;
}

/** Encodes a proto3-JSON message (no Any wrapper) of the given type (full name or type URL). */
export function encodeMessage(typeNameOrUrl: string, json: unknown, options: EncodeOptions = {}): Buffer {
  const protos = loadEnvoyProtos();
  let type: protobuf.Type;
  try {
    type = protos.lookupType(typeNameOrUrl);
  } catch {
    throw new EncodeError('', `unknown message type ${typeNameOrUrl}`);
  }
  const opts = { rejectDeprecated: options.rejectDeprecated ?? false, validate: options.validate ?? true };
  const conv = new Converter(protos, opts, options.cache ? conversionsFor(opts) : undefined);
  const plain = conv.message(type, json, undefined);
  return Buffer.from(type.encode(plain).finish());
}

/** The { type_url, value } form of an Any, as @grpc/proto-loader serializers expect inside a DiscoveryResponse. */
export function toAny(
  typeUrl: string,
  json: Record<string, unknown>,
  options: EncodeOptions = {},
): { type_url: string; value: Buffer } {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, json, options) };
}

/** Decodes an encoded google.protobuf.Any into its type URL and proto3-JSON value (nested Any expanded with '@type'). */
export function decodeResource(anyBytes: Uint8Array): { typeUrl: string; resource: Record<string, unknown> } {
  const protos = loadEnvoyProtos();
  const any = protos.lookupType('google.protobuf.Any').decode(anyBytes) as unknown as {
    type_url: string;
    value: Uint8Array;
  };
  const type = protos.lookupType(any.type_url);
  return { typeUrl: any.type_url, resource: toJson(protos, type, type.decode(any.value)) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------------------
// proto3 JSON → protobufjs plain object

type Plain = Record<string, unknown>;
const WRAPPERS = new Set([
  '.google.protobuf.DoubleValue',
  '.google.protobuf.FloatValue',
  '.google.protobuf.Int64Value',
  '.google.protobuf.UInt64Value',
  '.google.protobuf.Int32Value',
  '.google.protobuf.UInt32Value',
  '.google.protobuf.BoolValue',
  '.google.protobuf.StringValue',
  '.google.protobuf.BytesValue',
]);
const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const IS_64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const MAX_DURATION_SECONDS = 315_576_000_000;

// Per-type facts computed once (protobufjs' reflection getters such as fullName are not cached and are slow).
interface FieldInfo {
  field: protobuf.Field;
  name: string;
  /** Name of the (real, non-synthetic) oneof the field belongs to. */
  oneof?: string;
  deprecated: boolean;
  repeated: boolean;
  map: boolean;
  keyType: string;
  /** Scalar type name, or undefined for message/enum fields. */
  scalar?: string;
  message?: protobuf.Type;
  messageName?: string;
  enumType?: protobuf.Enum;
  rules?: Plain;
}
interface TypeInfo {
  fullName: string;
  byName: Map<string, FieldInfo>;
  fields: FieldInfo[];
  /** Fields carrying protoc-gen-validate rules. */
  ruled: FieldInfo[];
  requiredOneofs: { name: string; members: string[] }[];
}
const typeInfos = new WeakMap<protobuf.Type, TypeInfo>();
function typeInfo(type: protobuf.Type): TypeInfo {
  let info = typeInfos.get(type);
  if (info) return info;
  const byName = new Map<string, FieldInfo>();
  const fields: FieldInfo[] = [];
  for (const f of type.fieldsArray) {
    const rt = f.resolvedType;
    const fi: FieldInfo = {
      field: f,
      name: f.name,
      deprecated: f.options?.deprecated === true,
      repeated: f.repeated,
      map: f.map,
      keyType: f.map ? (f as unknown as protobuf.MapField).keyType : '',
    };
    if (f.partOf && !f.partOf.isProto3Optional) fi.oneof = f.partOf.name;
    if (rt instanceof protobuf.Type) {
      fi.message = rt;
      fi.messageName = rt.fullName;
    } else if (rt instanceof protobuf.Enum) fi.enumType = rt;
    else fi.scalar = f.type;
    const rules = fieldRules(f);
    if (rules) fi.rules = rules;
    fields.push(fi);
    byName.set(f.name, fi);
    const json = f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    if (json !== f.name) byName.set(json, fi);
  }
  const requiredOneofs = type.oneofsArray
    .filter((o) => o.options?.['(validate.required)'] === true)
    .map((o) => ({ name: o.name, members: [...o.oneof] }));
  info = { fullName: type.fullName, byName, fields, ruled: fields.filter((f) => f.rules), requiredOneofs };
  typeInfos.set(type, info);
  return info;
}

/** Error paths are built only when an error is thrown. */
type Path = { parent: Path | undefined; key: string | number } | undefined;
const at = (parent: Path, key: string | number): Path => ({ parent, key });
function pathString(p: Path): string {
  const parts: string[] = [];
  for (let x = p; x; x = x.parent)
    parts.push(typeof x.key === 'number' ? `[${x.key}]` : x.key.startsWith('<') ? x.key : `.${x.key}`);
  return parts.reverse().join('').replace(/^\./, '');
}
const fail = (p: Path, message: string) => new EncodeError(pathString(p), message);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

const SPECIAL = new Set([
  ...WRAPPERS,
  '.google.protobuf.Duration',
  '.google.protobuf.Timestamp',
  '.google.protobuf.Any',
  '.google.protobuf.Struct',
  '.google.protobuf.Value',
  '.google.protobuf.ListValue',
  '.google.protobuf.Empty',
  '.google.protobuf.FieldMask',
]);

/** Checked conversions by JSON object and message type, one table per option set (only successes are kept). */
type Conversions = WeakMap<object, Map<protobuf.Type, Plain>>;
const conversionTables = new Map<string, Conversions>();
function conversionsFor(opts: { rejectDeprecated: boolean; validate: boolean }): Conversions {
  const key = `${opts.rejectDeprecated}|${opts.validate}`;
  let table = conversionTables.get(key);
  if (!table) conversionTables.set(key, (table = new WeakMap()));
  return table;
}

class Converter {
  constructor(
    private readonly protos: EnvoyProtos,
    private readonly opts: { rejectDeprecated: boolean; validate: boolean },
    private readonly conversions?: Conversions,
  ) {}

  message(type: protobuf.Type, json: unknown, p: Path): Plain {
    if (!this.conversions || !isPlainObject(json)) return this.convert(type, json, p);
    let byType = this.conversions.get(json);
    const hit = byType?.get(type);
    if (hit) return hit;
    const plain = this.convert(type, json, p);
    if (!byType) this.conversions.set(json, (byType = new Map()));
    byType.set(type, plain);
    return plain;
  }

  private convert(type: protobuf.Type, json: unknown, p: Path): Plain {
    const info = typeInfo(type);
    if (SPECIAL.has(info.fullName)) return this.wellKnown(type, info.fullName, json, p);
    if (!isPlainObject(json)) throw fail(p, `expected an object for ${info.fullName.slice(1)}, got ${describe(json)}`);
    const out: Plain = {};
    let setOneofs: Map<string, string> | undefined;
    for (const key in json) {
      const value = json[key];
      const fi = info.byName.get(key);
      if (!fi) throw fail(at(p, key), `unknown field for ${info.fullName.slice(1)}`);
      if (value === undefined) continue;
      if (fi.name in out || setOneofs?.get(fi.oneof ?? '') === fi.name)
        throw fail(at(p, key), `field ${fi.name} given twice`);
      if (value === null && fi.messageName !== '.google.protobuf.Value') continue;
      if (this.opts.rejectDeprecated && fi.deprecated) throw fail(at(p, key), `field ${fi.name} is deprecated`);
      if (fi.oneof) {
        setOneofs ??= new Map();
        const other = setOneofs.get(fi.oneof);
        if (other) throw fail(at(p, key), `oneof ${fi.oneof} already has ${other}`);
        setOneofs.set(fi.oneof, fi.name);
      }
      const converted = this.field(fi, value, at(p, key));
      // Canonical encoding: implicit-presence scalars / enums equal to their default, and empty lists, are not written.
      if (fi.repeated) {
        if ((converted as unknown[]).length === 0) continue;
      } else if (fi.map) {
        if (Object.keys(converted as object).length === 0) continue;
      } else if (!fi.oneof && !fi.message && (fi.enumType ? converted === 0 : isDefaultScalar(converted))) continue;
      out[fi.name] = converted;
    }
    if (this.opts.validate) this.checkMessageRules(info, out, p);
    return out;
  }

  private field(fi: FieldInfo, value: unknown, p: Path): unknown {
    if (fi.map) {
      if (!isPlainObject(value)) throw fail(p, `expected an object (map), got ${describe(value)}`);
      const out: Plain = {};
      for (const k in value) {
        if (fi.keyType !== 'string') this.scalar(fi.keyType, /^(true|false)$/.test(k) ? k === 'true' : k, at(p, k));
        out[k] = this.single(fi, value[k], at(p, k));
      }
      return out;
    }
    if (fi.repeated) {
      if (!Array.isArray(value)) throw fail(p, `expected an array, got ${describe(value)}`);
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || value[i] === undefined) throw fail(at(p, i), 'null element in a repeated field');
        out[i] = this.single(fi, value[i], at(p, i));
      }
      return out;
    }
    return this.single(fi, value, p);
  }

  private single(fi: FieldInfo, value: unknown, p: Path): unknown {
    if (fi.message) return this.message(fi.message, value, p);
    if (fi.enumType) return enumValue(fi.enumType, value, p);
    return this.scalar(fi.scalar!, value, p);
  }

  scalar(kind: string, value: unknown, p: Path): unknown {
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') throw fail(p, `expected a string, got ${describe(value)}`);
        return value;
      case 'bool':
        if (typeof value !== 'boolean') throw fail(p, `expected a boolean, got ${describe(value)}`);
        return value;
      case 'bytes': {
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value))
          throw fail(p, `expected base64 bytes, got ${describe(value)}`);
        return Buffer.from(value, 'base64');
      }
      case 'double':
      case 'float': {
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        if (value === 'NaN') return NaN;
        if (value === 'Infinity') return Infinity;
        if (value === '-Infinity') return -Infinity;
        if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
        throw fail(p, `expected a number, got ${describe(value)}`);
      }
      default: {
        const range = INT_RANGES[kind];
        if (!range) throw fail(p, `unsupported scalar type ${kind}`);
        if (typeof value === 'number' && Number.isSafeInteger(value) && !IS_64.has(kind)) {
          if (value < range[0] || value > range[1]) throw fail(p, `${value} out of range for ${kind}`);
          return value;
        }
        let n: bigint;
        if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
        else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = BigInt(value);
        else throw fail(p, `expected an integer (${kind}), got ${describe(value)}`);
        if (n < range[0] || n > range[1]) throw fail(p, `${value} out of range for ${kind}`);
        return IS_64.has(kind) ? n.toString() : Number(n);
      }
    }
  }

  /** proto3 JSON special forms of the google.protobuf well-known types. */
  private wellKnown(type: protobuf.Type, name: string, json: unknown, p: Path): Plain {
    if (WRAPPERS.has(name)) {
      const inner = type.fields.value;
      if (!inner) throw fail(p, 'malformed wrapper type');
      const v = this.scalar(inner.type, json, p);
      return isDefaultScalar(v) ? {} : { value: v };
    }
    switch (name) {
      case '.google.protobuf.Duration':
        return parseDuration(json, p);
      case '.google.protobuf.Timestamp':
        return parseTimestamp(json, p);
      case '.google.protobuf.Any':
        return this.any(json, p);
      case '.google.protobuf.Struct': {
        if (!isPlainObject(json)) throw fail(p, `expected an object (Struct), got ${describe(json)}`);
        const fields: Plain = {};
        for (const k in json) fields[k] = this.value(json[k], at(p, k));
        return { fields };
      }
      case '.google.protobuf.Value':
        return this.value(json, p);
      case '.google.protobuf.ListValue': {
        if (!Array.isArray(json)) throw fail(p, `expected an array (ListValue), got ${describe(json)}`);
        return { values: json.map((v, i) => this.value(v, at(p, i))) };
      }
      case '.google.protobuf.Empty':
        if (!isPlainObject(json) || Object.keys(json).length) throw fail(p, 'expected {} (Empty)');
        return {};
      default: // FieldMask
        if (typeof json !== 'string') throw fail(p, `expected a string (FieldMask), got ${describe(json)}`);
        return {
          paths: json === '' ? [] : json.split(',').map((x) => x.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
        };
    }
  }

  private value(json: unknown, p: Path): Plain {
    if (json === null) return { null_value: 0 };
    if (typeof json === 'number') {
      if (!Number.isFinite(json)) throw fail(p, 'non-finite number in a Value');
      return { number_value: json };
    }
    if (typeof json === 'string') return { string_value: json };
    if (typeof json === 'boolean') return { bool_value: json };
    if (Array.isArray(json)) return { list_value: { values: json.map((v, i) => this.value(v, at(p, i))) } };
    if (isPlainObject(json)) {
      const fields: Plain = {};
      for (const k in json) fields[k] = this.value(json[k], at(p, k));
      return { struct_value: { fields } };
    }
    throw fail(p, `not a JSON value: ${describe(json)}`);
  }

  private any(json: unknown, p: Path): Plain {
    if (!isPlainObject(json)) throw fail(p, `expected an object (Any), got ${describe(json)}`);
    const typeUrl = json['@type'];
    if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) throw fail(p, "Any without a valid '@type'");
    let inner: protobuf.Type;
    try {
      inner = this.protos.lookupType(typeUrl);
    } catch {
      throw fail(at(p, '@type'), `unknown type ${typeUrl} (not among the loaded Envoy protos)`);
    }
    const { '@type': _t, ...rest } = json;
    let body: unknown = rest;
    const innerName = typeInfo(inner).fullName;
    if (SPECIAL.has(innerName) && innerName !== '.google.protobuf.Empty') {
      if (Object.keys(rest).some((k) => k !== 'value'))
        throw fail(p, `Any of ${innerName.slice(1)} takes only 'value'`);
      body = rest.value;
    }
    const plain = this.message(inner, body, at(p, `<${innerName.slice(1)}>`));
    return { type_url: typeUrl, value: inner.encode(plain).finish() };
  }

  // -------------------------------------------------------------------------------------------------------------------
  // protoc-gen-validate (subset): message.required, string/bytes lengths, prefix/suffix/const/in, well-known header
  // regexes, numeric const/lt/lte/gt/gte/in/not_in, enum defined_only/in/not_in, repeated min/max items + items rules,
  // map min/max pairs, duration required/lt/lte/gt/gte, any required, oneof (validate.required).

  private checkMessageRules(info: TypeInfo, out: Plain, p: Path): void {
    for (const o of info.requiredOneofs) {
      if (!o.members.some((n) => n in out))
        throw fail(p, `oneof ${o.name} is required (one of ${o.members.join(', ')})`);
    }
    for (const fi of info.ruled) {
      const present = fi.name in out;
      if (fi.oneof && !present) continue;
      this.checkRules(fi.rules!, fi, out[fi.name], present, at(p, fi.name), fi.repeated, fi.map);
    }
  }

  private checkRules(
    rules: Plain,
    fi: FieldInfo,
    value: unknown,
    present: boolean,
    p: Path,
    repeated: boolean,
    map: boolean,
  ): void {
    if (isPlainObject(rules.message) && rules.message.required === true && !present)
      throw fail(p, 'required field is missing');
    if (repeated) {
      const r = rules.repeated;
      if (!isPlainObject(r)) return;
      const arr = (value as unknown[] | undefined) ?? [];
      if (r.ignore_empty === true && arr.length === 0) return;
      if (typeof r.min_items === 'number' && arr.length < r.min_items)
        throw fail(p, `needs at least ${r.min_items} item(s)`);
      if (typeof r.max_items === 'number' && arr.length > r.max_items)
        throw fail(p, `allows at most ${r.max_items} item(s)`);
      if (isPlainObject(r.items))
        for (const [i, v] of arr.entries()) this.checkRules(r.items as Plain, fi, v, true, at(p, i), false, false);
      return;
    }
    if (map) {
      const r = rules.map;
      if (!isPlainObject(r)) return;
      const n = Object.keys((value as object | undefined) ?? {}).length;
      if (typeof r.min_pairs === 'number' && n < r.min_pairs) throw fail(p, `needs at least ${r.min_pairs} pair(s)`);
      if (typeof r.max_pairs === 'number' && n > r.max_pairs) throw fail(p, `allows at most ${r.max_pairs} pair(s)`);
      return;
    }
    if (fi.message) {
      const name = fi.messageName!;
      if (name === '.google.protobuf.Duration' && isPlainObject(rules.duration)) {
        const r = rules.duration;
        if (r.required === true && !present) throw fail(p, 'required duration is missing');
        if (present) checkOrdered(r, durationNanos(value as Plain), (o) => durationNanos(o as Plain), p);
        return;
      }
      if (name === '.google.protobuf.Any' && isPlainObject(rules.any)) {
        if (rules.any.required === true && !present) throw fail(p, 'required Any is missing');
        return;
      }
      if (WRAPPERS.has(name) && present) {
        const inner = fi.message.fields.value;
        if (inner) this.checkScalar(rules, inner.type, (value as Plain).value ?? defaultOf(inner.type), p);
      }
      return;
    }
    if (fi.enumType) {
      const r = rules.enum;
      if (!isPlainObject(r)) return;
      const n = (value as number | undefined) ?? 0;
      if (r.defined_only === true && !Object.values(fi.enumType.values).includes(n))
        throw fail(p, `${n} is not a defined ${fi.enumType.name} value`);
      if (Array.isArray(r.in) && !r.in.includes(n)) throw fail(p, `${n} not in ${JSON.stringify(r.in)}`);
      if (Array.isArray(r.not_in) && r.not_in.includes(n)) throw fail(p, `${n} is not allowed`);
      return;
    }
    this.checkScalar(rules, fi.scalar!, present ? value : defaultOf(fi.scalar!), p);
  }

  private checkScalar(rules: Plain, kind: string, value: unknown, p: Path): void {
    if (kind === 'string' || kind === 'bytes') {
      const r = rules[kind];
      if (!isPlainObject(r)) return;
      const s = value as string | Buffer;
      const len = typeof s === 'string' ? [...s].length : s.length;
      const bytes = typeof s === 'string' ? Buffer.byteLength(s) : s.length;
      if (r.ignore_empty === true && len === 0) return;
      if (num(r.min_len) !== undefined && len < num(r.min_len)!) throw fail(p, `length must be ≥ ${r.min_len}`);
      if (num(r.max_len) !== undefined && len > num(r.max_len)!) throw fail(p, `length must be ≤ ${r.max_len}`);
      if (num(r.len) !== undefined && len !== num(r.len)) throw fail(p, `length must be ${r.len}`);
      if (num(r.min_bytes) !== undefined && bytes < num(r.min_bytes)!)
        throw fail(p, `must have ≥ ${r.min_bytes} bytes`);
      if (num(r.max_bytes) !== undefined && bytes > num(r.max_bytes)!)
        throw fail(p, `must have ≤ ${r.max_bytes} bytes`);
      if (typeof s === 'string') {
        if (typeof r.const === 'string' && s !== r.const) throw fail(p, `must be ${JSON.stringify(r.const)}`);
        if (typeof r.prefix === 'string' && !s.startsWith(r.prefix)) throw fail(p, `must start with ${r.prefix}`);
        if (typeof r.suffix === 'string' && !s.endsWith(r.suffix)) throw fail(p, `must end with ${r.suffix}`);
        if (typeof r.contains === 'string' && !s.includes(r.contains)) throw fail(p, `must contain ${r.contains}`);
        if (Array.isArray(r.in) && !r.in.includes(s)) throw fail(p, `${JSON.stringify(s)} not allowed`);
        if (Array.isArray(r.not_in) && r.not_in.includes(s)) throw fail(p, `${JSON.stringify(s)} not allowed`);
        const strict = r.strict !== false;
        if (
          r.well_known_regex === 'HTTP_HEADER_NAME' &&
          s !== '' &&
          !(strict ? /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/ : /^[^\0\n\r]+$/).test(s)
        ) {
          throw fail(p, `${JSON.stringify(s)} is not a valid HTTP header name`);
        }
        if (
          r.well_known_regex === 'HTTP_HEADER_VALUE' &&
          // biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 7230 header values exclude these control characters
          !(strict ? /^[^\0-\x08\x0A-\x1F\x7F]*$/ : /^[^\0\n\r]*$/).test(s)
        ) {
          throw fail(p, `${JSON.stringify(s)} is not a valid HTTP header value`);
        }
      }
      return;
    }
    if (kind === 'bool') {
      const r = rules.bool;
      if (isPlainObject(r) && typeof r.const === 'boolean' && value !== r.const) throw fail(p, `must be ${r.const}`);
      return;
    }
    const r = rules[kind];
    if (!isPlainObject(r)) return;
    if (r.ignore_empty === true && (value === 0 || value === '0')) return;
    const toBig = (v: unknown): number | bigint =>
      kind === 'double' || kind === 'float' ? Number(v) : BigInt(v as string | number);
    checkOrdered(r, toBig(value), toBig, p);
  }
}

function checkOrdered(r: Plain, v: number | bigint, conv: (o: unknown) => number | bigint, p: Path): void {
  const cmp = (key: string, ok: (a: number | bigint, b: number | bigint) => boolean, what: string) => {
    if (r[key] === undefined) return;
    const bound = conv(r[key]);
    if (!ok(v, bound)) throw fail(p, `${String(v)} must be ${what} ${String(bound)}`);
  };
  cmp('const', (a, b) => a === b, '=');
  cmp('lt', (a, b) => a < b, '<');
  cmp('lte', (a, b) => a <= b, '≤');
  cmp('gt', (a, b) => a > b, '>');
  cmp('gte', (a, b) => a >= b, '≥');
  if (Array.isArray(r.in) && !r.in.map(conv).some((b) => b === v)) throw fail(p, `${String(v)} not allowed`);
  if (Array.isArray(r.not_in) && r.not_in.map(conv).some((b) => b === v)) throw fail(p, `${String(v)} not allowed`);
}

function fieldRules(field: protobuf.Field): Plain | undefined {
  const parsed = (field as unknown as { parsedOptions?: Plain[] | null }).parsedOptions;
  if (!parsed) return undefined;
  for (const o of parsed) {
    const r = o['(validate.rules)'];
    if (isPlainObject(r)) return r;
  }
  return undefined;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

function durationNanos(d: Plain): bigint {
  return (
    BigInt((d.seconds as string | number | undefined) ?? 0) * 1_000_000_000n +
    BigInt((d.nanos as number | undefined) ?? 0)
  );
}

function defaultOf(kind: string): unknown {
  if (kind === 'string') return '';
  if (kind === 'bytes') return Buffer.alloc(0);
  if (kind === 'bool') return false;
  return IS_64.has(kind) ? '0' : 0;
}

function isDefaultScalar(v: unknown): boolean {
  return v === 0 || v === '0' || v === '' || v === false || (Buffer.isBuffer(v) && v.length === 0);
}

function enumValue(e: protobuf.Enum, value: unknown, p: Path): number {
  if (typeof value === 'string') {
    const n = e.values[value];
    if (n === undefined) throw fail(p, `${JSON.stringify(value)} is not a ${e.name} value`);
    return n;
  }
  if (typeof value === 'number' && Number.isInteger(value) && Object.values(e.values).includes(value)) return value;
  throw fail(p, `expected a ${e.name} name, got ${describe(value)}`);
}

function parseDuration(json: unknown, p: Path): Plain {
  const m = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!m) throw fail(p, `expected a duration string like "1.5s", got ${describe(json)}`);
  const seconds = Number(m[2]);
  if (seconds > MAX_DURATION_SECONDS) throw fail(p, 'duration out of range');
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  const sign = m[1] ? -1 : 1;
  const out: Plain = {};
  if (seconds) out.seconds = String(sign * seconds);
  if (nanos) out.nanos = sign * nanos;
  return out;
}

function parseTimestamp(json: unknown, p: Path): Plain {
  const m =
    typeof json === 'string'
      ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(json)
      : null;
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw fail(p, `expected an RFC 3339 timestamp, got ${describe(json)}`);
  const nanos = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  const out: Plain = {};
  if (ms) out.seconds = String(Math.floor(ms / 1000));
  if (nanos) out.nanos = nanos;
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// protobufjs message → proto3 JSON (snake_case), for config dumps and tests.

function toJson(protos: EnvoyProtos, type: protobuf.Type, msg: unknown): unknown {
  const m = msg as Record<string, unknown>;
  const name = type.fullName;
  if (WRAPPERS.has(name)) {
    const inner = type.fields.value!;
    return scalarToJson(inner.type, m.value ?? defaultOf(inner.type));
  }
  switch (name) {
    case '.google.protobuf.Duration': {
      const total = BigInt(String(m.seconds ?? 0)) * 1_000_000_000n + BigInt(Number(m.nanos ?? 0));
      const neg = total < 0n;
      const abs = neg ? -total : total;
      const s = abs / 1_000_000_000n;
      const n = abs % 1_000_000_000n;
      let frac = n === 0n ? '' : `.${n.toString().padStart(9, '0')}`;
      if (frac.endsWith('000000')) frac = frac.slice(0, 4);
      else if (frac.endsWith('000')) frac = frac.slice(0, 7);
      return `${neg ? '-' : ''}${s}${frac}s`;
    }
    case '.google.protobuf.Any': {
      const inner = protos.lookupType(String(m.type_url));
      const body = toJson(protos, inner, inner.decode(m.value as Uint8Array));
      return isPlainObject(body) && !WRAPPERS.has(inner.fullName) && inner.fullName !== '.google.protobuf.Duration'
        ? { '@type': m.type_url, ...body }
        : { '@type': m.type_url, value: body };
    }
    case '.google.protobuf.Struct': {
      const out: Plain = {};
      for (const [k, v] of Object.entries((m.fields as Plain | undefined) ?? {})) out[k] = valueToJson(v as Plain);
      return out;
    }
    case '.google.protobuf.Value':
      return valueToJson(m);
    case '.google.protobuf.ListValue':
      return ((m.values as Plain[] | undefined) ?? []).map(valueToJson);
    default:
      break;
  }
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(m, field.name)) continue;
    const v = m[field.name];
    if (v === undefined || v === null) continue;
    if (
      field.partOf &&
      !field.partOf.isProto3Optional &&
      (m as Record<string, unknown>)[field.partOf.name] !== undefined &&
      (m as Record<string, unknown>)[field.partOf.name] !== field.name
    )
      continue;
    const one = (x: unknown): unknown => {
      const rt = field.resolvedType;
      if (rt instanceof protobuf.Type) return toJson(protos, rt, x);
      if (rt instanceof protobuf.Enum) return rt.valuesById[x as number] ?? x;
      return scalarToJson(field.type, x);
    };
    if (field.map) {
      const o: Plain = {};
      for (const [k, x] of Object.entries(v as Plain)) o[k] = one(x);
      if (Object.keys(o).length) out[field.name] = o;
    } else if (field.repeated) {
      if ((v as unknown[]).length) out[field.name] = (v as unknown[]).map(one);
    } else {
      out[field.name] = one(v);
    }
  }
  return out;
}

function valueToJson(v: Plain): unknown {
  if ('struct_value' in v && v.struct_value) {
    const out: Plain = {};
    for (const [k, x] of Object.entries(((v.struct_value as Plain).fields as Plain | undefined) ?? {}))
      out[k] = valueToJson(x as Plain);
    return out;
  }
  if ('list_value' in v && v.list_value)
    return (((v.list_value as Plain).values as Plain[] | undefined) ?? []).map(valueToJson);
  if ('string_value' in v && v.string_value !== undefined) return v.string_value;
  if ('number_value' in v && v.number_value !== undefined) return v.number_value;
  if ('bool_value' in v && v.bool_value !== undefined) return v.bool_value;
  return null;
}

function scalarToJson(kind: string, v: unknown): unknown {
  if (kind === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (IS_64.has(kind)) return String(v);
  return v;
}

// The Envoy API protos (as shipped by @grpc/grpc-js-xds) and a strict proto3-JSON → protobuf encoder.
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

const require = createRequire(import.meta.url);

/** Proto files loaded by `loadEnvoyProtos` (their imports are loaded too). */
export const ENVOY_PROTO_FILES: readonly string[] = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/clusters/aggregate/v3/cluster.proto',
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
];

export interface EnvoyProtos {
  root: protobuf.Root;
  /** Include directories (envoy-api, xds, googleapis, protoc-gen-validate, protobufjs' google/protobuf). */
  includeDirs: readonly string[];
  /** Looks up a message type by full name ('envoy.config.cluster.v3.Cluster') or type URL. Throws if unknown. */
  lookupType(nameOrTypeUrl: string): protobuf.Type;
}

let loaded: EnvoyProtos | undefined;

function depsDir(): string {
  return path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
}

/** Include directories for @grpc/proto-loader or protoc when loading the Envoy API. */
export function envoyIncludeDirs(): string[] {
  const deps = depsDir();
  return [
    path.join(deps, 'envoy-api'),
    path.join(deps, 'xds'),
    path.join(deps, 'googleapis'),
    path.join(deps, 'protoc-gen-validate'),
    path.dirname(require.resolve('protobufjs/package.json')),
  ];
}

/** Loads (once per process) the Envoy API protos with field names kept in snake_case. */
export function loadEnvoyProtos(): EnvoyProtos {
  if (loaded) return loaded;
  const descriptor = require('protobufjs/google/protobuf/descriptor.json') as { nested: { google: { nested: { protobuf: { nested: protobuf.INamespace['nested'] } } } } };
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
    keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: envoyIncludeDirs(), ...options,
  });
}

export class EncodeError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path || '<root>'}: ${message}`);
    this.name = 'EncodeError';
  }
}

export interface EncodeOptions {
  /** Reject fields marked `deprecated = true` in the Envoy API (tests use this; Envoy only warns for most). Default false. */
  rejectDeprecated?: boolean;
  /** Check the protoc-gen-validate rules (the subset listed in checkRules). Default true. */
  validate?: boolean;
}

/** Encodes a proto3-JSON resource as the bytes of a google.protobuf.Any (type_url = typeUrl). */
export function encodeResource(typeUrl: string, json: Record<string, unknown>, options: EncodeOptions = {}): Buffer {
  const protos = loadEnvoyProtos();
  const value = encodeMessage(typeUrl, json, options);
  const any = protos.lookupType('google.protobuf.Any');
  return Buffer.from(any.encode({ type_url: typeUrl, value }).finish());
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
  const conv = new Converter(protos, { rejectDeprecated: options.rejectDeprecated ?? false, validate: options.validate ?? true });
  const plain = conv.message(type, json, '');
  return Buffer.from(type.encode(plain).finish());
}

/** The { type_url, value } form of an Any, as @grpc/proto-loader serializers expect inside a DiscoveryResponse. */
export function toAny(typeUrl: string, json: Record<string, unknown>, options: EncodeOptions = {}): { type_url: string; value: Buffer } {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, json, options) };
}

/** Decodes an encoded google.protobuf.Any into its type URL and proto3-JSON value (nested Any expanded with '@type'). */
export function decodeResource(anyBytes: Uint8Array): { typeUrl: string; resource: Record<string, unknown> } {
  const protos = loadEnvoyProtos();
  const any = protos.lookupType('google.protobuf.Any').decode(anyBytes) as unknown as { type_url: string; value: Uint8Array };
  const type = protos.lookupType(any.type_url);
  return { typeUrl: any.type_url, resource: toJson(protos, type, type.decode(any.value)) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------------------
// proto3 JSON → protobufjs plain object

type Plain = Record<string, unknown>;
const WRAPPERS = new Set([
  '.google.protobuf.DoubleValue', '.google.protobuf.FloatValue', '.google.protobuf.Int64Value', '.google.protobuf.UInt64Value',
  '.google.protobuf.Int32Value', '.google.protobuf.UInt32Value', '.google.protobuf.BoolValue', '.google.protobuf.StringValue',
  '.google.protobuf.BytesValue',
]);
const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
};
const IS_64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const MAX_DURATION_SECONDS = 315_576_000_000;

interface FieldIndex { byName: Map<string, protobuf.Field>; }
const fieldIndexes = new WeakMap<protobuf.Type, FieldIndex>();
function fieldIndex(type: protobuf.Type): FieldIndex {
  let idx = fieldIndexes.get(type);
  if (!idx) {
    const byName = new Map<string, protobuf.Field>();
    for (const f of type.fieldsArray) {
      byName.set(f.name, f);
      const json = f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (json !== f.name) byName.set(json, f);
    }
    idx = { byName };
    fieldIndexes.set(type, idx);
  }
  return idx;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

class Converter {
  constructor(private readonly protos: EnvoyProtos, private readonly opts: Required<EncodeOptions>) {}

  message(type: protobuf.Type, json: unknown, p: string): Plain {
    const special = this.wellKnown(type, json, p);
    if (special !== undefined) return special;
    if (!isPlainObject(json)) throw new EncodeError(p, `expected an object for ${type.fullName.slice(1)}, got ${describe(json)}`);
    const out: Plain = {};
    const idx = fieldIndex(type);
    const setOneofs = new Map<string, string>();
    const seen = new Set<protobuf.Field>();
    for (const [key, value] of Object.entries(json)) {
      const field = idx.byName.get(key);
      const fp = p ? `${p}.${key}` : key;
      if (!field) throw new EncodeError(fp, `unknown field for ${type.fullName.slice(1)}`);
      if (value === undefined) continue;
      if (seen.has(field)) throw new EncodeError(fp, `field ${field.name} given twice`);
      seen.add(field);
      if (value === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
      if (this.opts.rejectDeprecated && field.options?.['deprecated'] === true) throw new EncodeError(fp, `field ${field.name} is deprecated`);
      const oneof = field.partOf;
      if (oneof && !oneof.isProto3Optional) {
        const other = setOneofs.get(oneof.name);
        if (other) throw new EncodeError(fp, `oneof ${oneof.name} already has ${other}`);
        setOneofs.set(oneof.name, field.name);
      }
      const converted = this.field(field, value, fp);
      if (converted === undefined) continue;
      // Canonical encoding: proto3 implicit-presence scalars equal to their default are not written.
      if (!oneof && !field.repeated && !field.map && !field.resolvedType && isDefaultScalar(converted)) continue;
      if (!oneof && !field.repeated && !field.map && field.resolvedType instanceof protobuf.Enum && converted === 0) continue;
      if ((field.repeated && (converted as unknown[]).length === 0) || (field.map && Object.keys(converted as object).length === 0)) continue;
      out[field.name] = converted;
    }
    if (this.opts.validate) this.checkMessageRules(type, out, p);
    return out;
  }

  private field(field: protobuf.Field, value: unknown, p: string): unknown {
    if (field.map) {
      if (!isPlainObject(value)) throw new EncodeError(p, `expected an object (map), got ${describe(value)}`);
      const out: Plain = {};
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const [k, v] of Object.entries(value)) {
        if (keyType !== 'string') this.scalar(keyType, /^(true|false)$/.test(k) ? k === 'true' : k, `${p}[${k}]`);
        out[k] = this.single(field, v, `${p}[${JSON.stringify(k)}]`);
      }
      return out;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) throw new EncodeError(p, `expected an array, got ${describe(value)}`);
      return value.map((v, i) => {
        if (v === null) throw new EncodeError(`${p}[${i}]`, 'null element in a repeated field');
        return this.single(field, v, `${p}[${i}]`);
      });
    }
    return this.single(field, value, p);
  }

  private single(field: protobuf.Field, value: unknown, p: string): unknown {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) return this.message(rt, value, p);
    if (rt instanceof protobuf.Enum) return enumValue(rt, value, p);
    return this.scalar(field.type, value, p);
  }

  scalar(kind: string, value: unknown, p: string): unknown {
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') throw new EncodeError(p, `expected a string, got ${describe(value)}`);
        return value;
      case 'bool':
        if (typeof value !== 'boolean') throw new EncodeError(p, `expected a boolean, got ${describe(value)}`);
        return value;
      case 'bytes': {
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new EncodeError(p, `expected base64 bytes, got ${describe(value)}`);
        return Buffer.from(value, 'base64');
      }
      case 'double': case 'float': {
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        if (value === 'NaN') return NaN;
        if (value === 'Infinity') return Infinity;
        if (value === '-Infinity') return -Infinity;
        if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
        throw new EncodeError(p, `expected a number, got ${describe(value)}`);
      }
      default: {
        const range = INT_RANGES[kind];
        if (!range) throw new EncodeError(p, `unsupported scalar type ${kind}`);
        let n: bigint;
        if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
        else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = BigInt(value);
        else throw new EncodeError(p, `expected an integer (${kind}), got ${describe(value)}`);
        if (n < range[0] || n > range[1]) throw new EncodeError(p, `${value} out of range for ${kind}`);
        return IS_64.has(kind) ? n.toString() : Number(n);
      }
    }
  }

  /** proto3 JSON special forms; undefined when `type` is an ordinary message. */
  private wellKnown(type: protobuf.Type, json: unknown, p: string): Plain | undefined {
    const name = type.fullName;
    if (!name.startsWith('.google.protobuf.')) return undefined;
    if (WRAPPERS.has(name)) {
      const inner = type.fields['value'];
      if (!inner) throw new EncodeError(p, 'malformed wrapper type');
      const v = this.scalar(inner.type, json, p);
      return isDefaultScalar(v) ? {} : { value: v };
    }
    switch (name) {
      case '.google.protobuf.Duration': return parseDuration(json, p);
      case '.google.protobuf.Timestamp': return parseTimestamp(json, p);
      case '.google.protobuf.Any': return this.any(json, p);
      case '.google.protobuf.Struct': {
        if (!isPlainObject(json)) throw new EncodeError(p, `expected an object (Struct), got ${describe(json)}`);
        const fields: Plain = {};
        for (const [k, v] of Object.entries(json)) fields[k] = this.value(v, `${p}.${k}`);
        return { fields };
      }
      case '.google.protobuf.Value': return this.value(json, p);
      case '.google.protobuf.ListValue': {
        if (!Array.isArray(json)) throw new EncodeError(p, `expected an array (ListValue), got ${describe(json)}`);
        return { values: json.map((v, i) => this.value(v, `${p}[${i}]`)) };
      }
      case '.google.protobuf.Empty':
        if (!isPlainObject(json) || Object.keys(json).length) throw new EncodeError(p, 'expected {} (Empty)');
        return {};
      case '.google.protobuf.FieldMask':
        if (typeof json !== 'string') throw new EncodeError(p, `expected a string (FieldMask), got ${describe(json)}`);
        return { paths: json === '' ? [] : json.split(',').map((s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) };
      default: return undefined;
    }
  }

  private value(json: unknown, p: string): Plain {
    if (json === null) return { null_value: 0 };
    if (typeof json === 'number') {
      if (!Number.isFinite(json)) throw new EncodeError(p, 'non-finite number in a Value');
      return { number_value: json };
    }
    if (typeof json === 'string') return { string_value: json };
    if (typeof json === 'boolean') return { bool_value: json };
    if (Array.isArray(json)) return { list_value: { values: json.map((v, i) => this.value(v, `${p}[${i}]`)) } };
    if (isPlainObject(json)) {
      const fields: Plain = {};
      for (const [k, v] of Object.entries(json)) fields[k] = this.value(v, `${p}.${k}`);
      return { struct_value: { fields } };
    }
    throw new EncodeError(p, `not a JSON value: ${describe(json)}`);
  }

  private any(json: unknown, p: string): Plain {
    if (!isPlainObject(json)) throw new EncodeError(p, `expected an object (Any), got ${describe(json)}`);
    const typeUrl = json['@type'];
    if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) throw new EncodeError(p, "Any without a valid '@type'");
    let inner: protobuf.Type;
    try {
      inner = this.protos.lookupType(typeUrl);
    } catch {
      throw new EncodeError(`${p}.@type`, `unknown type ${typeUrl} (not among the loaded Envoy protos)`);
    }
    const { '@type': _t, ...rest } = json;
    let body: unknown = rest;
    const innerName = inner.fullName;
    if (innerName.startsWith('.google.protobuf.') && (WRAPPERS.has(innerName) || ['.google.protobuf.Duration', '.google.protobuf.Timestamp',
      '.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue', '.google.protobuf.FieldMask', '.google.protobuf.Any'].includes(innerName))) {
      if (Object.keys(rest).some((k) => k !== 'value')) throw new EncodeError(p, `Any of ${innerName.slice(1)} takes only 'value'`);
      body = rest['value'];
    }
    const plain = this.message(inner, body, `${p}<${innerName.slice(1)}>`);
    return { type_url: typeUrl, value: inner.encode(plain).finish() };
  }

  // -------------------------------------------------------------------------------------------------------------------
  // protoc-gen-validate (subset): message.required, string/bytes lengths, prefix/suffix/const/in, well-known header
  // regexes, numeric const/lt/lte/gt/gte/in/not_in, enum defined_only/in/not_in, repeated min/max items + items rules,
  // map min/max pairs, duration required/lt/lte/gt/gte, any required, oneof (validate.required).

  private checkMessageRules(type: protobuf.Type, out: Plain, p: string): void {
    for (const oneof of type.oneofsArray) {
      if (oneof.options?.['(validate.required)'] === true && !oneof.oneof.some((n) => n in out)) {
        throw new EncodeError(p, `oneof ${oneof.name} is required (one of ${oneof.oneof.join(', ')})`);
      }
    }
    for (const field of type.fieldsArray) {
      const rules = fieldRules(field);
      if (!rules) continue;
      const fp = p ? `${p}.${field.name}` : field.name;
      const present = field.name in out;
      const value = out[field.name];
      if (field.partOf && !field.partOf.isProto3Optional && !present) continue;
      this.checkRules(rules, field, field.repeated || field.map ? value : value, present, fp, field.repeated, field.map);
    }
  }

  private checkRules(rules: Plain, field: protobuf.Field, value: unknown, present: boolean, p: string, repeated: boolean, map: boolean): void {
    if (rules['message'] && isPlainObject(rules['message']) && rules['message']['required'] === true && !present) {
      throw new EncodeError(p, 'required field is missing');
    }
    if (repeated) {
      const r = rules['repeated'];
      if (!isPlainObject(r)) return;
      const arr = (value as unknown[] | undefined) ?? [];
      if (r['ignore_empty'] === true && arr.length === 0) return;
      if (typeof r['min_items'] === 'number' && arr.length < r['min_items']) throw new EncodeError(p, `needs at least ${r['min_items']} item(s)`);
      if (typeof r['max_items'] === 'number' && arr.length > r['max_items']) throw new EncodeError(p, `allows at most ${r['max_items']} item(s)`);
      if (isPlainObject(r['items'])) arr.forEach((v, i) => this.checkRules(r['items'] as Plain, field, v, true, `${p}[${i}]`, false, false));
      return;
    }
    if (map) {
      const r = rules['map'];
      if (!isPlainObject(r)) return;
      const n = Object.keys((value as object | undefined) ?? {}).length;
      if (typeof r['min_pairs'] === 'number' && n < r['min_pairs']) throw new EncodeError(p, `needs at least ${r['min_pairs']} pair(s)`);
      if (typeof r['max_pairs'] === 'number' && n > r['max_pairs']) throw new EncodeError(p, `allows at most ${r['max_pairs']} pair(s)`);
      return;
    }
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) {
      if (rt.fullName === '.google.protobuf.Duration' && isPlainObject(rules['duration'])) {
        const r = rules['duration'];
        if (r['required'] === true && !present) throw new EncodeError(p, 'required duration is missing');
        if (present) checkOrdered(r, durationNanos(value as Plain), (o) => durationNanos(o as Plain), p);
        return;
      }
      if (rt.fullName === '.google.protobuf.Any' && isPlainObject(rules['any'])) {
        if (rules['any']['required'] === true && !present) throw new EncodeError(p, 'required Any is missing');
        return;
      }
      if (WRAPPERS.has(rt.fullName) && present) {
        const inner = rt.fields['value'];
        if (inner) this.checkScalar(rules, inner.type, (value as Plain)['value'] ?? defaultOf(inner.type), p);
      }
      return;
    }
    if (rt instanceof protobuf.Enum) {
      const r = rules['enum'];
      if (!isPlainObject(r)) return;
      const n = (value as number | undefined) ?? 0;
      if (r['defined_only'] === true && !Object.values(rt.values).includes(n)) throw new EncodeError(p, `${n} is not a defined ${rt.name} value`);
      if (Array.isArray(r['in']) && !r['in'].includes(n)) throw new EncodeError(p, `${n} not in ${JSON.stringify(r['in'])}`);
      if (Array.isArray(r['not_in']) && r['not_in'].includes(n)) throw new EncodeError(p, `${n} is not allowed`);
      return;
    }
    this.checkScalar(rules, field.type, present ? value : defaultOf(field.type), p);
  }

  private checkScalar(rules: Plain, kind: string, value: unknown, p: string): void {
    if (kind === 'string' || kind === 'bytes') {
      const r = rules[kind];
      if (!isPlainObject(r)) return;
      const s = value as string | Buffer;
      const len = typeof s === 'string' ? [...s].length : s.length;
      const bytes = typeof s === 'string' ? Buffer.byteLength(s) : s.length;
      if (r['ignore_empty'] === true && len === 0) return;
      if (num(r['min_len']) !== undefined && len < num(r['min_len'])!) throw new EncodeError(p, `length must be ≥ ${r['min_len']}`);
      if (num(r['max_len']) !== undefined && len > num(r['max_len'])!) throw new EncodeError(p, `length must be ≤ ${r['max_len']}`);
      if (num(r['len']) !== undefined && len !== num(r['len'])) throw new EncodeError(p, `length must be ${r['len']}`);
      if (num(r['min_bytes']) !== undefined && bytes < num(r['min_bytes'])!) throw new EncodeError(p, `must have ≥ ${r['min_bytes']} bytes`);
      if (num(r['max_bytes']) !== undefined && bytes > num(r['max_bytes'])!) throw new EncodeError(p, `must have ≤ ${r['max_bytes']} bytes`);
      if (typeof s === 'string') {
        if (typeof r['const'] === 'string' && s !== r['const']) throw new EncodeError(p, `must be ${JSON.stringify(r['const'])}`);
        if (typeof r['prefix'] === 'string' && !s.startsWith(r['prefix'])) throw new EncodeError(p, `must start with ${r['prefix']}`);
        if (typeof r['suffix'] === 'string' && !s.endsWith(r['suffix'])) throw new EncodeError(p, `must end with ${r['suffix']}`);
        if (typeof r['contains'] === 'string' && !s.includes(r['contains'])) throw new EncodeError(p, `must contain ${r['contains']}`);
        if (Array.isArray(r['in']) && !r['in'].includes(s)) throw new EncodeError(p, `${JSON.stringify(s)} not allowed`);
        if (Array.isArray(r['not_in']) && r['not_in'].includes(s)) throw new EncodeError(p, `${JSON.stringify(s)} not allowed`);
        const strict = r['strict'] !== false;
        if (r['well_known_regex'] === 'HTTP_HEADER_NAME' && s !== '' && !(strict ? /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/ : /^[^\0\n\r]+$/).test(s)) {
          throw new EncodeError(p, `${JSON.stringify(s)} is not a valid HTTP header name`);
        }
        if (r['well_known_regex'] === 'HTTP_HEADER_VALUE' && !(strict ? /^[^\0-\x08\x0A-\x1F\x7F]*$/ : /^[^\0\n\r]*$/).test(s)) {
          throw new EncodeError(p, `${JSON.stringify(s)} is not a valid HTTP header value`);
        }
      }
      return;
    }
    if (kind === 'bool') {
      const r = rules['bool'];
      if (isPlainObject(r) && typeof r['const'] === 'boolean' && value !== r['const']) throw new EncodeError(p, `must be ${r['const']}`);
      return;
    }
    const r = rules[kind];
    if (!isPlainObject(r)) return;
    if (r['ignore_empty'] === true && (value === 0 || value === '0')) return;
    const toBig = (v: unknown): number | bigint => (kind === 'double' || kind === 'float' ? Number(v) : BigInt(v as string | number));
    checkOrdered(r, toBig(value), toBig, p);
  }
}

function checkOrdered(r: Plain, v: number | bigint, conv: (o: unknown) => number | bigint, p: string): void {
  const cmp = (key: string, ok: (a: number | bigint, b: number | bigint) => boolean, what: string) => {
    if (r[key] === undefined) return;
    const bound = conv(r[key]);
    if (!ok(v, bound)) throw new EncodeError(p, `${String(v)} must be ${what} ${String(bound)}`);
  };
  cmp('const', (a, b) => a === b, '=');
  cmp('lt', (a, b) => a < b, '<');
  cmp('lte', (a, b) => a <= b, '≤');
  cmp('gt', (a, b) => a > b, '>');
  cmp('gte', (a, b) => a >= b, '≥');
  if (Array.isArray(r['in']) && !r['in'].map(conv).some((b) => b === v)) throw new EncodeError(p, `${String(v)} not allowed`);
  if (Array.isArray(r['not_in']) && r['not_in'].map(conv).some((b) => b === v)) throw new EncodeError(p, `${String(v)} not allowed`);
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

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

function durationNanos(d: Plain): bigint {
  return BigInt((d['seconds'] as string | number | undefined) ?? 0) * 1_000_000_000n + BigInt((d['nanos'] as number | undefined) ?? 0);
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

function enumValue(e: protobuf.Enum, value: unknown, p: string): number {
  if (typeof value === 'string') {
    const n = e.values[value];
    if (n === undefined) throw new EncodeError(p, `${JSON.stringify(value)} is not a ${e.name} value`);
    return n;
  }
  if (typeof value === 'number' && Number.isInteger(value) && Object.values(e.values).includes(value)) return value;
  throw new EncodeError(p, `expected a ${e.name} name, got ${describe(value)}`);
}

function parseDuration(json: unknown, p: string): Plain {
  const m = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!m) throw new EncodeError(p, `expected a duration string like "1.5s", got ${describe(json)}`);
  const seconds = Number(m[2]);
  if (seconds > MAX_DURATION_SECONDS) throw new EncodeError(p, 'duration out of range');
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  const sign = m[1] ? -1 : 1;
  const out: Plain = {};
  if (seconds) out['seconds'] = String(sign * seconds);
  if (nanos) out['nanos'] = sign * nanos;
  return out;
}

function parseTimestamp(json: unknown, p: string): Plain {
  const m = typeof json === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(json) : null;
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new EncodeError(p, `expected an RFC 3339 timestamp, got ${describe(json)}`);
  const nanos = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  const out: Plain = {};
  if (ms) out['seconds'] = String(Math.floor(ms / 1000));
  if (nanos) out['nanos'] = nanos;
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
    const inner = type.fields['value']!;
    return scalarToJson(inner.type, m['value'] ?? defaultOf(inner.type));
  }
  switch (name) {
    case '.google.protobuf.Duration': {
      const total = BigInt(String(m['seconds'] ?? 0)) * 1_000_000_000n + BigInt(Number(m['nanos'] ?? 0));
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
      const inner = protos.lookupType(String(m['type_url']));
      const body = toJson(protos, inner, inner.decode(m['value'] as Uint8Array));
      return isPlainObject(body) && !WRAPPERS.has(inner.fullName) && inner.fullName !== '.google.protobuf.Duration'
        ? { '@type': m['type_url'], ...body } : { '@type': m['type_url'], value: body };
    }
    case '.google.protobuf.Struct': {
      const out: Plain = {};
      for (const [k, v] of Object.entries((m['fields'] as Plain | undefined) ?? {})) out[k] = valueToJson(v as Plain);
      return out;
    }
    case '.google.protobuf.Value': return valueToJson(m);
    case '.google.protobuf.ListValue': return ((m['values'] as Plain[] | undefined) ?? []).map(valueToJson);
    default: break;
  }
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(m, field.name)) continue;
    const v = m[field.name];
    if (v === undefined || v === null) continue;
    if (field.partOf && !field.partOf.isProto3Optional && (m as Record<string, unknown>)[field.partOf.name] !== undefined
      && (m as Record<string, unknown>)[field.partOf.name] !== field.name) continue;
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
  if ('struct_value' in v && v['struct_value']) {
    const out: Plain = {};
    for (const [k, x] of Object.entries(((v['struct_value'] as Plain)['fields'] as Plain | undefined) ?? {})) out[k] = valueToJson(x as Plain);
    return out;
  }
  if ('list_value' in v && v['list_value']) return (((v['list_value'] as Plain)['values'] as Plain[] | undefined) ?? []).map(valueToJson);
  if ('string_value' in v && v['string_value'] !== undefined) return v['string_value'];
  if ('number_value' in v && v['number_value'] !== undefined) return v['number_value'];
  if ('bool_value' in v && v['bool_value'] !== undefined) return v['bool_value'];
  return null;
}

function scalarToJson(kind: string, v: unknown): unknown {
  if (kind === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  if (IS_64.has(kind)) return String(v);
  return v;
}

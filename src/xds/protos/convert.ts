// proto3 JSON → protobufjs plain object, strictly: an unknown field, a wrong JSON type, an unknown '@type', two members
// of one oneof, or a violated protoc-gen-validate rule throws an EncodeError naming the path (protobufjs' own
// fromObject ignores unknown fields and coerces types).
import type protobuf from 'protobufjs';
import { at, fail, type Path } from './encode-error.js';
import type { EnvoyProtos } from './load.js';
import { describe, isDefaultScalar, isPlainObject, type Plain, SPECIAL, WRAPPERS } from './proto-json.js';
import { enumValue, parseDuration, parseTimestamp, scalarValue } from './scalars.js';
import { type FieldInfo, typeInfo } from './type-info.js';
import { checkMessageRules } from './validate.js';

export interface ConvertOptions {
  rejectDeprecated: boolean;
  validate: boolean;
}

/** Checked conversions by JSON object and message type, one table per option set (only successes are kept). */
export type Conversions = WeakMap<object, Map<protobuf.Type, Plain>>;

export class Converter {
  constructor(
    private readonly protos: EnvoyProtos,
    private readonly opts: ConvertOptions,
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
      // Canonical encoding: implicit-presence scalars / enums equal to their default, and empty lists, are not written.
      if (fi.map) {
        const entries = this.mapField(fi, value, at(p, key));
        if (Object.keys(entries).length > 0) out[fi.name] = entries;
      } else if (fi.repeated) {
        const items = this.repeatedField(fi, value, at(p, key));
        if (items.length > 0) out[fi.name] = items;
      } else {
        const converted = this.single(fi, value, at(p, key));
        if (fi.oneof || fi.message || !(fi.enumType ? converted === 0 : isDefaultScalar(converted)))
          out[fi.name] = converted;
      }
    }
    if (this.opts.validate) checkMessageRules(info, out, p);
    return out;
  }

  private mapField(fi: FieldInfo, value: unknown, p: Path): Plain {
    if (!isPlainObject(value)) throw fail(p, `expected an object (map), got ${describe(value)}`);
    const out: Plain = {};
    for (const k in value) {
      if (fi.keyType !== 'string') scalarValue(fi.keyType, /^(true|false)$/.test(k) ? k === 'true' : k, at(p, k));
      out[k] = this.single(fi, value[k], at(p, k));
    }
    return out;
  }

  private repeatedField(fi: FieldInfo, value: unknown, p: Path): unknown[] {
    if (!Array.isArray(value)) throw fail(p, `expected an array, got ${describe(value)}`);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null || value[i] === undefined) throw fail(at(p, i), 'null element in a repeated field');
      out[i] = this.single(fi, value[i], at(p, i));
    }
    return out;
  }

  private single(fi: FieldInfo, value: unknown, p: Path): unknown {
    if (fi.message) return this.message(fi.message, value, p);
    if (fi.enumType) return enumValue(fi.enumType, value, p);
    return scalarValue(fi.scalar ?? '', value, p);
  }

  /** proto3 JSON special forms of the google.protobuf well-known types. */
  private wellKnown(type: protobuf.Type, name: string, json: unknown, p: Path): Plain {
    if (WRAPPERS.has(name)) {
      const inner = type.fields.value;
      if (!inner) throw fail(p, 'malformed wrapper type');
      const v = scalarValue(inner.type, json, p);
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
}

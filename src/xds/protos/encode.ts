// Translation produces resources as proto3-JSON objects (snake_case field names, typed Any values carrying '@type').
// `encodeResource` turns one into the bytes of a google.protobuf.Any, as they go on the wire in a DiscoveryResponse.
// The conversion is strict on purpose (see convert.ts), so a mistake in translation fails a test instead of being
// silently dropped.
import type protobuf from 'protobufjs';
import { type Conversions, type ConvertOptions, Converter } from './convert.js';
import { EncodeError } from './encode-error.js';
import { loadEnvoyProtos } from './load.js';

export { EncodeError };

export interface EncodeOptions {
  /** Reject fields marked `deprecated = true` in the Envoy API (tests use this; Envoy only warns for most). Default false. */
  rejectDeprecated?: boolean;
  /** Check the protoc-gen-validate rules (the subset listed in validate.ts). Default true. */
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
const conversionTables = new Map<string, Conversions>();

function conversionsFor(opts: ConvertOptions): Conversions {
  const key = `${opts.rejectDeprecated}|${opts.validate}`;
  let table = conversionTables.get(key);
  if (!table) conversionTables.set(key, (table = new WeakMap()));
  return table;
}

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

// proto3 JSON facts shared by the encoder and the decoder: the well-known wrapper types, the 64-bit kinds (strings
// in JSON), scalar defaults.

/** A JSON object, or a protobufjs plain message object. */
export type Plain = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

export const WRAPPERS = new Set([
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

/** Well-known types with a special JSON form. */
export const SPECIAL = new Set([
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

export const IS_64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

export function defaultOf(kind: string): unknown {
  if (kind === 'string') return '';
  if (kind === 'bytes') return Buffer.alloc(0);
  if (kind === 'bool') return false;
  return IS_64.has(kind) ? '0' : 0;
}

export function isDefaultScalar(v: unknown): boolean {
  return v === 0 || v === '0' || v === '' || v === false || (Buffer.isBuffer(v) && v.length === 0);
}

/** An integer as protobufjs holds it (number, decimal string, or a Long, whose string form is decimal); absent is 0. */
export function toBigInt(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
    ? BigInt(v)
    : BigInt(String(v));
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

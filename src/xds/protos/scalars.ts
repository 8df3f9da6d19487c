// proto3 JSON → protobufjs values for scalars, enums, and the Duration and Timestamp string forms.
import type protobuf from 'protobufjs';
import { fail, type Path } from './encode-error.js';
import { describe, IS_64, type Plain } from './proto-json.js';

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
const MAX_DURATION_SECONDS = 315_576_000_000;

/** A scalar of the given proto type; 64-bit integers become decimal strings, bytes a Buffer. */
export function scalarValue(kind: string, value: unknown, p: Path): unknown {
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

export function enumValue(e: protobuf.Enum, value: unknown, p: Path): number {
  if (typeof value === 'string') {
    const n = e.values[value];
    if (n === undefined) throw fail(p, `${JSON.stringify(value)} is not a ${e.name} value`);
    return n;
  }
  if (typeof value === 'number' && Number.isInteger(value) && Object.values(e.values).includes(value)) return value;
  throw fail(p, `expected a ${e.name} name, got ${describe(value)}`);
}

export function parseDuration(json: unknown, p: Path): Plain {
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

export function parseTimestamp(json: unknown, p: Path): Plain {
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

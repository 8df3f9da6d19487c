// protoc-gen-validate (subset), checked on the converted plain message: message.required, string/bytes lengths,
// prefix/suffix/const/in, well-known header regexes, numeric const/lt/lte/gt/gte/in/not_in, enum defined_only/in/not_in,
// repeated min/max items + items rules, map min/max pairs, duration required/lt/lte/gt/gte, any required, oneof
// (validate.required).
import { at, fail, type Path } from './encode-error.js';
import { defaultOf, isPlainObject, type Plain, toBigInt, WRAPPERS } from './proto-json.js';
import type { FieldInfo, TypeInfo } from './type-info.js';

export function checkMessageRules(info: TypeInfo, out: Plain, p: Path): void {
  for (const o of info.requiredOneofs) {
    if (!o.members.some((n) => n in out)) throw fail(p, `oneof ${o.name} is required (one of ${o.members.join(', ')})`);
  }
  for (const fi of info.ruled) {
    const present = fi.name in out;
    if (fi.oneof && !present) continue;
    checkRules(fi.rules, fi, out[fi.name], present, at(p, fi.name), fi.repeated, fi.map);
  }
}

function checkRules(
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
    const arr = Array.isArray(value) ? value : [];
    if (r.ignore_empty === true && arr.length === 0) return;
    if (typeof r.min_items === 'number' && arr.length < r.min_items)
      throw fail(p, `needs at least ${r.min_items} item(s)`);
    if (typeof r.max_items === 'number' && arr.length > r.max_items)
      throw fail(p, `allows at most ${r.max_items} item(s)`);
    const items = r.items;
    if (isPlainObject(items))
      for (const [i, v] of arr.entries()) checkRules(items, fi, v, true, at(p, i), false, false);
    return;
  }
  if (map) {
    const r = rules.map;
    if (!isPlainObject(r)) return;
    const n = isPlainObject(value) ? Object.keys(value).length : 0;
    if (typeof r.min_pairs === 'number' && n < r.min_pairs) throw fail(p, `needs at least ${r.min_pairs} pair(s)`);
    if (typeof r.max_pairs === 'number' && n > r.max_pairs) throw fail(p, `allows at most ${r.max_pairs} pair(s)`);
    return;
  }
  if (fi.message) {
    const name = fi.messageName;
    if (name === '.google.protobuf.Duration' && isPlainObject(rules.duration)) {
      const r = rules.duration;
      if (r.required === true && !present) throw fail(p, 'required duration is missing');
      if (present) checkOrdered(r, durationNanos(value), durationNanos, p);
      return;
    }
    if (name === '.google.protobuf.Any' && isPlainObject(rules.any)) {
      if (rules.any.required === true && !present) throw fail(p, 'required Any is missing');
      return;
    }
    if (name !== undefined && WRAPPERS.has(name) && present) {
      const inner = fi.message.fields.value;
      const wrapped = isPlainObject(value) ? value.value : undefined;
      if (inner) checkScalar(rules, inner.type, wrapped ?? defaultOf(inner.type), p);
    }
    return;
  }
  if (fi.enumType) {
    const r = rules.enum;
    if (!isPlainObject(r)) return;
    const n = typeof value === 'number' ? value : 0;
    if (r.defined_only === true && !Object.values(fi.enumType.values).includes(n))
      throw fail(p, `${n} is not a defined ${fi.enumType.name} value`);
    if (Array.isArray(r.in) && !r.in.includes(n)) throw fail(p, `${n} not in ${JSON.stringify(r.in)}`);
    if (Array.isArray(r.not_in) && r.not_in.includes(n)) throw fail(p, `${n} is not allowed`);
    return;
  }
  const kind = fi.scalar ?? '';
  checkScalar(rules, kind, present ? value : defaultOf(kind), p);
}

function checkScalar(rules: Plain, kind: string, value: unknown, p: Path): void {
  if (kind === 'string' || kind === 'bytes') {
    const r = rules[kind];
    if (!isPlainObject(r)) return;
    if (typeof value === 'string') checkString(r, value, p);
    else if (Buffer.isBuffer(value)) checkLengths(r, value.length, value.length, p);
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
  const toNumber = (v: unknown): number | bigint => (kind === 'double' || kind === 'float' ? Number(v) : toBigInt(v));
  checkOrdered(r, toNumber(value), toNumber, p);
}

function checkLengths(r: Plain, len: number, bytes: number, p: Path): boolean {
  if (r.ignore_empty === true && len === 0) return false;
  const minLen = num(r.min_len);
  const maxLen = num(r.max_len);
  const exactLen = num(r.len);
  const minBytes = num(r.min_bytes);
  const maxBytes = num(r.max_bytes);
  if (minLen !== undefined && len < minLen) throw fail(p, `length must be ≥ ${r.min_len}`);
  if (maxLen !== undefined && len > maxLen) throw fail(p, `length must be ≤ ${r.max_len}`);
  if (exactLen !== undefined && len !== exactLen) throw fail(p, `length must be ${r.len}`);
  if (minBytes !== undefined && bytes < minBytes) throw fail(p, `must have ≥ ${r.min_bytes} bytes`);
  if (maxBytes !== undefined && bytes > maxBytes) throw fail(p, `must have ≤ ${r.max_bytes} bytes`);
  return true;
}

function checkString(r: Plain, s: string, p: Path): void {
  if (!checkLengths(r, [...s].length, Buffer.byteLength(s), p)) return;
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

const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

/** A Duration as a plain message ({ seconds, nanos }), in nanoseconds. */
function durationNanos(d: unknown): bigint {
  return isPlainObject(d) ? toBigInt(d.seconds) * 1_000_000_000n + toBigInt(d.nanos) : 0n;
}

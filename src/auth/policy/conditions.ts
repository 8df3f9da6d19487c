// The Condition block of IAM policies: operator families, ...IfExists, the
// ForAnyValue/ForAllValues set qualifiers, and the rule that every operator and every key
// must hold (AND) while the values listed for one key are alternatives (OR).
import { isIP } from 'node:net';
import { ipInRange } from '../../net/ip-address.js';
import { arnMatch, wildcardMatch } from './wildcard.js';
import { PolicyError } from './errors.js';

/** Request context values by lower-cased key name; multi-valued keys are arrays. */
export type ConditionContext = ReadonlyMap<string, string | readonly string[]>;

type Family = 'String' | 'Arn' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress' | 'Null';

interface Operator {
  family: Family;
  /** The positive test of one request value against one policy value. */
  test(requestValue: string, policyValue: string): boolean;
  negated: boolean;
}

const num = (v: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN);
const date = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));
const cmp = (parse: (v: string) => number, f: (a: number, b: number) => boolean) =>
  (r: string, p: string) => { const a = parse(r); const b = parse(p); return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b); };

const OPERATORS: Record<string, Operator> = {};
function define(name: string, family: Family, test: Operator['test'], negated = false): void {
  OPERATORS[name.toLowerCase()] = { family, test, negated };
}
define('StringEquals', 'String', (r, p) => r === p);
define('StringNotEquals', 'String', (r, p) => r === p, true);
define('StringEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === p.toLowerCase());
define('StringNotEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === p.toLowerCase(), true);
define('StringLike', 'String', (r, p) => wildcardMatch(p, r));
define('StringNotLike', 'String', (r, p) => wildcardMatch(p, r), true);
define('ArnEquals', 'Arn', (r, p) => arnMatch(p, r));
define('ArnLike', 'Arn', (r, p) => arnMatch(p, r));
define('ArnNotEquals', 'Arn', (r, p) => arnMatch(p, r), true);
define('ArnNotLike', 'Arn', (r, p) => arnMatch(p, r), true);
define('NumericEquals', 'Numeric', cmp(num, (a, b) => a === b));
define('NumericNotEquals', 'Numeric', cmp(num, (a, b) => a === b), true);
define('NumericLessThan', 'Numeric', cmp(num, (a, b) => a < b));
define('NumericLessThanEquals', 'Numeric', cmp(num, (a, b) => a <= b));
define('NumericGreaterThan', 'Numeric', cmp(num, (a, b) => a > b));
define('NumericGreaterThanEquals', 'Numeric', cmp(num, (a, b) => a >= b));
define('DateEquals', 'Date', cmp(date, (a, b) => a === b));
define('DateNotEquals', 'Date', cmp(date, (a, b) => a === b), true);
define('DateLessThan', 'Date', cmp(date, (a, b) => a < b));
define('DateLessThanEquals', 'Date', cmp(date, (a, b) => a <= b));
define('DateGreaterThan', 'Date', cmp(date, (a, b) => a > b));
define('DateGreaterThanEquals', 'Date', cmp(date, (a, b) => a >= b));
define('Bool', 'Bool', (r, p) => r.toLowerCase() === p.toLowerCase());
define('IpAddress', 'IpAddress', (r, p) => inCidr(r, p));
define('NotIpAddress', 'IpAddress', (r, p) => inCidr(r, p), true);
define('Null', 'Null', () => false);

export interface ConditionClause {
  operatorName: string;
  operator: Operator;
  ifExists: boolean;
  set?: 'ForAnyValue' | 'ForAllValues';
  /** Lower-cased context key. */
  key: string;
  values: string[];
}

export function parseConditionBlock(raw: unknown): ConditionClause[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PolicyError('Condition must be an object.');
  const out: ConditionClause[] = [];
  for (const [fullName, keys] of Object.entries(raw)) {
    let name = fullName;
    let set: ConditionClause['set'];
    const qualifier = /^(ForAnyValue|ForAllValues):(.+)$/i.exec(name);
    if (qualifier) {
      set = qualifier[1]!.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
      name = qualifier[2]!;
    }
    const ifExists = /IfExists$/i.test(name) && name.toLowerCase() !== 'null';
    const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
    const operator = OPERATORS[base.toLowerCase()];
    if (!operator) throw new PolicyError(`Invalid Condition type : ${fullName}.`);
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw new PolicyError(`Condition ${fullName} must map keys to values.`);
    for (const [key, value] of Object.entries(keys)) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.length || list.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
        throw new PolicyError(`Condition ${fullName} values for ${key} must be strings, numbers or booleans.`);
      }
      const values = list.map(String);
      if (operator.family === 'IpAddress') for (const v of values) if (!validCidr(v)) throw new PolicyError(`Invalid IP address or CIDR ${v} in ${fullName}.`);
      out.push({ operatorName: fullName, operator, ifExists, ...(set ? { set } : {}), key: key.toLowerCase(), values });
    }
  }
  return out;
}

function matchesOne(op: Operator, requestValue: string, values: string[]): boolean {
  const any = values.some((p) => op.test(requestValue, p));
  return op.negated ? !any : any;
}

/** Whether one clause holds for the request context. */
export function clauseHolds(clause: ConditionClause, context: ConditionContext, substitute: (v: string) => string): boolean {
  const present = context.get(clause.key);
  const requestValues = present === undefined ? [] : (Array.isArray(present) ? present : [present as string]);
  const values = clause.values.map(substitute);
  if (clause.operator.family === 'Null') {
    const absent = requestValues.length === 0;
    return values.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  if (clause.set === 'ForAllValues') return requestValues.every((r) => matchesOne(clause.operator, r, values));
  if (clause.set === 'ForAnyValue') return requestValues.some((r) => matchesOne(clause.operator, r, values));
  if (!requestValues.length) return clause.ifExists || clause.operator.negated;
  return requestValues.some((r) => matchesOne(clause.operator, r, values));
}

function validCidr(text: string): boolean {
  const [addr, bits, extra] = text.split('/');
  if (extra !== undefined || !addr) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** Whether `ip` lies in `cidr` (a bare address means a single host). */
export function inCidr(ip: string, cidr: string): boolean {
  return ipInRange(ip, cidr);
}

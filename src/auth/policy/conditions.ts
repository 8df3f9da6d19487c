// The Condition block of IAM policies: operator families, ...IfExists, the
// ForAnyValue/ForAllValues set qualifiers, and the rule that every operator and every key
// must hold (AND) while the values listed for one key are alternatives (OR).
import { isIP } from 'node:net';
import { ipInRange } from '../../net/ip-address.js';
import { type ConditionContext, compileTemplate, resolve, type Template } from './variables.js';
import { globArnMatch, globMatch, type GlobUnit } from './wildcard.js';
import { PolicyError } from './errors.js';

export type { ConditionContext };

type Family = 'String' | 'Arn' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress' | 'Null';

interface Operator {
  family: Family;
  /** Whether bare `*` and `?` in the policy values are wildcards. */
  wildcards: boolean;
  /** The positive test of one request value against one (resolved) policy value. */
  test(requestValue: string, policyValue: readonly GlobUnit[]): boolean;
  negated: boolean;
}

const text = (units: readonly GlobUnit[]) => units.join('');
const num = (v: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN);
const date = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));
const cmp =
  (parse: (v: string) => number, f: (a: number, b: number) => boolean) => (r: string, p: readonly GlobUnit[]) => {
    const a = parse(r);
    const b = parse(text(p));
    return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
  };

const OPERATORS = new Map<string, Operator>();
function define(name: string, family: Family, test: Operator['test'], negated = false, wildcards = false): void {
  OPERATORS.set(name.toLowerCase(), { family, test, negated, wildcards });
}
define('StringEquals', 'String', (r, p) => r === text(p));
define('StringNotEquals', 'String', (r, p) => r === text(p), true);
define('StringEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === text(p).toLowerCase());
define('StringNotEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === text(p).toLowerCase(), true);
define('StringLike', 'String', (r, p) => globMatch(p, r), false, true);
define('StringNotLike', 'String', (r, p) => globMatch(p, r), true, true);
// ArnEquals and ArnLike behave the same: both match part by part with wildcards.
define('ArnEquals', 'Arn', (r, p) => globArnMatch(p, r), false, true);
define('ArnLike', 'Arn', (r, p) => globArnMatch(p, r), false, true);
define('ArnNotEquals', 'Arn', (r, p) => globArnMatch(p, r), true, true);
define('ArnNotLike', 'Arn', (r, p) => globArnMatch(p, r), true, true);
define(
  'NumericEquals',
  'Numeric',
  cmp(num, (a, b) => a === b),
);
define(
  'NumericNotEquals',
  'Numeric',
  cmp(num, (a, b) => a === b),
  true,
);
define(
  'NumericLessThan',
  'Numeric',
  cmp(num, (a, b) => a < b),
);
define(
  'NumericLessThanEquals',
  'Numeric',
  cmp(num, (a, b) => a <= b),
);
define(
  'NumericGreaterThan',
  'Numeric',
  cmp(num, (a, b) => a > b),
);
define(
  'NumericGreaterThanEquals',
  'Numeric',
  cmp(num, (a, b) => a >= b),
);
define(
  'DateEquals',
  'Date',
  cmp(date, (a, b) => a === b),
);
define(
  'DateNotEquals',
  'Date',
  cmp(date, (a, b) => a === b),
  true,
);
define(
  'DateLessThan',
  'Date',
  cmp(date, (a, b) => a < b),
);
define(
  'DateLessThanEquals',
  'Date',
  cmp(date, (a, b) => a <= b),
);
define(
  'DateGreaterThan',
  'Date',
  cmp(date, (a, b) => a > b),
);
define(
  'DateGreaterThanEquals',
  'Date',
  cmp(date, (a, b) => a >= b),
);
define('Bool', 'Bool', (r, p) => r.toLowerCase() === text(p).toLowerCase());
define('IpAddress', 'IpAddress', (r, p) => inCidr(r, text(p)));
define('NotIpAddress', 'IpAddress', (r, p) => inCidr(r, text(p)), true);
define('Null', 'Null', () => false);

export interface ConditionClause {
  operatorName: string;
  operator: Operator;
  ifExists: boolean;
  set?: 'ForAnyValue' | 'ForAllValues';
  /** Lower-cased context key. */
  key: string;
  values: Template[];
}

const QUALIFIER = /^(ForAnyValue|ForAllValues):(.+)$/i;

export function parseConditionBlock(raw: unknown, variables: boolean): ConditionClause[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PolicyError('Condition must be an object.');
  const out: ConditionClause[] = [];
  for (const [fullName, keys] of Object.entries(raw)) {
    let name = fullName;
    let set: ConditionClause['set'];
    const qualifier = QUALIFIER.exec(name);
    if (qualifier) {
      set = qualifier[1]!.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
      name = qualifier[2]!;
    }
    const ifExists = name.toLowerCase().endsWith('ifexists') && name.toLowerCase() !== 'null';
    const base = ifExists ? name.slice(0, -'IfExists'.length) : name;
    const operator = OPERATORS.get(base.toLowerCase());
    if (!operator) throw new PolicyError(`Invalid Condition type : ${fullName}.`);
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
      throw new PolicyError(`Condition ${fullName} must map keys to values.`);
    for (const [key, value] of Object.entries(keys)) {
      const list: unknown[] = Array.isArray(value) ? value : [value];
      if (!list.length || list.some((v) => typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
        throw new PolicyError(`Condition ${fullName} values for ${key} must be strings, numbers or booleans.`);
      }
      const values = list.map(String);
      if (operator.family === 'IpAddress')
        for (const v of values)
          if (!validCidr(v)) throw new PolicyError(`Invalid IP address or CIDR ${v} in ${fullName}.`);
      out.push({
        operatorName: fullName,
        operator,
        ifExists,
        ...(set ? { set } : {}),
        key: key.toLowerCase(),
        values: values.map((v) => compileTemplate(v, variables, operator.wildcards)),
      });
    }
  }
  return out;
}

function matchesOne(op: Operator, requestValue: string, values: GlobUnit[][]): boolean {
  const matched = values.some((p) => op.test(requestValue, p));
  return op.negated ? !matched : matched;
}

/**
 * Whether one clause holds for the request context. A policy variable in its values that
 * the context cannot supply throws UnresolvedVariable (the statement then does not apply).
 */
export function clauseHolds(clause: ConditionClause, context: ConditionContext): boolean {
  const present = context.get(clause.key);
  const requestValues: readonly string[] =
    present === undefined ? [] : typeof present === 'string' ? [present] : present;
  if (clause.operator.family === 'Null') {
    const absent = requestValues.length === 0;
    return clause.values.some((v) => (text(resolve(v, context)).toLowerCase() === 'true') === absent);
  }
  // ...IfExists: an absent key holds. Set qualifiers: ForAllValues holds for an empty set, ForAnyValue does not.
  if (!requestValues.length && clause.ifExists) return true;
  if (clause.set === 'ForAllValues' && !requestValues.length) return true;
  if (clause.set === 'ForAnyValue' && !requestValues.length) return false;
  if (!clause.set && !requestValues.length) return clause.operator.negated;
  const values = clause.values.map((v) => resolve(v, context));
  if (clause.set === 'ForAllValues') return requestValues.every((r) => matchesOne(clause.operator, r, values));
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

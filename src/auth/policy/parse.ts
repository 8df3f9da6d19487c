// Parses and checks IAM policy JSON into a normalized form the evaluator walks.
// Identity policies must not name a Principal; resource policies (VPC endpoint
// policies) must.
import { isRecord } from '../../runtime/guards.js';
import { type ConditionClause, parseConditionBlock } from './conditions.js';
import { PolicyError } from './errors.js';
import { compileTemplate, type Template } from './variables.js';
import { compileGlob, type GlobUnit } from './wildcard.js';

export { PolicyError };

export type PolicyKind = 'identity' | 'resource';

export interface PrincipalSpec {
  /** True for "*" or {"AWS": "*"}. */
  everyone: boolean;
  /** AWS principals: account ids (12 digits) or ARNs. */
  aws: string[];
}

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  /** Compiled `service:action` patterns, matched regardless of case. */
  actions?: GlobUnit[][];
  notActions?: GlobUnit[][];
  /** Compiled resource patterns (with policy variables in 2012-10-17 policies), matched with case. */
  resources?: Template[];
  notResources?: Template[];
  conditions: ConditionClause[];
}

export interface PolicyDocument {
  version: '2012-10-17' | '2008-10-17';
  statements: Statement[];
}

const isVersion = (v: unknown): v is PolicyDocument['version'] => v === '2012-10-17' || v === '2008-10-17';
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function stringList(value: unknown, field: string): string[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (!list.length) throw new PolicyError(`${field} must not be empty.`);
  const out: string[] = [];
  for (const v of list) {
    if (typeof v !== 'string' || v === '') throw new PolicyError(`${field} must be a string or a list of strings.`);
    out.push(v);
  }
  return out;
}

function principal(value: unknown, field: string): PrincipalSpec {
  if (value === '*') return { everyone: true, aws: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyError(`Invalid ${field}: use "*" or {"AWS": ...}.`);
  const spec: PrincipalSpec = { everyone: false, aws: [] };
  for (const [type, v] of Object.entries(value)) {
    // Only AWS principals can ever match here; other types are accepted and simply never match.
    const list = stringList(v, `${field}.${type}`);
    if (type !== 'AWS') continue;
    for (const p of list) {
      if (p === '*') spec.everyone = true;
      else if (/^\d{12}$/.test(p) || /^arn:aws[\w-]*:(iam|sts)::(\d{12}|aws):.+/.test(p)) spec.aws.push(p);
      else throw new PolicyError(`Invalid principal in policy: "AWS":"${p}"`);
    }
  }
  return spec;
}

function action(a: string): GlobUnit[] {
  if (a !== '*' && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(a))
    throw new PolicyError(`Action/NotAction ${a} must be "*" or service:action.`);
  return compileGlob(a);
}

function statement(raw: unknown, kind: PolicyKind, variables: boolean): Statement {
  if (!isRecord(raw)) throw new PolicyError('Each Statement must be an object.');
  const s = raw;
  for (const key of Object.keys(s))
    if (!STATEMENT_KEYS.has(key)) throw new PolicyError(`Statement has an unknown field ${key}.`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyError('Effect must be "Allow" or "Deny".');
  const out: Statement = { effect: s.Effect, conditions: [] };
  if (s.Sid !== undefined) {
    if (typeof s.Sid !== 'string') throw new PolicyError('Sid must be a string.');
    out.sid = s.Sid;
  }
  const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
  if (kind === 'identity' && hasPrincipal) throw new PolicyError('Policy document should not specify a principal.');
  if (kind === 'resource' && !hasPrincipal) throw new PolicyError('Policy document must specify a principal.');
  if (s.Principal !== undefined && s.NotPrincipal !== undefined)
    throw new PolicyError('A statement cannot have both Principal and NotPrincipal.');
  if (s.NotPrincipal !== undefined && s.Effect !== 'Deny')
    throw new PolicyError('NotPrincipal can only be used with "Effect": "Deny".');
  if (s.Principal !== undefined) out.principal = principal(s.Principal, 'Principal');
  if (s.NotPrincipal !== undefined) out.notPrincipal = principal(s.NotPrincipal, 'NotPrincipal');
  if ((s.Action === undefined) === (s.NotAction === undefined))
    throw new PolicyError('Each statement must have exactly one of Action or NotAction.');
  if (s.Action !== undefined) out.actions = stringList(s.Action, 'Action').map(action);
  if (s.NotAction !== undefined) out.notActions = stringList(s.NotAction, 'NotAction').map(action);
  if (s.Resource !== undefined && s.NotResource !== undefined)
    throw new PolicyError('A statement cannot have both Resource and NotResource.');
  if (s.Resource === undefined && s.NotResource === undefined)
    throw new PolicyError('Policy statement must contain resources.');
  const resource = (r: string) => compileTemplate(r, variables, true);
  if (s.Resource !== undefined) out.resources = stringList(s.Resource, 'Resource').map(resource);
  if (s.NotResource !== undefined) out.notResources = stringList(s.NotResource, 'NotResource').map(resource);
  if (s.Condition !== undefined) out.conditions = parseConditionBlock(s.Condition, variables);
  return out;
}

export function parsePolicy(text: string, kind: PolicyKind): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PolicyError('Syntax errors in policy.');
  }
  if (!isRecord(raw)) throw new PolicyError('The policy must be a JSON object.');
  const doc = raw;
  for (const key of Object.keys(doc)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id')
      throw new PolicyError(`The policy has an unknown field ${key}.`);
  }
  const version = doc.Version ?? '2008-10-17';
  if (!isVersion(version)) throw new PolicyError('The policy must contain a valid version string');
  if (doc.Statement === undefined) throw new PolicyError('Missing required field Statement');
  const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (!list.length) throw new PolicyError('Missing required field Statement');
  // Policy variables exist only in the 2012-10-17 language; in older documents `${…}` is text.
  const variables = version === '2012-10-17';
  return { version, statements: list.map((s) => statement(s, kind, variables)) };
}

/** The policy an endpoint gets when none is given: full access. */
export const FULL_ACCESS_POLICY = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

// Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) in Resource,
// NotResource and condition values of Version 2012-10-17 policies. `${*}`, `${?}` and `${$}`
// stand for the literal characters. A value is compiled once when the policy is parsed and
// resolved against each request; a variable whose key the request does not carry (and that
// has no default) cannot be resolved, and then the statement does not apply.
import { ANY_ONE, ANY_RUN, compileGlob, type GlobUnit } from './wildcard.js';

/** Request context values by lower-cased key name; multi-valued keys are arrays. */
export type ConditionContext = ReadonlyMap<string, string | readonly string[]>;

interface VariableUnit {
  /** Lower-cased context key. */
  variable: string;
  fallback?: string;
}

export type TemplateUnit = GlobUnit | VariableUnit;

/** A compiled policy value; `wildcards` says whether bare `*`/`?` in its text are wildcards. */
export type Template = readonly TemplateUnit[];

/** Thrown while resolving a template whose variable the request context cannot supply. */
export class UnresolvedVariable extends Error {}

const LITERAL = new Set(['*', '?', '$']);
const VARIABLE = /^\s*([\w:/.+=@-]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/** Compiles `text`; with `variables` false (2008-10-17 policies) `${…}` is plain text. */
export function compileTemplate(text: string, variables: boolean, wildcards: boolean): Template {
  const out: TemplateUnit[] = [];
  const plain = (t: string) => {
    if (t) out.push(...(wildcards ? compileGlob(t) : [t]));
  };
  if (!variables) {
    plain(text);
    return out;
  }
  let from = 0;
  for (;;) {
    const open = text.indexOf('${', from);
    const close = open < 0 ? -1 : text.indexOf('}', open + 2);
    if (open < 0 || close < 0) {
      plain(text.slice(from));
      return out;
    }
    plain(text.slice(from, open));
    const inner = text.slice(open + 2, close);
    const variable = VARIABLE.exec(inner);
    if (LITERAL.has(inner)) out.push(inner);
    else if (variable)
      out.push({
        variable: variable[1]!.toLowerCase(),
        ...(variable[2] !== undefined ? { fallback: variable[2] } : {}),
      });
    else plain(text.slice(open, close + 1));
    from = close + 1;
  }
}

/** The template with its variables replaced by their (literal) values; throws UnresolvedVariable. */
export function resolve(template: Template, context: ConditionContext): GlobUnit[] {
  const out: GlobUnit[] = [];
  for (const u of template) {
    if (typeof u !== 'object') {
      out.push(u);
      continue;
    }
    const value = context.get(u.variable);
    if (typeof value === 'string') out.push(value);
    else if (u.fallback !== undefined) out.push(u.fallback);
    else throw new UnresolvedVariable(u.variable);
  }
  return out;
}

/** A resolved template as plain text: wildcards become their characters again (for equality operators). */
export function asText(units: readonly GlobUnit[]): string {
  return units.map((u) => (u === ANY_RUN ? '*' : u === ANY_ONE ? '?' : u)).join('');
}

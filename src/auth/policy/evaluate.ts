// Evaluates parsed policies for one request: a matching Deny wins over everything, a
// matching Allow allows, nothing matching is an implicit deny.
import { type ConditionContext, clauseHolds } from './conditions.js';
import type { PolicyDocument, PrincipalSpec, Statement } from './parse.js';
import { wildcardMatch } from './wildcard.js';

export interface PolicyRequest {
  /** e.g. appmesh:CreateMesh */
  action: string;
  /** Resource ARN or '*' */
  resource: string;
  principal: { arn: string; accountId: string };
  /** Condition keys, lower-cased (aws:sourcevpce, aws:principalarn …). */
  context: ConditionContext;
}

export type Decision = 'Allow' | 'Deny' | 'ImplicitDeny';

function principalMatches(spec: PrincipalSpec, p: PolicyRequest['principal']): boolean {
  if (spec.any) return true;
  return spec.aws.some((entry) => entry === p.accountId || entry === `arn:aws:iam::${p.accountId}:root` || entry === p.arn);
}

/** ${aws:username}-style policy variables (policy version 2012-10-17 only). */
function substituter(doc: PolicyDocument, context: ConditionContext): (text: string) => string {
  if (doc.version !== '2012-10-17') return (t) => t;
  return (text) => text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name;
    const v = context.get(name.toLowerCase());
    return typeof v === 'string' ? v : whole;
  });
}

function statementApplies(s: Statement, req: PolicyRequest, sub: (t: string) => string): boolean {
  if (s.principal && !principalMatches(s.principal, req.principal)) return false;
  if (s.notPrincipal && principalMatches(s.notPrincipal, req.principal)) return false;
  if (s.actions && !s.actions.some((a) => wildcardMatch(a, req.action, true))) return false;
  if (s.notActions && s.notActions.some((a) => wildcardMatch(a, req.action, true))) return false;
  if (s.resources && !s.resources.some((r) => wildcardMatch(sub(r), req.resource))) return false;
  if (s.notResources && s.notResources.some((r) => wildcardMatch(sub(r), req.resource))) return false;
  return s.conditions.every((c) => clauseHolds(c, req.context, sub));
}

export function evaluate(policies: readonly PolicyDocument[], req: PolicyRequest): Decision {
  let allowed = false;
  for (const doc of policies) {
    const sub = substituter(doc, req.context);
    for (const s of doc.statements) {
      if (!statementApplies(s, req, sub)) continue;
      if (s.effect === 'Deny') return 'Deny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

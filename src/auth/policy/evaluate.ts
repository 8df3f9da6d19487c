// Evaluates parsed policies for one request: a matching Deny wins over everything, a
// matching Allow allows, nothing matching is an implicit deny.
import { clauseHolds } from './conditions.js';
import type { PolicyDocument, PrincipalSpec, Statement } from './parse.js';
import { type ConditionContext, resolve, type Template, UnresolvedVariable } from './variables.js';
import { globArnMatch, globMatch } from './wildcard.js';

export interface PolicyRequest {
  /** e.g. appmesh:CreateMesh */
  action: string;
  /** Resource ARN (with the resource's path where it has one) or '*' */
  resource: string;
  principal: { arn: string; accountId: string };
  /** Condition keys, lower-cased (aws:sourcevpce, aws:principalarn …); also the values of policy variables. */
  context: ConditionContext;
}

export type Decision = 'Allow' | 'Deny' | 'ImplicitDeny';

function principalMatches(spec: PrincipalSpec, p: PolicyRequest['principal']): boolean {
  if (spec.everyone) return true;
  return spec.aws.some(
    (entry) => entry === p.accountId || entry === `arn:aws:iam::${p.accountId}:root` || entry === p.arn,
  );
}

function resourceMatches(pattern: Template, req: PolicyRequest): boolean {
  return globArnMatch(resolve(pattern, req.context), req.resource);
}

function statementApplies(s: Statement, req: PolicyRequest): boolean {
  if (s.principal && !principalMatches(s.principal, req.principal)) return false;
  if (s.notPrincipal && principalMatches(s.notPrincipal, req.principal)) return false;
  if (s.actions && !s.actions.some((a) => globMatch(a, req.action, true))) return false;
  if (s.notActions?.some((a) => globMatch(a, req.action, true))) return false;
  try {
    if (s.resources && !s.resources.some((r) => resourceMatches(r, req))) return false;
    if (s.notResources?.some((r) => resourceMatches(r, req))) return false;
    return s.conditions.every((c) => clauseHolds(c, req.context));
  } catch (err) {
    // A policy variable the request cannot supply: the statement does not apply (Allow or Deny).
    if (err instanceof UnresolvedVariable) return false;
    throw err;
  }
}

export function evaluate(policies: readonly PolicyDocument[], req: PolicyRequest): Decision {
  let allowed = false;
  for (const doc of policies) {
    for (const s of doc.statements) {
      if (!statementApplies(s, req)) continue;
      if (s.effect === 'Deny') return 'Deny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

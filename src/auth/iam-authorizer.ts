// The authorizer of every request: the identity's policies must allow the action (root
// always may) and, when the request came through an interface VPC endpoint, the
// endpoint's policy must allow it too. An explicit Deny in either wins.
import { ApiError } from '../api/errors.js';
import type { AuthorizationTarget, Authorizer, RequestContext } from '../api/service.js';
import type { ConditionContext } from './policy/conditions.js';
import { type Decision, evaluate, type PolicyRequest } from './policy/evaluate.js';
import { type PolicyDocument, parsePolicy, PolicyError } from './policy/parse.js';

export interface IdentityPolicySource {
  userPolicies(userName: string): Promise<PolicyDocument[]>;
}

export function conditionContext(ctx: RequestContext): ConditionContext {
  const id = ctx.identity;
  const entries: [string, string][] = [
    ['aws:principalarn', id.principalArn],
    ['aws:principalaccount', id.accountId],
    ['aws:principaltype', id.isRoot ? 'Account' : 'User'],
    ['aws:requestedregion', ctx.region],
    ['aws:currenttime', new Date(ctx.receivedAt).toISOString()],
    ['aws:epochtime', String(Math.floor(ctx.receivedAt / 1000))],
    ['aws:securetransport', ctx.via || ctx.secureTransport ? 'true' : 'false'],
    ['aws:userid', id.isRoot ? id.accountId : (id.userId ?? id.accessKeyId)],
  ];
  if (id.userName) entries.push(['aws:username', id.userName]);
  for (const t of id.tags ?? []) entries.push([`aws:principaltag/${t.key.toLowerCase()}`, t.value]);
  if (ctx.via) {
    // Through an endpoint the caller's address is private: AWS sets aws:VpcSourceIp, not aws:SourceIp.
    entries.push(
      ['aws:sourcevpce', ctx.via.vpcEndpointId],
      ['aws:sourcevpc', ctx.via.vpcId],
      ['aws:vpcsourceip', ctx.sourceIp],
    );
  } else if (ctx.sourceIp) {
    entries.push(['aws:sourceip', ctx.sourceIp.replace(/^::ffff:/, '')]);
  }
  return new Map(entries);
}

export interface Outcome {
  decision: Decision;
  why?: 'endpoint-deny' | 'identity-deny' | 'endpoint-implicit' | 'identity-implicit';
}

/**
 * The decision of a request that both the identity's policies and (through an endpoint)
 * the endpoint policy evaluate: an explicit Deny in either wins; otherwise both must allow.
 */
export function combine(identity: Decision, endpoint: Decision | undefined): Outcome {
  if (endpoint === 'Deny') return { decision: 'Deny', why: 'endpoint-deny' };
  if (identity === 'Deny') return { decision: 'Deny', why: 'identity-deny' };
  if (endpoint !== undefined && endpoint !== 'Allow') return { decision: 'ImplicitDeny', why: 'endpoint-implicit' };
  if (identity !== 'Allow') return { decision: 'ImplicitDeny', why: 'identity-implicit' };
  return { decision: 'Allow' };
}

export class IamAuthorizer implements Authorizer {
  private readonly endpointPolicies = new Map<string, PolicyDocument | PolicyError>();

  constructor(private readonly identities: IdentityPolicySource) {}

  async authorize(ctx: RequestContext, target: AuthorizationTarget): Promise<void> {
    if (ctx.identity.isRoot && !ctx.via?.policyDocument) return;
    const request: PolicyRequest = {
      action: target.action,
      resource: target.resource,
      principal: { arn: ctx.identity.principalArn, accountId: ctx.identity.accountId },
      context: conditionContext(ctx),
    };
    const identity: Decision = ctx.identity.isRoot
      ? 'Allow'
      : evaluate(ctx.identity.userName ? await this.identities.userPolicies(ctx.identity.userName) : [], request);
    const endpoint = ctx.via?.policyDocument
      ? evaluate([this.endpointPolicy(ctx.via.policyDocument)], request)
      : undefined;
    const outcome = combine(identity, endpoint);
    if (outcome.decision === 'Allow') return;
    const why =
      outcome.why === 'endpoint-deny'
        ? 'with an explicit deny in a VPC endpoint policy'
        : outcome.why === 'identity-deny'
          ? 'with an explicit deny in an identity-based policy'
          : outcome.why === 'endpoint-implicit'
            ? `because no VPC endpoint policy allows the ${target.action} action`
            : `because no identity-based policy allows the ${target.action} action`;
    throw new ApiError(
      'AccessDeniedException',
      `User: ${ctx.identity.principalArn} is not authorized to perform: ${target.action} on resource: ${target.resource} ${why}`,
      403,
    );
  }

  /** Endpoint policies were validated when stored; one that no longer parses allows nothing. */
  private endpointPolicy(text: string): PolicyDocument {
    let parsed = this.endpointPolicies.get(text);
    if (!parsed) {
      try {
        parsed = parsePolicy(text, 'resource');
      } catch (err) {
        parsed = err instanceof PolicyError ? err : new PolicyError(String(err));
      }
      if (this.endpointPolicies.size > 1000) this.endpointPolicies.clear();
      this.endpointPolicies.set(text, parsed);
    }
    return parsed instanceof PolicyError ? { version: '2012-10-17', statements: [] } : parsed;
  }
}

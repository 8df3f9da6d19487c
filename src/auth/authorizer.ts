// The authorizer used until identity policies exist: the root identity may do anything,
// other identities nothing.
import { ApiError } from '../api/errors.js';
import type { AuthorizationTarget, Authorizer, RequestContext } from '../api/service.js';

export class RootOnlyAuthorizer implements Authorizer {
  async authorize(ctx: RequestContext, target: AuthorizationTarget): Promise<void> {
    if (ctx.identity.isRoot) return;
    throw new ApiError('AccessDeniedException', `User: ${ctx.identity.principalArn} is not authorized to perform: ${target.action} on resource: ${target.resource}`, 403);
  }
}

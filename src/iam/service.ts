// IAM as a service of the edge: the generated model (users, access keys, inline user
// policies), the Query protocol and the handlers.
import { ApiError } from '../api/errors.js';
import type { ServiceDefinition } from '../api/service.js';
import { iamModel } from '../protocols/generated/iam.js';
import { looksLikeQuery } from '../protocols/query/decode.js';
import { iamQueryProtocol } from '../protocols/query/iam-style.js';
import { createIamHandlers, iamAuthorizationTarget, type IamDeps } from './handlers.js';
import { userTagHandlers } from './user-tags.js';

export function createIamService(deps: IamDeps): ServiceDefinition {
  return {
    signingName: 'iam',
    model: iamModel,
    protocol: iamQueryProtocol(iamModel),
    handlers: { ...createIamHandlers(deps), ...userTagHandlers(deps.store, deps.pageTokens) },
    validationError: (message) => new ApiError('ValidationError', message, 400),
    authorization: iamAuthorizationTarget(deps.store, deps.accountId),
    recognizes: (req) => looksLikeQuery(req, iamModel.metadata.apiVersion),
  };
}

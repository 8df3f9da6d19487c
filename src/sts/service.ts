// STS as a service of the edge: GetCallerIdentity in the Query protocol, answered from the
// identity the signature resolved to (root or an IAM user), never from the input.
import { ApiError } from '../api/errors.js';
import type { RequestContext, ServiceDefinition } from '../api/service.js';
import { stsModel } from '../protocols/generated/sts.js';
import { looksLikeQuery } from '../protocols/query/decode.js';
import { iamQueryProtocol } from '../protocols/query/iam-style.js';

export function createStsService(): ServiceDefinition {
  return {
    signingName: 'sts',
    model: stsModel,
    protocol: iamQueryProtocol(stsModel),
    handlers: {
      async GetCallerIdentity(_input: unknown, ctx: RequestContext) {
        const { identity } = ctx;
        // UserId is the account id for the root user and the user's unique id (AIDA…) for IAM users.
        return {
          UserId: identity.userId ?? identity.accountId,
          Account: identity.accountId,
          Arn: identity.principalArn,
        };
      },
    },
    validationError: (message) => new ApiError('ValidationError', message, 400),
    // AWS answers GetCallerIdentity for every valid signature, whatever the caller's policies say.
    authorization: () => null,
    recognizes: (req) => looksLikeQuery(req, stsModel.metadata.apiVersion),
  };
}

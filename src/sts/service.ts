// STS as a service of the edge: GetCallerIdentity in the Query protocol, answered from the
// identity the signature resolved to (root or an IAM user), never from the input.
import { defineService } from '../api/define-service.js';
import { ApiError } from '../api/errors.js';
import type { ServiceDefinition } from '../api/service.js';
import { stsModel } from '../protocols/generated/sts.js';
import type { StsOperations } from '../protocols/generated/sts-operations.js';

export function createStsService(): ServiceDefinition<StsOperations> {
  return defineService<StsOperations>({
    signingName: 'sts',
    model: stsModel,
    handlers: {
      async GetCallerIdentity(_input, ctx) {
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
  });
}

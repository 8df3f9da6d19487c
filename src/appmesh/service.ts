// App Mesh as a service of the edge: the generated model, the rest-json protocol and the handlers.
import { tooManyTags } from '../api/errors.js';
import { ApiError } from '../api/errors.js';
import type { ServiceDefinition } from '../api/service.js';
import { appmeshModel } from '../protocols/generated/appmesh.js';
import { RestJsonProtocol } from '../protocols/restjson/protocol.js';
import { type AppMeshDeps, authorizationTarget, createHandlers } from './handlers.js';

export function createAppMeshService(deps: AppMeshDeps): ServiceDefinition {
  return {
    signingName: 'appmesh',
    model: appmeshModel,
    protocol: new RestJsonProtocol(),
    handlers: createHandlers(deps),
    validationError: (message) => new ApiError('BadRequestException', message, 400),
    authorization: authorizationTarget,
    recognizes: (req) => req.path.startsWith('/v20190125/'),
    beforeValidation: (_operation, input) => {
      // More than the tag quota is its own modeled error, not a generic validation failure.
      if (Array.isArray(input.tags) && input.tags.length > deps.quotas.tagsPerResource) {
        throw tooManyTags(`A resource can have at most ${deps.quotas.tagsPerResource} tags`);
      }
    },
  };
}

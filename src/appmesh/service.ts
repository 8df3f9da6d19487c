// App Mesh as a service of the edge: the generated model, the rest-json protocol and the handlers.
import { defineService } from '../api/define-service.js';
import { ApiError, tooManyTags } from '../api/errors.js';
import type { ServiceDefinition } from '../api/service.js';
import { appmeshModel } from '../protocols/generated/appmesh.js';
import type { AppmeshOperations } from '../protocols/generated/appmesh-operations.js';
import { type AppMeshDeps, authorizationTarget, createHandlers } from './handlers.js';

export function createAppMeshService(deps: AppMeshDeps): ServiceDefinition<AppmeshOperations> {
  return defineService<AppmeshOperations>({
    signingName: 'appmesh',
    model: appmeshModel,
    handlers: createHandlers(deps),
    validationError: (message) => new ApiError('BadRequestException', message, 400),
    authorization: authorizationTarget,
    beforeValidation: (_operation, input) => {
      // More than the tag quota is its own modeled error, not a generic validation failure.
      if (Array.isArray(input.tags) && input.tags.length > deps.quotas.tagsPerResource) {
        throw tooManyTags(`A resource can have at most ${deps.quotas.tagsPerResource} tags`);
      }
    },
  });
}

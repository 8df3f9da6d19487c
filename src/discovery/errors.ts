// Cloud Map's modeled errors, from the model's catalog: all are client faults with HTTP status 400, as Cloud Map
// sends them.
import { type ModeledError, modeledError } from '../api/errors.js';
import { servicediscoveryErrors } from '../protocols/generated/servicediscovery-operations.js';
import { ApiErrorWithFields } from '../protocols/json11/protocol.js';

const err = (error: ModeledError) => (message: string) => modeledError(error, message);
const withFields = (error: ModeledError, message: string, fields: Record<string, unknown>) =>
  new ApiErrorWithFields(error.code, message, fields, error.status);

export const invalidInput = err(servicediscoveryErrors.InvalidInput);
export const namespaceNotFound = (id: string) =>
  modeledError(servicediscoveryErrors.NamespaceNotFound, `Namespace not found: ${id}`);
export const serviceNotFound = (id: string) =>
  modeledError(servicediscoveryErrors.ServiceNotFound, `Service not found: ${id}`);
export const instanceNotFound = (id: string, serviceId: string) =>
  modeledError(servicediscoveryErrors.InstanceNotFound, `Instance ${id} not found in service ${serviceId}`);
export const operationNotFound = (id: string) =>
  modeledError(servicediscoveryErrors.OperationNotFound, `Operation not found: ${id}`);
export const resourceInUse = err(servicediscoveryErrors.ResourceInUse);
export const customHealthNotFound = err(servicediscoveryErrors.CustomHealthNotFound);
export const resourceNotFound = (arn: string) =>
  modeledError(servicediscoveryErrors.ResourceNotFoundException, `Resource not found: ${arn}`);
export const resourceLimitExceeded = err(servicediscoveryErrors.ResourceLimitExceeded);

export const tooManyTags = (resourceName: string, max: number) =>
  withFields(servicediscoveryErrors.TooManyTagsException, `A resource can have at most ${max} tags`, {
    ResourceName: resourceName,
  });

export const duplicateRequest = (creatorRequestId: string, operationId: string) =>
  withFields(
    servicediscoveryErrors.DuplicateRequest,
    `The CreatorRequestId ${creatorRequestId} was already used for a different request`,
    {
      DuplicateOperationId: operationId,
    },
  );

export const namespaceAlreadyExists = (name: string, namespaceId: string, creatorRequestId?: string) =>
  withFields(servicediscoveryErrors.NamespaceAlreadyExists, `Namespace ${name} already exists`, {
    NamespaceId: namespaceId,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

export const serviceAlreadyExists = (name: string, serviceId: string, serviceArn: string, creatorRequestId?: string) =>
  withFields(servicediscoveryErrors.ServiceAlreadyExists, `Service ${name} already exists`, {
    ServiceId: serviceId,
    ServiceArn: serviceArn,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

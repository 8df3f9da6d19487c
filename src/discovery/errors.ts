// Cloud Map's modeled errors, from the model's catalog: all are client faults with HTTP status 400, as Cloud Map
// sends them.
import { type ModeledError, modeledError } from '../api/errors.js';
import { servicediscoveryErrors as E } from '../protocols/generated/servicediscovery-operations.js';
import { ApiErrorWithFields } from '../protocols/json11/protocol.js';

const err = (error: ModeledError) => (message: string) => modeledError(error, message);
const withFields = (error: ModeledError, message: string, fields: Record<string, unknown>) =>
  new ApiErrorWithFields(error.code, message, fields, error.status);

export const invalidInput = err(E.InvalidInput);
export const namespaceNotFound = (id: string) => modeledError(E.NamespaceNotFound, `Namespace not found: ${id}`);
export const serviceNotFound = (id: string) => modeledError(E.ServiceNotFound, `Service not found: ${id}`);
export const instanceNotFound = (id: string, serviceId: string) =>
  modeledError(E.InstanceNotFound, `Instance ${id} not found in service ${serviceId}`);
export const operationNotFound = (id: string) => modeledError(E.OperationNotFound, `Operation not found: ${id}`);
export const resourceInUse = err(E.ResourceInUse);
export const customHealthNotFound = err(E.CustomHealthNotFound);
export const resourceNotFound = (arn: string) =>
  modeledError(E.ResourceNotFoundException, `Resource not found: ${arn}`);
export const resourceLimitExceeded = err(E.ResourceLimitExceeded);

export const tooManyTags = (resourceName: string, max: number) =>
  withFields(E.TooManyTagsException, `A resource can have at most ${max} tags`, { ResourceName: resourceName });

export const duplicateRequest = (creatorRequestId: string, operationId: string) =>
  withFields(E.DuplicateRequest, `The CreatorRequestId ${creatorRequestId} was already used for a different request`, {
    DuplicateOperationId: operationId,
  });

export const namespaceAlreadyExists = (name: string, namespaceId: string, creatorRequestId?: string) =>
  withFields(E.NamespaceAlreadyExists, `Namespace ${name} already exists`, {
    NamespaceId: namespaceId,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

export const serviceAlreadyExists = (name: string, serviceId: string, serviceArn: string, creatorRequestId?: string) =>
  withFields(E.ServiceAlreadyExists, `Service ${name} already exists`, {
    ServiceId: serviceId,
    ServiceArn: serviceArn,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

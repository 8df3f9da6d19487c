// Cloud Map's modeled errors. All are client faults with HTTP status 400, as Cloud Map sends them.
import { ApiError } from '../api/errors.js';
import { ApiErrorWithFields } from '../protocols/json11/protocol.js';

const err = (code: string) => (message: string) => new ApiError(code, message, 400);

export const invalidInput = err('InvalidInput');
export const namespaceNotFound = (id: string) => new ApiError('NamespaceNotFound', `Namespace not found: ${id}`, 400);
export const serviceNotFound = (id: string) => new ApiError('ServiceNotFound', `Service not found: ${id}`, 400);
export const instanceNotFound = (id: string, serviceId: string) =>
  new ApiError('InstanceNotFound', `Instance ${id} not found in service ${serviceId}`, 400);
export const operationNotFound = (id: string) => new ApiError('OperationNotFound', `Operation not found: ${id}`, 400);
export const resourceInUse = err('ResourceInUse');
export const customHealthNotFound = err('CustomHealthNotFound');
export const resourceNotFound = (arn: string) =>
  new ApiError('ResourceNotFoundException', `Resource not found: ${arn}`, 400);
export const resourceLimitExceeded = err('ResourceLimitExceeded');

export const tooManyTags = (resourceName: string, max: number) =>
  new ApiErrorWithFields('TooManyTagsException', `A resource can have at most ${max} tags`, {
    ResourceName: resourceName,
  });

export const duplicateRequest = (creatorRequestId: string, operationId: string) =>
  new ApiErrorWithFields(
    'DuplicateRequest',
    `The CreatorRequestId ${creatorRequestId} was already used for a different request`,
    { DuplicateOperationId: operationId },
  );

export const namespaceAlreadyExists = (name: string, namespaceId: string, creatorRequestId?: string) =>
  new ApiErrorWithFields('NamespaceAlreadyExists', `Namespace ${name} already exists`, {
    NamespaceId: namespaceId,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

export const serviceAlreadyExists = (name: string, serviceId: string, serviceArn: string, creatorRequestId?: string) =>
  new ApiErrorWithFields('ServiceAlreadyExists', `Service ${name} already exists`, {
    ServiceId: serviceId,
    ServiceArn: serviceArn,
    ...(creatorRequestId ? { CreatorRequestId: creatorRequestId } : {}),
  });

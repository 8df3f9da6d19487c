// CloudWatch Logs' modeled errors, with the texts AWS sends where they are known.
import { ApiError } from '../api/errors.js';
import { ApiErrorWithFields } from '../protocols/json11/protocol.js';

export const invalidParameter = (message: string) => new ApiError('InvalidParameterException', message, 400);
export const groupNotFound = () =>
  new ApiError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
export const streamNotFound = () =>
  new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.', 400);
export const resourceNotFound = (message: string) => new ApiError('ResourceNotFoundException', message, 400);
export const groupExists = () =>
  new ApiError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
export const streamExists = () =>
  new ApiError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400);
export const limitExceeded = (message: string) => new ApiError('LimitExceededException', message, 400);
export const validation = (message: string) => new ApiError('ValidationException', message, 400);
export const tooManyTags = (resourceName: string, max: number) =>
  new ApiErrorWithFields('TooManyTagsException', `A resource can have at most ${max} tags`, { resourceName });
export const invalidToken = () => invalidParameter('The specified nextToken is invalid.');

// CloudWatch Logs' modeled errors (codes and statuses from the model's catalog), with the texts AWS sends where
// they are known.
import { modeledError } from '../api/errors.js';
import { logsErrors } from '../protocols/generated/logs-operations.js';
import { ApiErrorWithFields } from '../protocols/json11/protocol.js';

export const invalidParameter = (message: string) => modeledError(logsErrors.InvalidParameterException, message);
export const groupNotFound = () =>
  modeledError(logsErrors.ResourceNotFoundException, 'The specified log group does not exist.');
export const streamNotFound = () =>
  modeledError(logsErrors.ResourceNotFoundException, 'The specified log stream does not exist.');
export const resourceNotFound = (message: string) => modeledError(logsErrors.ResourceNotFoundException, message);
export const groupExists = () =>
  modeledError(logsErrors.ResourceAlreadyExistsException, 'The specified log group already exists');
export const streamExists = () =>
  modeledError(logsErrors.ResourceAlreadyExistsException, 'The specified log stream already exists');
export const limitExceeded = (message: string) => modeledError(logsErrors.LimitExceededException, message);
export const validation = (message: string) => modeledError(logsErrors.ValidationException, message);
export const tooManyTags = (resourceName: string, max: number) =>
  new ApiErrorWithFields(
    logsErrors.TooManyTagsException.code,
    `A resource can have at most ${max} tags`,
    { resourceName },
    logsErrors.TooManyTagsException.status,
  );
export const invalidToken = () => invalidParameter('The specified nextToken is invalid.');

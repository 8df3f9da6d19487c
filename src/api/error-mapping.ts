// The one place an exception becomes an API error, for the edge, the pipeline and the
// console alike; each protocol then writes it in its own envelope and spelling.
import { SigV4Error } from '../auth/sigv4.js';
import type { Logger } from '../runtime/logger.js';
import { authFailures, storeErrors } from '../runtime/metrics.js';
import { StoreConflictError, StoreInvalidValueError, StoreUnavailableError } from '../store/types.js';
import { ApiError, serviceUnavailable } from './errors.js';
import type { ServiceDefinition } from './service.js';

/** The code of an unexpected failure unless the service names its own (protocols may respell it). */
export const DEFAULT_INTERNAL_ERROR_CODE = 'InternalServerErrorException';

const SIGV4_ERRORS: Record<SigV4Error['code'], { code: string; status: number }> = {
  MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 403 },
  IncompleteSignature: { code: 'IncompleteSignatureException', status: 403 },
  InvalidSignatureException: { code: 'InvalidSignatureException', status: 403 },
  SignatureDoesNotMatch: { code: 'SignatureDoesNotMatch', status: 403 },
  RequestExpired: { code: 'InvalidSignatureException', status: 403 },
};

export interface ErrorScope {
  log: Logger;
  requestId: string;
  /** The service the request was for, when known: its validation error and internal error code. */
  service?: Pick<ServiceDefinition, 'validationError' | 'internalErrorCode'>;
}

export function toApiError(err: unknown, scope: ErrorScope): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SigV4Error) {
    authFailures.inc({ reason: err.code });
    const mapped = SIGV4_ERRORS[err.code];
    return new ApiError(mapped.code, err.message, mapped.status);
  }
  // Input validation refuses what a store cannot hold; this is the store's own guard.
  if (err instanceof StoreInvalidValueError && scope.service) return scope.service.validationError(err.message);
  if (err instanceof StoreUnavailableError) {
    storeErrors.inc({ kind: 'unavailable' });
    return serviceUnavailable('The service is temporarily unable to reach its store; retry later');
  }
  if (err instanceof StoreConflictError) {
    storeErrors.inc({ kind: 'conflict' });
    return new ApiError('ConflictException', `Concurrent modification: ${err.message}`, 409);
  }
  scope.log.error({ requestId: scope.requestId, err }, 'unexpected error');
  return new ApiError(
    scope.service?.internalErrorCode ?? DEFAULT_INTERNAL_ERROR_CODE,
    'An internal error occurred',
    500,
  );
}

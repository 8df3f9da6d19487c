// The one error mapper: what the edge, the pipeline and the console turn exceptions into.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_INTERNAL_ERROR_CODE, toApiError } from '../../src/api/error-mapping.js';
import { ApiError } from '../../src/api/errors.js';
import { SigV4Error } from '../../src/auth/sigv4.js';
import { StoreConflictError, StoreInvalidValueError, StoreUnavailableError } from '../../src/store/types.js';

const log = pino({ level: 'silent' });
const service = {
  validationError: (message: string) => new ApiError('ValidationError', message, 400),
  internalErrorCode: 'ServiceFailure',
};
const mapped = (err: unknown, withService = true) => {
  const e = toApiError(err, { log, requestId: 'r', ...(withService ? { service } : {}) });
  return { code: e.code, status: e.status };
};

test('API errors pass through unchanged', () => {
  const err = new ApiError('NotFoundException', 'gone', 404);
  assert.equal(toApiError(err, { log, requestId: 'r' }), err);
});

test('signature errors become the modeled 403s', () => {
  assert.deepEqual(mapped(new SigV4Error('MissingAuthenticationToken', 'm')), {
    code: 'MissingAuthenticationTokenException',
    status: 403,
  });
  assert.deepEqual(mapped(new SigV4Error('IncompleteSignature', 'm')), {
    code: 'IncompleteSignatureException',
    status: 403,
  });
  assert.deepEqual(mapped(new SigV4Error('RequestExpired', 'm')), { code: 'InvalidSignatureException', status: 403 });
  assert.deepEqual(mapped(new SigV4Error('SignatureDoesNotMatch', 'm')), {
    code: 'SignatureDoesNotMatch',
    status: 403,
  });
});

test('store errors: unavailable is 503, a conflict 409, an invalid value the service validation error', () => {
  assert.deepEqual(mapped(new StoreUnavailableError('down')), { code: 'ServiceUnavailableException', status: 503 });
  assert.deepEqual(mapped(new StoreConflictError('raced')), { code: 'ConflictException', status: 409 });
  assert.deepEqual(mapped(new StoreInvalidValueError('NUL')), { code: 'ValidationError', status: 400 });
});

test('anything else is a 500 with the service internal error code, or the default without one', () => {
  assert.deepEqual(mapped(new TypeError('boom')), { code: 'ServiceFailure', status: 500 });
  assert.deepEqual(mapped(new TypeError('boom'), false), { code: DEFAULT_INTERNAL_ERROR_CODE, status: 500 });
  assert.equal(
    toApiError(new TypeError('secret detail'), { log, requestId: 'r' }).message,
    'An internal error occurred',
  );
});

// The one request pipeline: decode → validate → authorize → handle → encode.
// Errors from any step are mapped here, once, and encoded by the service's protocol.
import { ApiError, internalError, serviceUnavailable } from './errors.js';
import type { Authorizer, RawRequest, RawResponse, RequestContext, ServiceDefinition } from './service.js';
import { formatViolations, validateShape } from '../protocols/validate.js';
import { StoreConflictError, StoreUnavailableError } from '../store/types.js';
import { storeErrors } from '../server/metrics.js';
import type { Logger } from '../server/logger.js';

export interface PipelineResult {
  response: RawResponse;
  operation: string;
  error?: ApiError;
}

export function toApiError(err: unknown, log: Logger, requestId: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) {
    storeErrors.inc({ kind: 'unavailable' });
    return serviceUnavailable('The service is temporarily unable to reach its store; retry later');
  }
  if (err instanceof StoreConflictError) {
    storeErrors.inc({ kind: 'conflict' });
    return new ApiError('ConflictException', `Concurrent modification: ${err.message}`, 409);
  }
  log.error({ requestId, err }, 'unexpected error');
  return internalError();
}

export async function runPipeline(
  service: ServiceDefinition,
  req: RawRequest,
  ctx: RequestContext,
  authorizer: Authorizer,
  log: Logger,
): Promise<PipelineResult> {
  let operation = 'unknown';
  try {
    const { operation: op, input } = service.protocol.decode(req, service.model);
    operation = op.name;
    service.beforeValidation?.(op.name, input);
    if (op.input) {
      const violations = validateShape(service.model, op.input, input);
      if (violations.length) throw service.validationError(formatViolations(violations));
    }
    const target = service.authorization(op.name, input, ctx);
    if (target) await authorizer.authorize(ctx, target);
    const handler = service.handlers[op.name];
    if (!handler) throw new ApiError('UnknownOperationException', `${op.name} is not implemented`, 400);
    const output = await handler(input, ctx);
    return { response: service.protocol.encodeResult(op, output, ctx.requestId), operation };
  } catch (err) {
    const error = toApiError(err, log, ctx.requestId);
    return { response: service.protocol.encodeError(error, ctx.requestId), operation, error };
  }
}

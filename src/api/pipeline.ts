// The one request pipeline: decode → validate → authorize → handle → encode.
// Errors from any step are mapped here, once, and encoded by the service's protocol.
import { ApiError, internalError, serviceUnavailable } from './errors.js';
import type { Authorizer, Handler, RawRequest, RawResponse, RequestContext, ServiceDefinition } from './service.js';
import type { OperationModel } from '../protocols/model.js';
import { formatViolations, validateShape } from '../protocols/validate.js';
import { StoreConflictError, StoreInvalidValueError, StoreUnavailableError } from '../store/types.js';
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

/** validate → authorize → handle, for an operation already decoded (by a protocol or the console). */
async function execute(
  service: ServiceDefinition,
  op: OperationModel,
  input: Record<string, unknown>,
  ctx: RequestContext,
  authorizer: Authorizer,
): Promise<unknown> {
  checkInput(service, op, input);
  const target = await service.authorization(op.name, input, ctx);
  if (target) await authorizer.authorize(ctx, target);
  // The one untyped step: an operation found by name at run time. Its handler implements the generated
  // contract for the model's input shape, which validateShape has just checked the input against.
  const handlers = service.handlers as Partial<Record<string, Handler>>;
  const handler = Object.hasOwn(handlers, op.name) ? handlers[op.name] : undefined;
  if (!handler) throw new ApiError('UnknownOperationException', `${op.name} is not implemented`, 400);
  service.beforeHandling?.(op.name, input);
  return handler(input, ctx);
}

/** The pipeline's own input checks (service rules before validation, then the model), without running anything. */
export function checkInput(service: ServiceDefinition, op: OperationModel, input: Record<string, unknown>): void {
  service.beforeValidation?.(op.name, input);
  if (op.input) {
    const violations = validateShape(service.model, op.input, input);
    if (violations.length) throw service.validationError(formatViolations(violations));
  }
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
    const output = await execute(service, op, input, ctx, authorizer);
    return { response: service.protocol.encodeResult(op, output, ctx.requestId, service.model), operation };
  } catch (err) {
    // Input validation refuses what a store cannot hold; this is the store's own guard.
    const error =
      err instanceof StoreInvalidValueError
        ? service.validationError(err.message)
        : toApiError(err, log, ctx.requestId);
    return { response: service.protocol.encodeError(error, ctx.requestId), operation, error };
  }
}

export type OperationResult = { ok: true; output: unknown } | { ok: false; error: ApiError };

/**
 * The same steps for a caller that already holds the operation and its input as data (the
 * console): no wire decoding or encoding, everything else — validation, authorization as
 * ctx.identity, the handler, error mapping — exactly as for a signed API request.
 */
export async function runOperation(
  service: ServiceDefinition,
  operationName: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
  authorizer: Authorizer,
  log: Logger,
): Promise<OperationResult> {
  const op = Object.hasOwn(service.model.operations, operationName)
    ? service.model.operations[operationName]
    : undefined;
  if (!op)
    return {
      ok: false,
      error: new ApiError(
        'UnknownOperationException',
        `${operationName} is not an operation of ${service.signingName}`,
        400,
      ),
    };
  try {
    return { ok: true, output: await execute(service, op, input, ctx, authorizer) };
  } catch (err) {
    return { ok: false, error: toApiError(err, log, ctx.requestId) };
  }
}

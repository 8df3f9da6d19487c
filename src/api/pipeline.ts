// The one request pipeline: authenticate → decode → validate → authorize → handle → encode,
// for a request the edge has routed to a service. Errors from any step are mapped once
// (error-mapping.ts) and encoded by the service's protocol.
//
// Authentication comes before decoding: a request that is not signed correctly is refused
// as such whatever its body holds, and an unauthenticated body is never decoded.
import { type AuthenticationDeps, authenticate, readSignature } from './authenticate.js';
import { ApiError } from './errors.js';
import { toApiError } from './error-mapping.js';
import type {
  Authorizer,
  EndpointVia,
  Handler,
  Protocol,
  RawRequest,
  RawResponse,
  RequestContext,
  ServiceDefinition,
} from './service.js';
import type { OperationModel } from '../protocols/model.js';
import { formatViolations, validateShape } from '../protocols/validate.js';
import type { Logger } from '../runtime/logger.js';

export interface PipelineDeps extends AuthenticationDeps {
  accountId: string;
  authorizer: Authorizer;
  log: Logger;
}

/** What the edge knows of a request besides its bytes. */
export interface Arrival {
  requestId: string;
  sourceIp: string;
  /** The request arrived over TLS (the API port with --api-tls*, or an interface endpoint). */
  secureTransport: boolean;
  via?: EndpointVia;
}

export interface PipelineResult {
  response: RawResponse;
  operation: string;
  /** The access key id the request was signed with, once its signature could be read. */
  accessKeyId?: string;
  error?: ApiError;
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

/**
 * Runs a request through every step. `errors` encodes refusals when the request was routed
 * to a fallback service that does not claim it (its errors take the request's own shape).
 */
export async function runPipeline(
  service: ServiceDefinition,
  req: RawRequest,
  arrival: Arrival,
  deps: PipelineDeps,
  errors: Pick<Protocol, 'encodeError'> = service.protocol,
): Promise<PipelineResult> {
  const { requestId } = arrival;
  let operation = 'unknown';
  let accessKeyId: string | undefined;
  try {
    const signature = readSignature(req);
    accessKeyId = signature.scope.accessKeyId;
    const identity = await authenticate(req, signature, service, deps);
    const ctx: RequestContext = {
      requestId,
      identity,
      region: deps.region,
      accountId: deps.accountId,
      sourceIp: arrival.sourceIp,
      secureTransport: arrival.secureTransport,
      receivedAt: Date.now(),
      ...(arrival.via ? { via: arrival.via } : {}),
    };
    const { operation: op, input } = service.protocol.decode(req, service.model);
    operation = op.name;
    const output = await execute(service, op, input, ctx, deps.authorizer);
    return { response: service.protocol.encodeResult(op, output, requestId, service.model), operation, accessKeyId };
  } catch (err) {
    const error = toApiError(err, { log: deps.log, requestId, service });
    return {
      response: errors.encodeError(error, requestId),
      operation,
      ...(accessKeyId !== undefined ? { accessKeyId } : {}),
      error,
    };
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
    return { ok: false, error: toApiError(err, { log, requestId: ctx.requestId, service }) };
  }
}

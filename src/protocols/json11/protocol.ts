// The JSON 1.1 protocol (Cloud Map): every request is POST / with the operation named by
// `X-Amz-Target: <targetPrefix>.<Operation>`; errors are `{"__type": code, "message": …}`.
import { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import { jsonBody } from '../json-body.js';
import type { OperationModel, ServiceModel } from '../model.js';
import { keepModeled, TooDeep, TooMany } from '../restjson/modeled.js';
import { parseJsonBody } from '../restjson/protocol.js';
import { isObject } from '../../runtime/guards.js';

export const JSON11_CONTENT_TYPE = 'application/x-amz-json-1.1';
const ACCEPTED_TYPES = new Set([JSON11_CONTENT_TYPE, 'application/x-amz-json-1.0', 'application/json']);

/** An error whose modeled shape carries members besides the message (e.g. DuplicateOperationId). */
export class ApiErrorWithFields extends ApiError {
  constructor(
    code: string,
    message: string,
    readonly fields: Record<string, unknown>,
    status = 400,
  ) {
    super(code, message, status);
  }
}

export function targetOf(req: RawRequest): string | undefined {
  const raw = req.headers['x-amz-target'];
  return typeof raw === 'string' ? raw : undefined;
}

export class Json11Protocol implements Protocol {
  /** `invalidInput` is the service's code for requests it cannot read (InvalidInput for Cloud Map). */
  constructor(private readonly invalidInput: string) {}

  private bad(message: string): ApiError {
    return new ApiError(this.invalidInput, message, 400);
  }

  decode(req: RawRequest, model: ServiceModel): Decoded {
    const target = targetOf(req);
    const prefix = `${model.metadata.targetPrefix}.`;
    if (!target) throw new ApiError('UnknownOperationException', 'Missing X-Amz-Target header', 400);
    const name = target.startsWith(prefix) ? target.slice(prefix.length) : undefined;
    const operation = name !== undefined && Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
    if (!operation) throw new ApiError('UnknownOperationException', `Unknown operation ${target.slice(0, 128)}`, 400);
    if (req.method !== 'POST' || (req.path !== '/' && req.path !== '')) {
      throw new ApiError('UnknownOperationException', `${operation.name} is served only by POST /`, 404);
    }
    const type = String(req.headers['content-type'] ?? JSON11_CONTENT_TYPE)
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (!ACCEPTED_TYPES.has(type))
      throw new ApiError(this.invalidInput, `Unsupported content type ${type}; send ${JSON11_CONTENT_TYPE}`, 415);
    const parsed = req.body.length ? parseJsonBody(req.body, (m) => this.bad(m)) : {};
    return { operation, input: operation.input ? this.modeled(model, operation.input, parsed) : {} };
  }

  /** Only the members the model knows, with the collection limits applied. */
  private modeled(model: ServiceModel, shape: string, parsed: Record<string, unknown>): Record<string, unknown> {
    try {
      const kept = keepModeled(model, shape, parsed);
      return isObject(kept) ? kept : {};
    } catch (err) {
      if (err instanceof TooDeep) throw this.bad('Request body is nested too deeply');
      if (err instanceof TooMany) throw this.bad(`1 validation error detected: a list or map ${err.message}`);
      throw err;
    }
  }

  encodeResult(operation: OperationModel, output: unknown, requestId: string, model: ServiceModel): RawResponse {
    return {
      status: 200,
      headers: this.headers(requestId),
      body: JSON.stringify(jsonBody(model, operation, output) ?? {}),
    };
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    const fields = err instanceof ApiErrorWithFields ? err.fields : {};
    return {
      status: err.status,
      headers: { ...this.headers(requestId), ...err.extraHeaders },
      body: JSON.stringify({ __type: err.code, message: err.message, ...fields }),
    };
  }

  private headers(requestId: string): Record<string, string> {
    return { 'content-type': JSON11_CONTENT_TYPE, 'x-amzn-requestid': requestId };
  }
}

// The rest-json protocol (App Mesh): labels and query strings bound per the model,
// JSON bodies, payload members, and errors as x-amzn-errortype + {"message"}.
import { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import type { OperationModel, ServiceModel, Shape } from '../model.js';
import { jsonBody, payloadOf } from '../json-body.js';
import { jsonOverLimits } from '../json-scan.js';
import { keepModeled, TooDeep, TooMany } from './modeled.js';
import { RestRouter } from './router.js';
import { isObject } from '../../runtime/guards.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const JSON_TYPES = new Set([
  'application/json',
  'application/x-amz-json-1.1',
  'application/x-amz-json-1.0',
  'text/json',
]);

export class RestJsonProtocol implements Protocol {
  private readonly routers = new WeakMap<ServiceModel, RestRouter>();

  constructor(
    private readonly errorCode: { badRequest: string; notFound: string } = {
      badRequest: 'BadRequestException',
      notFound: 'NotFoundException',
    },
  ) {}

  private bad(message: string): ApiError {
    return new ApiError(this.errorCode.badRequest, message, 400);
  }

  decode(req: RawRequest, model: ServiceModel): Decoded {
    let router = this.routers.get(model);
    if (!router) this.routers.set(model, (router = new RestRouter(model)));
    const query = new URLSearchParams(req.rawQuery);
    const segments = req.path.split('/').filter((s, i) => i > 0 || s !== '');
    if (segments.length && segments[segments.length - 1] === '') segments.pop();
    const match = router.match(req.method, segments, query);
    if (match === 'method-not-allowed')
      throw new ApiError('MethodNotAllowedException', `${req.method} is not allowed on ${req.path}`, 405);
    if (!match) throw new ApiError('UnknownOperationException', `No operation matches ${req.method} ${req.path}`, 404);
    const op = match.operation;
    const shape = op.input ? model.shapes[op.input] : undefined;
    const input: Record<string, unknown> = {};

    if (shape?.members) {
      const bodyMembers = Object.entries(shape.members).filter(([, m]) => !m.location);
      if (req.body.length) {
        if (!bodyMembers.length && !shape.payload) throw this.bad(`${op.name} takes no request body`);
        const type = String(req.headers['content-type'] ?? 'application/json')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (!JSON_TYPES.has(type))
          throw new ApiError(this.errorCode.badRequest, `Unsupported content type ${type}; send application/json`, 415);
        const parsed = parseJsonBody(req.body, (m) => this.bad(m));
        try {
          for (const [name, member] of bodyMembers) {
            try {
              if (Object.hasOwn(parsed, name)) input[name] = keepModeled(model, member.shape, parsed[name]);
            } catch (err) {
              if (err instanceof TooMany) throw this.bad(`1 validation error detected: ${name}: ${err.message}`);
              throw err;
            }
          }
        } catch (err) {
          if (err instanceof TooDeep) throw this.bad('Request body is nested too deeply');
          throw err;
        }
      }
      for (const [name, member] of Object.entries(shape.members)) {
        if (member.location === 'uri') {
          const raw = match.labels[member.locationName ?? name];
          if (raw !== undefined) input[name] = decodeLabel(raw, (m) => this.bad(m));
        } else if (member.location === 'querystring') {
          const raw = query.get(member.locationName ?? name);
          if (raw !== null) input[name] = coerce(model.shapes[member.shape], raw, name, (m) => this.bad(m));
        } else if (member.location === 'header') {
          const raw = req.headers[(member.locationName ?? name).toLowerCase()];
          if (typeof raw === 'string') input[name] = coerce(model.shapes[member.shape], raw, name, (m) => this.bad(m));
        }
      }
    }
    return { operation: op, input };
  }

  encodeResult(op: OperationModel, output: unknown, requestId: string, model: ServiceModel): RawResponse {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    return { status: op.http.responseCode ?? 200, headers, body: this.encodeBody(model, op, output) };
  }

  /** A frozen body (a handler's memoized answer for unchanged data) is encoded once and its bytes reused. */
  private readonly encoded = new WeakMap<object, Buffer>();
  private encodeBody(model: ServiceModel, op: OperationModel, output: unknown): string | Buffer {
    const value = payloadOf(model, op, output);
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value))
      return JSON.stringify(jsonBody(model, op, output) ?? {});
    let body = this.encoded.get(value);
    if (!body) this.encoded.set(value, (body = Buffer.from(JSON.stringify(jsonBody(model, op, output)))));
    return body;
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    return {
      status: err.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': err.code,
        ...err.extraHeaders,
      },
      body: JSON.stringify({ message: err.message }),
    };
  }
}

export function parseJsonBody(body: Buffer, bad: (m: string) => ApiError): Record<string, unknown> {
  const over = jsonOverLimits(body);
  if (over) throw bad(over);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw bad('Request body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw bad(err instanceof RangeError ? 'Request body is nested too deeply' : 'Request body is not valid JSON');
  }
  if (!isObject(parsed) || Array.isArray(parsed)) throw bad('Request body must be a JSON object');
  return parsed;
}

function decodeLabel(raw: string, bad: (m: string) => ApiError): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw bad('Request path is not validly percent-encoded');
  }
}

function coerce(shape: Shape | undefined, raw: string, name: string, bad: (m: string) => ApiError): unknown {
  switch (shape?.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(raw))
        throw bad(`1 validation error detected: ${name}: expected a whole number, got "${raw.slice(0, 50)}"`);
      return Number(raw);
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad(`1 validation error detected: ${name}: expected true or false`);
      return raw === 'true';
    default:
      return raw;
  }
}

// The AWS Query protocol as IAM speaks it: form-encoded Action/Version and parameters
// (lists as Name.member.N, maps as Name.entry.N.key/value), XML results wrapped in
// <OpResult> and errors in an <ErrorResponse> envelope.
import { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import type { OperationModel, ServiceModel, Shape } from '../model.js';
import { escapeXml, writeContent } from './xml.js';

/** Generic codes from other layers, in the spelling Query services use. */
const QUERY_CODES: Record<string, string> = {
  AccessDeniedException: 'AccessDenied',
  UnrecognizedClientException: 'InvalidClientTokenId',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  InternalServerErrorException: 'ServiceFailure',
  ServiceUnavailableException: 'ServiceUnavailable',
};

export function formParams(req: RawRequest): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.method === 'POST' && req.body.length && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new ApiError('InvalidParameterValue', `Unsupported content type ${type}; send application/x-www-form-urlencoded`, 400);
  }
  const params = new URLSearchParams(req.rawQuery);
  if (req.body.length) for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  return params;
}

function readValue(model: ServiceModel, shape: Shape, prefix: string, params: URLSearchParams, bad: (m: string) => ApiError): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const child = model.shapes[ref.shape];
        if (!child) continue;
        const key = prefix ? `${prefix}.${ref.locationName ?? name}` : (ref.locationName ?? name);
        const v = readValue(model, child, key, params, bad);
        if (v !== undefined) out[name] = v;
      }
      return prefix && !Object.keys(out).length ? undefined : out;
    }
    case 'list': {
      const item = shape.member && model.shapes[shape.member.shape];
      if (!item) return undefined;
      const base = shape.flattened ? prefix : `${prefix}.${shape.member!.locationName ?? 'member'}`;
      if (params.get(prefix) === '') return [];
      const out: unknown[] = [];
      for (let i = 1; ; i++) {
        const v = readValue(model, item, `${base}.${i}`, params, bad);
        if (v === undefined) break;
        out.push(v);
      }
      return out.length ? out : undefined;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let i = 1; ; i++) {
        const k = params.get(`${prefix}.entry.${i}.key`);
        if (k === null) break;
        out[k] = shape.value && model.shapes[shape.value.shape] ? readValue(model, model.shapes[shape.value.shape]!, `${prefix}.entry.${i}.value`, params, bad) : undefined;
      }
      return Object.keys(out).length ? out : undefined;
    }
    default: {
      const raw = params.get(prefix);
      if (raw === null) return undefined;
      if (shape.type === 'boolean') {
        if (raw !== 'true' && raw !== 'false') throw bad(`${prefix} must be true or false`);
        return raw === 'true';
      }
      if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'double' || shape.type === 'float') {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n)) throw bad(`${prefix} must be a number`);
        return n;
      }
      return raw;
    }
  }
}

export class IamQueryProtocol implements Protocol {
  private readonly xmlNamespace: string;

  /** Results are written from the model, so the protocol is made for one service model. */
  constructor(private readonly model: ServiceModel) {
    this.xmlNamespace = String(model.metadata.xmlNamespace ?? '');
  }

  decode(req: RawRequest, model: ServiceModel): Decoded {
    const params = formParams(req);
    const bad = (m: string) => new ApiError('ValidationError', m, 400);
    const action = params.get('Action');
    if (!action) throw new ApiError('MissingAction', 'The request must contain the parameter Action', 400);
    const version = params.get('Version');
    if (version !== model.metadata.apiVersion) {
      throw new ApiError('InvalidParameterValue', `Version ${version ?? '(missing)'} is not supported; use ${model.metadata.apiVersion}`, 400);
    }
    const operation = model.operations[action];
    if (!operation) throw new ApiError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400);
    const shape = operation.input ? model.shapes[operation.input] : undefined;
    const input = shape ? (readValue(model, shape, '', params, bad) as Record<string, unknown>) : {};
    return { operation, input };
  }

  encodeResult(op: OperationModel, output: unknown, requestId: string): RawResponse {
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: this.resultXml(op, output, requestId) };
  }

  private resultXml(op: OperationModel, output: unknown, requestId: string): string {
    return `<${op.name}Response xmlns="${this.xmlNamespace}">${this.result(op, output)}`
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op.name}Response>`;
  }

  private result(op: OperationModel, output: unknown): string {
    const shape = op.output ? this.model.shapes[op.output] : undefined;
    if (!shape) return '';
    return `<${op.name}Result>${writeContent(this.model, shape, output ?? {})}</${op.name}Result>`;
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    const code = QUERY_CODES[err.code] ?? err.code;
    const type = err.status >= 500 ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse xmlns="${this.xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>`
      + `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: err.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...err.extraHeaders }, body };
  }
}

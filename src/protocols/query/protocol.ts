// The AWS Query protocol: form-encoded Action/Version requests decoded by the model, XML
// results and errors. EC2 and IAM/STS speak it in two styles (member naming, envelopes,
// error codes), each a `QueryStyle`.
import type { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import type { OperationModel, ServiceModel } from '../model.js';
import { decodeQueryInput, type QueryNaming, readQueryParams } from './decode.js';
import { encodeMembers, type XmlOptions } from './xml.js';

export interface QueryStyle {
  naming: QueryNaming;
  xml: XmlOptions;
  contentType: string;
  /** Generic codes from other layers (authorizer, edge, pipeline), in this style's spelling. */
  codes: Readonly<Record<string, string>>;
  /** The refusals of a request the protocol cannot read. */
  refuse: {
    /** Undefined when every method is read. */
    method?(method: string): ApiError | undefined;
    badParameter(message: string): ApiError;
    missingAction(): ApiError;
    /** The refusal of a missing or other version, or undefined when it is the model's. */
    version(version: string | undefined, expected: string, action: string): ApiError | undefined;
    unknownAction(action: string, version: string): ApiError;
  };
  /** The result document; `members` is undefined for an operation without an output shape. */
  resultBody(op: OperationModel, members: string | undefined, requestId: string, xmlns: string): string;
  errorBody(code: string, err: ApiError, requestId: string, xmlns: string): string;
}

export class QueryProtocol implements Protocol {
  /** Results are written from the model, so the protocol is made for one service model. */
  constructor(
    private readonly model: ServiceModel,
    private readonly style: QueryStyle,
    private readonly xmlns = String(model.metadata.xmlNamespace ?? ''),
  ) {}

  decode(req: RawRequest, model: ServiceModel): Decoded {
    const { refuse } = this.style;
    const refusedMethod = refuse.method?.(req.method);
    if (refusedMethod) throw refusedMethod;
    const params = readQueryParams(req, refuse.badParameter);
    const action = params.get('Action');
    if (!action) throw refuse.missingAction();
    const version = params.get('Version');
    const refusedVersion = refuse.version(version, model.metadata.apiVersion, action);
    if (refusedVersion) throw refusedVersion;
    const operation = model.operations[action];
    if (!operation) throw refuse.unknownAction(action, version ?? '');
    const input = operation.input
      ? decodeQueryInput(model, operation.input, params, this.style.naming, refuse.badParameter)
      : {};
    return { operation, input };
  }

  encodeResult(op: OperationModel, output: unknown, requestId: string): RawResponse {
    const members = op.output ? encodeMembers(this.model, op.output, output ?? {}, this.style.xml) : undefined;
    return {
      status: 200,
      headers: { 'content-type': this.style.contentType, 'x-amzn-requestid': requestId },
      body: this.style.resultBody(op, members, requestId, this.xmlns),
    };
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    const code = this.style.codes[err.code] ?? err.code;
    return {
      status: err.status,
      headers: { 'content-type': this.style.contentType, 'x-amzn-requestid': requestId, ...err.extraHeaders },
      body: this.style.errorBody(code, err, requestId, this.xmlns),
    };
  }
}

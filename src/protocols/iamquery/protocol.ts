// The AWS Query protocol as IAM speaks it: form-encoded Action/Version and parameters
// (lists as Name.member.N, maps as Name.entry.N.key/value), XML results wrapped in
// <OpResult> and errors in an <ErrorResponse> envelope.
import { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import { decodeQueryInput, readQueryParams } from '../ec2query/query-decode.js';
import type { OperationModel, ServiceModel } from '../model.js';
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

export class IamQueryProtocol implements Protocol {
  private readonly xmlNamespace: string;

  /** Results are written from the model, so the protocol is made for one service model. */
  constructor(private readonly model: ServiceModel) {
    this.xmlNamespace = String(model.metadata.xmlNamespace ?? '');
  }

  decode(req: RawRequest, model: ServiceModel): Decoded {
    const bad = (m: string) => new ApiError('ValidationError', m, 400);
    const params = readQueryParams(req, bad);
    const action = params.get('Action');
    if (!action) throw new ApiError('MissingAction', 'The request must contain the parameter Action', 400);
    const version = params.get('Version');
    if (version !== model.metadata.apiVersion) {
      throw new ApiError(
        'InvalidParameterValue',
        `Version ${version?.slice(0, 64) ?? '(missing)'} is not supported; use ${model.metadata.apiVersion}`,
        400,
      );
    }
    const operation = model.operations[action];
    if (!operation)
      throw new ApiError(
        'InvalidAction',
        `Could not find operation ${action.slice(0, 128)} for version ${version}`,
        400,
      );
    const input = operation.input ? decodeQueryInput(model, operation.input, params, 'query', bad) : {};
    return { operation, input };
  }

  encodeResult(op: OperationModel, output: unknown, requestId: string): RawResponse {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: this.resultXml(op, output, requestId),
    };
  }

  private resultXml(op: OperationModel, output: unknown, requestId: string): string {
    return (
      `<${op.name}Response xmlns="${this.xmlNamespace}">${this.result(op, output)}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op.name}Response>`
    );
  }

  private result(op: OperationModel, output: unknown): string {
    const shape = op.output ? this.model.shapes[op.output] : undefined;
    if (!shape) return '';
    return `<${op.name}Result>${writeContent(this.model, shape, output ?? {})}</${op.name}Result>`;
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    const code = QUERY_CODES[err.code] ?? err.code;
    const type = err.status >= 500 ? 'Receiver' : 'Sender';
    const body =
      `<ErrorResponse xmlns="${this.xmlNamespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...err.extraHeaders },
      body,
    };
  }
}

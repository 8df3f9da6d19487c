// The EC2 Query protocol: form-encoded Action/Version requests, XML results rooted at
// <ActionResponse> with <requestId> first, and the EC2 error envelope.
import { ApiError } from '../../api/errors.js';
import type { Decoded, Protocol, RawRequest, RawResponse } from '../../api/service.js';
import type { OperationModel, ServiceModel } from '../model.js';
import { decodeQueryInput, readQueryParams } from './query-decode.js';
import { encodeMembers, escapeXml } from './xml-encode.js';

export const EC2_API_VERSION = '2016-11-15';
const XMLNS = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Shared error codes (authorizer, edge) spelled the way EC2 spells them. */
const EC2_CODES: Record<string, string> = {
  AccessDeniedException: 'UnauthorizedOperation',
  UnrecognizedClientException: 'AuthFailure',
  InvalidSignatureException: 'AuthFailure',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  ServiceUnavailableException: 'Unavailable',
  InternalServerErrorException: 'InternalError',
  InternalFailure: 'InternalError',
  ConflictException: 'IncorrectState',
};

export const invalidParameterValue = (message: string) => new ApiError('InvalidParameterValue', message, 400);
export const missingParameter = (message: string) => new ApiError('MissingParameter', message, 400);

export class Ec2QueryProtocol implements Protocol {
  decode(req: RawRequest, model: ServiceModel): Decoded {
    if (req.method !== 'POST' && req.method !== 'GET') {
      throw new ApiError('InvalidAction', `The HTTP method ${req.method} is not supported`, 400);
    }
    const params = readQueryParams(req, invalidParameterValue);
    const action = params.get('Action');
    if (!action) throw missingParameter('The request must contain the parameter Action');
    const version = params.get('Version');
    if (!version) throw missingParameter('The request must contain the parameter Version');
    const shown = action.slice(0, 128);
    if (version !== model.metadata.apiVersion) {
      throw new ApiError(
        'InvalidAction',
        `The action ${shown} is not valid for this web service version ${version.slice(0, 64)}.`,
        400,
      );
    }
    const operation = model.operations[action];
    if (!operation) throw new ApiError('InvalidAction', `The action ${shown} is not valid for this web service.`, 400);
    const input = operation.input ? decodeQueryInput(model, operation.input, params, 'ec2', invalidParameterValue) : {};
    return { operation, input };
  }

  constructor(private readonly model: ServiceModel) {}

  encodeResult(op: OperationModel, output: unknown, requestId: string): RawResponse {
    // Operations without an output shape still answer <return>true</return>, as EC2 does.
    const members = op.output ? encodeMembers(this.model, op.output, output ?? {}) : '<return>true</return>';
    const root = `${op.name}Response`;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
      body: `${XML_DECL}<${root} xmlns="${XMLNS}"><requestId>${escapeXml(requestId)}</requestId>${members}</${root}>`,
    };
  }

  encodeError(err: ApiError, requestId: string): RawResponse {
    const code = EC2_CODES[err.code] ?? err.code;
    const message =
      code === 'UnauthorizedOperation'
        ? `You are not authorized to perform this operation. ${err.message}`
        : err.message;
    return {
      status: err.status,
      headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId, ...err.extraHeaders },
      body: `${XML_DECL}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`,
    };
  }
}

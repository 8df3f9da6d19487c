// The EC2 style of the Query protocol: member names from queryName/locationName, lists
// flattened (Name.N), results rooted at <ActionResponse> with <requestId> first, and the
// <Response><Errors> envelope.
import { ApiError } from '../../api/errors.js';
import type { ServiceModel } from '../model.js';
import { QueryProtocol, type QueryStyle } from './protocol.js';
import { escapeXml } from './xml.js';

export const EC2_API_VERSION = '2016-11-15';
const XMLNS = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

const invalidParameterValue = (message: string) => new ApiError('InvalidParameterValue', message, 400);
const missingParameter = (message: string) => new ApiError('MissingParameter', message, 400);
const invalidAction = (message: string) => new ApiError('InvalidAction', message, 400);

export const ec2QueryStyle: QueryStyle = {
  naming: 'ec2',
  xml: { emptyList: 'self-closing' },
  contentType: 'text/xml;charset=UTF-8',
  codes: {
    AccessDeniedException: 'UnauthorizedOperation',
    UnrecognizedClientException: 'AuthFailure',
    InvalidSignatureException: 'AuthFailure',
    MissingAuthenticationTokenException: 'MissingAuthenticationToken',
    IncompleteSignatureException: 'IncompleteSignature',
    ServiceUnavailableException: 'Unavailable',
    InternalServerErrorException: 'InternalError',
    InternalFailure: 'InternalError',
    ConflictException: 'IncorrectState',
  },
  refuse: {
    method: (method) =>
      method === 'POST' || method === 'GET' ? undefined : invalidAction(`The HTTP method ${method} is not supported`),
    badParameter: invalidParameterValue,
    missingAction: () => missingParameter('The request must contain the parameter Action'),
    version: (version, expected, action) => {
      if (!version) return missingParameter('The request must contain the parameter Version');
      if (version === expected) return undefined;
      return invalidAction(
        `The action ${action.slice(0, 128)} is not valid for this web service version ${version.slice(0, 64)}.`,
      );
    },
    unknownAction: (action) => invalidAction(`The action ${action.slice(0, 128)} is not valid for this web service.`),
  },
  resultBody(op, members, requestId, xmlns) {
    // Operations without an output shape still answer <return>true</return>, as EC2 does.
    const root = `${op.name}Response`;
    const body = members ?? '<return>true</return>';
    return `${XML_DECL}<${root} xmlns="${xmlns}"><requestId>${escapeXml(requestId)}</requestId>${body}</${root}>`;
  },
  errorBody(code, err, requestId) {
    const message =
      code === 'UnauthorizedOperation'
        ? `You are not authorized to perform this operation. ${err.message}`
        : err.message;
    return (
      `${XML_DECL}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
      `</Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`
    );
  },
};

export const ec2QueryProtocol = (model: ServiceModel) => new QueryProtocol(model, ec2QueryStyle, XMLNS);

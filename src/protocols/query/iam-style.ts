// The IAM/STS style of the Query protocol: member names from locationName, lists as
// Name.member.N and maps as Name.entry.N.key/value, results wrapped in <ActionResult> with
// <ResponseMetadata>, errors in an <ErrorResponse> envelope.
import { ApiError } from '../../api/errors.js';
import type { ServiceModel } from '../model.js';
import { QueryProtocol, type QueryStyle } from './protocol.js';
import { escapeXml } from './xml.js';

export const iamQueryStyle: QueryStyle = {
  naming: 'query',
  xml: { emptyList: 'open-close' },
  contentType: 'text/xml',
  codes: {
    AccessDeniedException: 'AccessDenied',
    UnrecognizedClientException: 'InvalidClientTokenId',
    MissingAuthenticationTokenException: 'MissingAuthenticationToken',
    IncompleteSignatureException: 'IncompleteSignature',
    InvalidSignatureException: 'SignatureDoesNotMatch',
    InternalServerErrorException: 'ServiceFailure',
    ServiceUnavailableException: 'ServiceUnavailable',
  },
  refuse: {
    badParameter: (message) => new ApiError('ValidationError', message, 400),
    missingAction: () => new ApiError('MissingAction', 'The request must contain the parameter Action', 400),
    version: (version, expected) =>
      version === expected
        ? undefined
        : new ApiError(
            'InvalidParameterValue',
            `Version ${version?.slice(0, 64) ?? '(missing)'} is not supported; use ${expected}`,
            400,
          ),
    unknownAction: (action, version) =>
      new ApiError('InvalidAction', `Could not find operation ${action.slice(0, 128)} for version ${version}`, 400),
  },
  resultBody(op, members, requestId, xmlns) {
    const result = members === undefined ? '' : `<${op.name}Result>${members}</${op.name}Result>`;
    return (
      `<${op.name}Response xmlns="${xmlns}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op.name}Response>`
    );
  },
  errorBody(code, err, requestId, xmlns) {
    const type = err.status >= 500 ? 'Receiver' : 'Sender';
    return (
      `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
      `<Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    );
  },
};

export const iamQueryProtocol = (model: ServiceModel) => new QueryProtocol(model, iamQueryStyle);

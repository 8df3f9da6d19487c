// The pipeline's authentication step: the SigV4 signature of a request, checked against the
// service it was routed to, the deployment's region, the clock and the caller's secret.
import {
  checkClockSkew,
  type ParsedAuthorization,
  parseAuthorization,
  sha256Hex,
  verifySignature,
} from '../auth/sigv4.js';
import { authFailures } from '../runtime/metrics.js';
import { ApiError } from './errors.js';
import type { CredentialResolver, Identity, RawRequest, ServiceDefinition } from './service.js';

const EMPTY_SHA256 = sha256Hex('');

export interface AuthenticationDeps {
  region: string;
  credentials: CredentialResolver;
}

/** The Authorization header, parsed (SigV4Error when it is absent or malformed). */
export const readSignature = (raw: RawRequest): ParsedAuthorization => parseAuthorization(raw.headers);

/** Whether the request carries a session token, as a header or as a presigned query parameter. */
function carriesSessionToken(raw: RawRequest): boolean {
  if (raw.headers['x-amz-security-token'] !== undefined) return true;
  return raw.rawQuery !== '' && new URLSearchParams(raw.rawQuery).has('X-Amz-Security-Token');
}

/** The identity that signed the request; throws ApiError or SigV4Error, in the order AWS checks. */
export async function authenticate(
  raw: RawRequest,
  signature: ParsedAuthorization,
  service: ServiceDefinition,
  deps: AuthenticationDeps,
): Promise<Identity> {
  const { scope } = signature;
  if (scope.service !== service.signingName) {
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid service; '${scope.service}' is not served here`,
      403,
    );
  }
  if (scope.region !== deps.region) {
    authFailures.inc({ reason: 'region' });
    throw new ApiError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scope.region}'; this deployment serves '${deps.region}'`,
      403,
    );
  }
  checkClockSkew(signature.amzDate);
  // appmeshd issues no temporary credentials, so no session token can be valid.
  if (carriesSessionToken(raw)) {
    authFailures.inc({ reason: 'session-token' });
    throw new ApiError(
      service.signingName === 'ec2' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }
  const cred = await deps.credentials.resolve(scope.accessKeyId);
  if (!cred) {
    authFailures.inc({ reason: 'unknown-key' });
    throw new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
  }
  verifySignature(
    cred.secretAccessKey,
    { ...raw, payloadHash: raw.body.length ? sha256Hex(raw.body) : EMPTY_SHA256 },
    signature,
  );
  return cred.identity;
}

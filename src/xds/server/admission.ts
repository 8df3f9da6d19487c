// Who may open an xDS stream. Envoy's envoy.grpc_credentials.aws_iam call credentials sign
// each stream like an HTTP request: POST, host = the channel authority, path = the gRPC
// method, empty payload, service "appmesh" (reference/appmesh.md §1.10a). The signature is
// checked with the API's SigV4 code, then appmesh:StreamAggregatedResources is authorized on
// the proxy's virtual node or gateway ARN. Endpoint policies never apply here (no `via`).
import { randomUUID } from 'node:crypto';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import type { Authorizer, CredentialResolver, Identity, RequestContext } from '../../api/service.js';
import {
  SigV4Error,
  checkClockSkew,
  parseAuthorization,
  sha256Hex,
  verifySignature,
  type SignedRequest,
} from '../../auth/sigv4.js';
import { identityArn, MAX_NODE_ID_BYTES, parseNodeId, quoteNodeId, type ParsedNodeId } from '../identity.js';

export const XDS_SIGNING_SERVICE = 'appmesh';
export const STREAM_ACTION = 'appmesh:StreamAggregatedResources';
const EMPTY_PAYLOAD_HASH = sha256Hex('');

export type RefusalReason =
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'invalid_node'
  | 'resource_exhausted'
  | 'unavailable';

/** The "Connected Envoy processes per virtual node / virtual gateway" quotas. */
export interface EnvoyQuotas {
  envoysPerVirtualNode: number;
  envoysPerVirtualGateway: number;
}

export class AdmissionError extends Error {
  constructor(
    readonly code: GrpcStatus,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface AdmissionDeps {
  region: string;
  accountId: string;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  allowUnauthenticated: boolean;
}

const unauthenticated = (message: string) => new AdmissionError(GrpcStatus.UNAUTHENTICATED, 'unauthenticated', message);

function metadataHeaders(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.getMap())) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** Hosts the client may have signed: the authority as sent, and without a default :443. */
function candidateHosts(authority: string): string[] {
  return authority.endsWith(':443') ? [authority, authority.slice(0, -4)] : [authority];
}

/**
 * The identity behind a stream's signature; undefined for an unsigned stream when
 * unauthenticated streams are allowed. Throws AdmissionError (UNAUTHENTICATED).
 */
export async function authenticateStream(
  deps: AdmissionDeps,
  metadata: Metadata,
  authority: string,
  path: string,
): Promise<Identity | undefined> {
  const headers = metadataHeaders(metadata);
  if (!headers.authorization && deps.allowUnauthenticated) return undefined;
  try {
    const parsed = parseAuthorization(headers);
    if (parsed.scope.service !== XDS_SIGNING_SERVICE)
      throw unauthenticated(
        `Credential should be scoped to service '${XDS_SIGNING_SERVICE}', not '${parsed.scope.service}'`,
      );
    if (parsed.scope.region !== deps.region)
      throw unauthenticated(`Credential should be scoped to region '${deps.region}', not '${parsed.scope.region}'`);
    checkClockSkew(parsed.amzDate);
    const cred = await deps.credentials.resolve(parsed.scope.accessKeyId);
    if (!cred) throw unauthenticated('The security token included in the request is invalid.');
    const payloadHash = headers['x-amz-content-sha256'] ?? EMPTY_PAYLOAD_HASH;
    let lastError: unknown;
    for (const host of candidateHosts(authority)) {
      const req: SignedRequest = { method: 'POST', path, rawQuery: '', headers: { ...headers, host }, payloadHash };
      try {
        verifySignature(cred.secretAccessKey, req, parsed);
        return cred.identity;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  } catch (err) {
    if (err instanceof AdmissionError) throw err;
    if (err instanceof SigV4Error) throw unauthenticated(err.message);
    throw err;
  }
}

/** Parses node.id; throws AdmissionError when it names no virtual node or gateway of this deployment's region. */
export function resolveNode(deps: AdmissionDeps, nodeId: string | undefined): ParsedNodeId {
  if (!nodeId)
    throw new AdmissionError(GrpcStatus.INVALID_ARGUMENT, 'invalid_node', 'node.id is required in the first request');
  const bytes = Buffer.byteLength(nodeId);
  if (bytes > MAX_NODE_ID_BYTES) {
    throw new AdmissionError(
      GrpcStatus.INVALID_ARGUMENT,
      'invalid_node',
      `node.id ${quoteNodeId(nodeId)} is ${bytes} bytes; at most ${MAX_NODE_ID_BYTES} are accepted`,
    );
  }
  const id = parseNodeId(nodeId);
  if (!id) {
    throw new AdmissionError(
      GrpcStatus.INVALID_ARGUMENT,
      'invalid_node',
      `node.id ${quoteNodeId(nodeId)} must be mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the resource ARN`,
    );
  }
  if (id.region !== undefined && id.region !== deps.region) {
    throw new AdmissionError(
      GrpcStatus.INVALID_ARGUMENT,
      'not_found',
      `${quoteNodeId(nodeId)} is not in region ${deps.region}, which this management service serves`,
    );
  }
  return id;
}

/**
 * Throws RESOURCE_EXHAUSTED (8) when `connected` streams of the proxy's identity (on the same xDS service) already reach
 * its quota, as App Mesh closes the stream of one Envoy too many. Counted per replica.
 */
export function checkConnectedEnvoys(quotas: EnvoyQuotas, id: ParsedNodeId, connected: number): void {
  const [limit, what] =
    id.kind === 'virtualNode'
      ? [quotas.envoysPerVirtualNode, 'virtual node']
      : [quotas.envoysPerVirtualGateway, 'virtual gateway'];
  if (connected < limit) return;
  throw new AdmissionError(
    GrpcStatus.RESOURCE_EXHAUSTED,
    'resource_exhausted',
    `Cannot exceed quota for Connected Envoy processes per ${what}: ${limit} (${what} ${id.name} in mesh ${id.meshName})`,
  );
}

export async function authorizeStream(
  deps: AdmissionDeps,
  identity: Identity | undefined,
  id: ParsedNodeId,
  peer: string,
): Promise<void> {
  if (!identity) return;
  const ctx: RequestContext = {
    requestId: randomUUID(),
    identity,
    region: deps.region,
    accountId: deps.accountId,
    sourceIp: peer,
    receivedAt: Date.now(),
  };
  const resource = identityArn(id, deps.region, deps.accountId);
  try {
    await deps.authorizer.authorize(ctx, { action: STREAM_ACTION, resource });
  } catch (err) {
    throw new AdmissionError(
      GrpcStatus.PERMISSION_DENIED,
      'permission_denied',
      (err as Error).message || `not authorized to perform ${STREAM_ACTION} on ${resource}`,
    );
  }
}

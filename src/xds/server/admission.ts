// Who may open an xDS stream. Envoy's envoy.grpc_credentials.aws_iam call credentials sign
// each stream like an HTTP request: POST, host = the channel authority, path = the gRPC
// method, empty payload, service "appmesh" (reference/appmesh.md §1.10a). The signature is
// checked with the API's SigV4 code, then appmesh:StreamAggregatedResources is authorized on
// the proxy's virtual node or gateway ARN. Endpoint policies never apply here (no `via`).
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Authorizer, CredentialResolver, Identity, RequestContext } from '../../api/service.js';
import {
  SigV4Error,
  checkClockSkew,
  parseAuthorization,
  sha256Hex,
  verifySignature,
  type SignedRequest,
} from '../../auth/sigv4.js';
import type { MeshSnapshotEntry, MeshSnapshotFeed } from '../../mesh/feed.js';
import type { ConfigResult, ProxyConfigCache } from '../cache/proxy-config-cache.js';
import { identityArn, MAX_NODE_ID_BYTES, parseNodeId, quoteNodeId, type ParsedNodeId } from '../identity.js';

const GrpcStatus = grpc.status;

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

export class AdmissionError extends Error {
  constructor(
    readonly code: grpc.status,
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

export const storeUnavailable = () =>
  new AdmissionError(GrpcStatus.UNAVAILABLE, 'unavailable', 'management server cannot reach its database; try another');

function metadataHeaders(metadata: grpc.Metadata): Record<string, string> {
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
  metadata: grpc.Metadata,
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
      (err instanceof Error && err.message) || `not authorized to perform ${STREAM_ACTION} on ${resource}`,
    );
  }
}

/** node.id of a stream's first DiscoveryRequest, if it has one. */
export function firstRequestNodeId(request: unknown): string | undefined {
  const node: unknown = typeof request === 'object' && request !== null ? Reflect.get(request, 'node') : undefined;
  const id: unknown = typeof node === 'object' && node !== null ? Reflect.get(node, 'id') : undefined;
  return typeof id === 'string' ? id : undefined;
}

export interface AdmittedProxy {
  principal: Identity | undefined;
  nodeId: string;
  id: ParsedNodeId;
  /** The snapshot the first configuration came from. */
  entry: MeshSnapshotEntry | undefined;
  result: Exclude<ConfigResult, { kind: 'missing' }>;
}

/**
 * Admits the proxy behind a stream's first request: its signature, its node.id, its permission, and the
 * configuration it gets first. Throws AdmissionError. The quota and the store's health are checked by the caller,
 * where nothing awaits between the check and the stream being counted.
 */
export async function admitProxy(
  deps: AdmissionDeps & { feed: MeshSnapshotFeed; cache: ProxyConfigCache },
  authenticated: Promise<Identity | undefined>,
  first: unknown,
  peer: string,
): Promise<AdmittedProxy> {
  const principal = await authenticated;
  const nodeId = firstRequestNodeId(first);
  const id = resolveNode(deps, nodeId);
  await authorizeStream(deps, principal, id, peer);
  let entry = await deps.feed.current(id.meshName);
  let result = deps.cache.configFor(entry, id);
  if (result.kind === 'missing') {
    // The node may have been created a moment ago, before the debounced rebuild; one read answers every stream until the mesh changes.
    entry = await deps.feed.confirm(id.meshName);
    result = deps.cache.configFor(entry, id);
  }
  if (result.kind === 'missing') throw new AdmissionError(GrpcStatus.INVALID_ARGUMENT, 'not_found', result.message);
  return { principal, nodeId: nodeId ?? '', id, entry, result };
}

// The edge: one HTTP handler for every AWS-compatible API. It reads the body (bounded),
// authenticates the SigV4 signature, picks the service from the credential scope and runs
// the pipeline. Endpoint listeners call the same handler with the endpoint they serve.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../api/body.js';
import { ApiError } from '../api/errors.js';
import { runPipeline } from '../api/pipeline.js';
import type {
  Authorizer,
  CredentialResolver,
  EndpointVia,
  Protocol,
  RawRequest,
  RawResponse,
  RequestContext,
  ServiceDefinition,
} from '../api/service.js';
import { SigV4Error, checkClockSkew, parseAuthorization, sha256Hex, verifySignature } from '../auth/sigv4.js';
import type { Store } from '../store/types.js';
import { errorEnvelopeFor } from './error-envelope.js';
import { type Logger, requestLogger } from '../runtime/logger.js';
import { authFailures, recordApiRequest, registry } from '../runtime/metrics.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const EMPTY_SHA256 = sha256Hex('');

export interface EdgeDeps {
  region: string;
  accountId: string;
  services: ServiceDefinition[];
  credentials: CredentialResolver;
  authorizer: Authorizer;
  store: Store;
  log: Logger;
}

export type EdgeHandler = (req: IncomingMessage, res: ServerResponse, via?: EndpointVia) => void;

function send(res: ServerResponse, out: RawResponse): void {
  if (res.headersSent) return;
  const body = out.body;
  res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Whether the request carries a session token, as a header or as a presigned query parameter. */
function carriesSessionToken(raw: RawRequest): boolean {
  if (raw.headers['x-amz-security-token'] !== undefined) return true;
  return raw.rawQuery !== '' && new URLSearchParams(raw.rawQuery).has('X-Amz-Security-Token');
}

/** The service named by the Authorization header's credential scope, without validating the rest of it. */
function scopeService(headers: RawRequest['headers']): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const m = /Credential=[^/,\s]*\/[^/,\s]*\/[^/,\s]*\/([^/,\s]+)\/aws4_request/.exec(auth.slice(0, 2048));
  return m?.[1];
}

const AUTH_ERRORS: Record<SigV4Error['code'], { code: string; status: number }> = {
  MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 403 },
  IncompleteSignature: { code: 'IncompleteSignatureException', status: 403 },
  InvalidSignatureException: { code: 'InvalidSignatureException', status: 403 },
  SignatureDoesNotMatch: { code: 'SignatureDoesNotMatch', status: 403 },
  RequestExpired: { code: 'InvalidSignatureException', status: 403 },
};

export function createEdgeHandler(deps: EdgeDeps): EdgeHandler {
  const bySigningName = new Map(deps.services.map((s) => [s.signingName, s]));
  const fallback = deps.services[0]!;
  /** The service a request that could not be authenticated was meant for, if any served service claims it. */
  const recognized = (raw: RawRequest) => {
    const scoped = scopeService(raw.headers);
    return (
      (scoped !== undefined ? bySigningName.get(scoped) : undefined) ?? deps.services.find((s) => s.recognizes(raw))
    );
  };
  const requestLog = requestLogger(deps.log);
  /** A service may take larger bodies (PutLogEvents); the headers say which service a request is for. */
  const bodyLimit = (raw: RawRequest) =>
    deps.services.find((s) => s.maxBodyBytes !== undefined && s.recognizes(raw))?.maxBodyBytes ?? MAX_BODY_BYTES;

  async function handle(req: IncomingMessage, res: ServerResponse, via?: EndpointVia): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const sourceIp = req.socket.remoteAddress ?? '';

    if (req.method === 'GET' && !via && (path === '/healthz' || path === '/readyz' || path === '/metrics')) {
      return serveOps(path, res);
    }

    const raw: RawRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      headers: req.headers,
      body: Buffer.alloc(0),
    };
    let service = fallback;
    /** Set when no served service claims the request: its errors then take the request's own shape. */
    let unclaimed: Pick<Protocol, 'encodeError'> | undefined;
    const guess = (): ServiceDefinition => {
      const found = recognized(raw);
      if (!found) unclaimed = errorEnvelopeFor(raw);
      return found ?? fallback;
    };
    let operation = 'unknown';
    let status = 500;
    let accessKeyId: string | undefined;
    let errorCode: string | undefined;
    try {
      try {
        raw.body = await readBody(req, bodyLimit(raw));
      } catch (err) {
        service = guess();
        if (err instanceof BodyTooLarge) {
          // The rest of the body is not read: the connection closes after the answer.
          res.setHeader('connection', 'close');
          const e = service.validationError(`Request body is larger than ${bodyLimit(raw)} bytes`);
          throw new ApiError(e.code, e.message, 413);
        }
        throw err;
      }
      let parsed: ReturnType<typeof parseAuthorization>;
      try {
        parsed = parseAuthorization(raw.headers);
      } catch (err) {
        service = guess();
        throw err;
      }
      accessKeyId = parsed.scope.accessKeyId;
      const chosen = bySigningName.get(parsed.scope.service);
      if (!chosen) {
        service = fallback;
        unclaimed = errorEnvelopeFor(raw);
        throw new ApiError(
          'InvalidSignatureException',
          `Credential should be scoped to a valid service; '${parsed.scope.service}' is not served here`,
          403,
        );
      }
      service = chosen;
      if (parsed.scope.region !== deps.region) {
        authFailures.inc({ reason: 'region' });
        throw new ApiError(
          'InvalidSignatureException',
          `Credential should be scoped to a valid region, not '${parsed.scope.region}'; this deployment serves '${deps.region}'`,
          403,
        );
      }
      checkClockSkew(parsed.amzDate);
      // appmeshd issues no temporary credentials, so no session token can be valid.
      if (carriesSessionToken(raw)) {
        authFailures.inc({ reason: 'session-token' });
        throw new ApiError(
          service.signingName === 'ec2' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
          'The security token included in the request is invalid.',
          403,
        );
      }
      const cred = await deps.credentials.resolve(parsed.scope.accessKeyId);
      if (!cred) {
        authFailures.inc({ reason: 'unknown-key' });
        throw new ApiError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
          403,
        );
      }
      verifySignature(
        cred.secretAccessKey,
        { ...raw, payloadHash: raw.body.length ? sha256Hex(raw.body) : EMPTY_SHA256 },
        parsed,
      );
      const ctx: RequestContext = {
        requestId,
        identity: cred.identity,
        region: deps.region,
        accountId: deps.accountId,
        sourceIp,
        secureTransport: via !== undefined || (req.socket as { encrypted?: boolean }).encrypted === true,
        receivedAt: Date.now(),
        ...(via ? { via } : {}),
      };
      const result = await runPipeline(service, raw, ctx, deps.authorizer, deps.log);
      operation = result.operation;
      status = result.response.status;
      errorCode = result.error?.code;
      send(res, result.response);
    } catch (err) {
      let apiErr: ApiError;
      if (err instanceof ApiError) apiErr = err;
      else if (err instanceof SigV4Error) {
        authFailures.inc({ reason: err.code });
        const mapped = AUTH_ERRORS[err.code];
        apiErr = new ApiError(mapped.code, err.message, mapped.status);
      } else {
        deps.log.error({ requestId, err }, 'edge failure');
        apiErr = new ApiError('InternalFailure', 'An internal error occurred', 500);
      }
      status = apiErr.status;
      errorCode = apiErr.code;
      send(res, (unclaimed ?? service.protocol).encodeError(apiErr, requestId));
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const serviceName = unclaimed ? 'unknown' : service.signingName;
      recordApiRequest(serviceName, operation, status, seconds);
      requestLog.info(
        {
          requestId,
          service: serviceName,
          operation,
          status,
          ms: Math.round(seconds * 1e5) / 100,
          accessKeyId,
          sourceIp,
          ...(errorCode ? { error: errorCode } : {}),
          ...(via ? { vpce: via.vpcEndpointId } : {}),
        },
        'request',
      );
    }
  }

  async function serveOps(path: string, res: ServerResponse): Promise<void> {
    if (path === '/healthz') return send(res, { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\n' });
    if (path === '/readyz') {
      try {
        await deps.store.ping();
        return send(res, { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ready\n' });
      } catch {
        return send(res, { status: 503, headers: { 'content-type': 'text/plain' }, body: 'store unreachable\n' });
      }
    }
    const body = await registry.metrics();
    return send(res, { status: 200, headers: { 'content-type': registry.contentType }, body });
  }

  return (req, res, via) => {
    handle(req, res, via).catch((err) => {
      deps.log.error({ err }, 'unhandled edge failure');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
    });
  };
}

// The edge: one HTTP handler for every AWS-compatible API. It reads the body (bounded),
// authenticates the SigV4 signature, picks the service from the credential scope and runs
// the pipeline. Endpoint listeners call the same handler with the endpoint they serve.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../api/errors.js';
import { runPipeline } from '../api/pipeline.js';
import type { Authorizer, CredentialResolver, EndpointVia, Protocol, RawRequest, RawResponse, RequestContext, ServiceDefinition } from '../api/service.js';
import {
  SigV4Error, checkClockSkew, parseAuthorization, sha256Hex, verifySignature,
} from '../auth/sigv4.js';
import type { Store } from '../store/types.js';
import { errorEnvelopeFor } from './error-envelope.js';
import type { Logger } from './logger.js';
import { apiLatency, apiRequests, authFailures, registry } from './metrics.js';

export const MAX_BODY_BYTES = 1024 * 1024;

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

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, out: RawResponse): void {
  if (res.headersSent) return;
  const body = out.body;
  res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The raw response for a request node:http could not parse (request line or headers too
 * large, malformed HTTP): still a modeled error with x-amzn-errortype and a JSON message.
 */
export function clientErrorResponse(err: { code?: string }): string {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const body = JSON.stringify({ message: tooLarge ? 'The request line or headers are too large' : 'The request is not valid HTTP' });
  return `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\nx-amzn-errortype: BadRequestException\r\n`
    + `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
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
  const recognized = (raw: RawRequest) => deps.services.find((s) => s.recognizes(raw));

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

    const raw: RawRequest = { method: req.method ?? 'GET', path, rawQuery, headers: req.headers, body: Buffer.alloc(0) };
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
        raw.body = await readBody(req);
      } catch (err) {
        service = guess();
        if (err instanceof BodyTooLarge) {
          const e = service.validationError(`Request body is larger than ${MAX_BODY_BYTES} bytes`);
          throw new ApiError(e.code, e.message, 413);
        }
        throw err;
      }
      let parsed;
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
        throw new ApiError('InvalidSignatureException', `Credential should be scoped to a valid service; '${parsed.scope.service}' is not served here`, 403);
      }
      service = chosen;
      if (parsed.scope.region !== deps.region) {
        authFailures.inc({ reason: 'region' });
        throw new ApiError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${parsed.scope.region}'; this deployment serves '${deps.region}'`, 403);
      }
      checkClockSkew(parsed.amzDate);
      const cred = await deps.credentials.resolve(parsed.scope.accessKeyId);
      if (!cred) {
        authFailures.inc({ reason: 'unknown-key' });
        throw new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);
      }
      verifySignature(cred.secretAccessKey, { ...raw, payloadHash: sha256Hex(raw.body) }, parsed);
      const ctx: RequestContext = {
        requestId, identity: cred.identity, region: deps.region, accountId: deps.accountId, sourceIp,
        receivedAt: Date.now(), ...(via ? { via } : {}),
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
      apiRequests.inc({ service: serviceName, operation, status: String(status) });
      apiLatency.observe({ service: serviceName, operation }, seconds);
      deps.log.info({
        requestId, service: serviceName, operation, status, ms: Math.round(seconds * 1e5) / 100, accessKeyId, sourceIp,
        ...(errorCode ? { error: errorCode } : {}), ...(via ? { vpce: via.vpcEndpointId } : {}),
      }, 'request');
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
      if (!res.headersSent) { res.statusCode = 500; res.end(); }
    });
  };
}

// The edge: one HTTP handler for every AWS-compatible API. It keeps to HTTP: it reads the
// body (bounded), picks the service from the credential scope and hands the request to the
// pipeline, which authenticates it. Endpoint listeners call the same handler with the
// endpoint they serve.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { toApiError } from '../api/error-mapping.js';
import { ApiError } from '../api/errors.js';
import { runPipeline } from '../api/pipeline.js';
import type {
  Authorizer,
  CredentialResolver,
  EndpointVia,
  Protocol,
  RawRequest,
  RawResponse,
  ServiceDefinition,
} from '../api/service.js';
import { parseAuthorization } from '../auth/sigv4.js';
import type { Store } from '../store/types.js';
import { errorEnvelopeFor } from './error-envelope.js';
import { type Logger, requestLogger } from './logger.js';
import { recordApiRequest, registry } from './metrics.js';

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

export class BodyTooLarge extends Error {}

const EMPTY_BODY = Buffer.alloc(0);

/** The request body, at most `limit` bytes (else BodyTooLarge, and the rest is drained). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  // No length and no chunked encoding: HTTP/1.1 says there is no body (most GETs), so there is nothing to wait for.
  if (declared === 0 && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
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

const CLIENT_ERRORS: Record<string, { status: string; type: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: '431 Request Header Fields Too Large',
    type: 'BadRequestException',
    message: 'The request line or headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: '408 Request Timeout',
    type: 'RequestTimeoutException',
    message: 'The request was not received in time',
  },
};
const MALFORMED = { status: '400 Bad Request', type: 'BadRequestException', message: 'The request is not valid HTTP' };

/**
 * The raw response for a request node:http could not parse (request line or headers too
 * large, malformed HTTP, not received within the header or request timeout): still a
 * modeled error with x-amzn-errortype and a JSON message. Which protocol the client speaks
 * is not known yet (its headers were never read), so the envelope is the JSON one.
 */
export function clientErrorResponse(err: { code?: string; rawPacket?: unknown }): string {
  const e =
    (err.code !== undefined && Object.hasOwn(CLIENT_ERRORS, err.code) ? CLIENT_ERRORS[err.code] : undefined) ??
    MALFORMED;
  const body = JSON.stringify({ message: e.message });
  // The answer to a HEAD request has no body (the client would read it as the next response).
  const head = Buffer.isBuffer(err.rawPacket) && err.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  return (
    `HTTP/1.1 ${e.status}\r\nconnection: close\r\ncontent-type: application/json\r\nx-amzn-errortype: ${e.type}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${head ? '' : body}`
  );
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 30_000;

/**
 * The node:http server every AWS-style listener uses: a client that does not finish its
 * headers within `headersTimeoutMs` (or its whole request within a minute) is answered 408
 * and disconnected, and unparseable requests get the modeled errors above. With `tls` it
 * serves HTTPS.
 */
export function createApiHttpServer(
  listener: RequestListener,
  headersTimeoutMs = DEFAULT_HEADERS_TIMEOUT_MS,
  tls?: { cert: string; key: string },
): Server {
  const options = {
    keepAliveTimeout: 65_000,
    requestTimeout: Math.max(60_000, headersTimeoutMs),
    headersTimeout: headersTimeoutMs,
    // How often node looks for connections past those timeouts.
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(headersTimeoutMs / 4))),
    // Without a host header (or with it among the headers past node's count limit) the request
    // still gets a modeled answer: SigV4 requires a signed host header.
    requireHostHeader: false,
  };
  // With TLS (--api-tls*) the same server speaks HTTPS; node's https.Server is an http.Server.
  const server: Server = tls
    ? createHttpsServer({ ...options, ...tls, ALPNProtocols: ['http/1.1'] }, listener)
    : createServer(options, listener);
  server.on('clientError', (err: { code?: string; rawPacket?: unknown }, socket) => {
    if (socket.writable) socket.end(clientErrorResponse(err));
    else socket.destroy();
  });
  return server;
}

/** The service named by the Authorization header's credential scope, without validating the rest of it. */
function scopeService(headers: RawRequest['headers']): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const m = /Credential=[^/,\s]*\/[^/,\s]*\/[^/,\s]*\/([^/,\s]+)\/aws4_request/.exec(auth.slice(0, 2048));
  return m?.[1];
}

/** Where a request goes: its service, and the envelope of its errors when no served service claims it. */
interface Route {
  service: ServiceDefinition;
  unclaimed?: Pick<Protocol, 'encodeError'>;
}

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

  /** The service a request that cannot be authenticated was meant for, or the fallback in the request's shape. */
  const guess = (raw: RawRequest): Route => {
    const found = recognized(raw);
    return found ? { service: found } : { service: fallback, unclaimed: errorEnvelopeFor(raw) };
  };
  /** The service of the credential scope; a signature the pipeline will refuse goes where `guess` sends it. */
  const route = (raw: RawRequest): Route => {
    let scope: string;
    try {
      scope = parseAuthorization(raw.headers).scope.service;
    } catch {
      return guess(raw);
    }
    const chosen = bySigningName.get(scope);
    return chosen ? { service: chosen } : { service: fallback, unclaimed: errorEnvelopeFor(raw) };
  };

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
    let routed: Route = { service: fallback };
    let operation = 'unknown';
    let status = 500;
    let accessKeyId: string | undefined;
    let errorCode: string | undefined;
    try {
      try {
        raw.body = await readBody(req, bodyLimit(raw));
      } catch (err) {
        routed = guess(raw);
        if (err instanceof BodyTooLarge) {
          // The rest of the body is not read: the connection closes after the answer.
          res.setHeader('connection', 'close');
          const e = routed.service.validationError(`Request body is larger than ${bodyLimit(raw)} bytes`);
          throw new ApiError(e.code, e.message, 413);
        }
        throw err;
      }
      routed = route(raw);
      const arrival = {
        requestId,
        sourceIp,
        secureTransport: via !== undefined || (req.socket as { encrypted?: boolean }).encrypted === true,
        ...(via ? { via } : {}),
      };
      const result = await runPipeline(routed.service, raw, arrival, deps, routed.unclaimed);
      operation = result.operation;
      accessKeyId = result.accessKeyId;
      status = result.response.status;
      errorCode = result.error?.code;
      send(res, result.response);
    } catch (err) {
      const apiErr = toApiError(err, { log: deps.log, requestId, service: routed.service });
      status = apiErr.status;
      errorCode = apiErr.code;
      send(res, (routed.unclaimed ?? routed.service.protocol).encodeError(apiErr, requestId));
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const serviceName = routed.unclaimed ? 'unknown' : routed.service.signingName;
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

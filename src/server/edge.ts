// The edge: one HTTP handler for every AWS-compatible API. It keeps to HTTP: it reads the
// body (bounded), picks the service from the credential scope and hands the request to the
// pipeline, which authenticates it. Endpoint listeners call the same handler with the
// endpoint they serve.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../api/body.js';
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
import { type Logger, requestLogger } from '../runtime/logger.js';
import { recordApiRequest, registry } from '../runtime/metrics.js';

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

function send(res: ServerResponse, out: RawResponse): void {
  if (res.headersSent) return;
  const body = out.body;
  res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
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

// The node:http(s) server of every AWS-style listener (the API port and the interface endpoints).
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

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

// What an endpoint does with a decrypted connection: an API endpoint (App Mesh, CloudWatch
// Logs) serves HTTP through the edge (marking the request as arriving via the endpoint); the Envoy
// management endpoint relays the stream to the local xDS listener, which keeps the xDS
// server unaware of endpoints (no endpoint policy ever applies to Envoy streams).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import * as tls from 'node:tls';
import type { EndpointVia } from '../api/service.js';
import { createApiHttpServer } from '../api/http-server.js';
import type { Logger } from '../runtime/logger.js';
import { endpointConnections } from './metrics.js';

export type EdgeEntry = (req: IncomingMessage, res: ServerResponse, via?: EndpointVia) => void;

/** The signing service named in a SigV4 Authorization header, if any. */
function signingService(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return typeof auth === 'string'
    ? /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1]
    : undefined;
}

/** An HTTP server fed with TLS sockets by the listeners of one API endpoint, which serves only `signingName`. */
export function apiHandoff(
  edge: EdgeEntry,
  signingName: string,
  via: () => EndpointVia | undefined,
): (socket: tls.TLSSocket) => void {
  const http = createApiHttpServer((req, res) => {
    const current = via();
    if (!current) {
      res.writeHead(503, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceUnavailableException' });
      res.end(JSON.stringify({ message: 'The VPC endpoint is not available' }));
      return;
    }
    const service = signingService(req);
    if (service !== undefined && service !== signingName) {
      // The interface only reaches its own service; other services' requests are not routed there.
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidSignatureException' });
      res.end(JSON.stringify({ message: `Credential should be scoped to correct service: '${signingName}'.` }));
      return;
    }
    edge(req, res, current);
  });
  return (socket) => {
    http.emit('connection', socket);
  };
}

export interface XdsTarget {
  host: string;
  port: number;
  /** Set when the xDS port speaks TLS (--xds-tls-cert): the SHA-256 fingerprint of its certificate. */
  tlsFingerprint256?: string;
}

/** This process's own xDS port: plaintext HTTP/2, or TLS pinned to the configured certificate. */
function connectUpstream(target: XdsTarget): Socket {
  if (!target.tlsFingerprint256) return connect(target.port, target.host);
  const expected = target.tlsFingerprint256;
  // The name in the configured certificate need not match a loopback address; the pin is the check.
  const socket = tls.connect({
    host: target.host,
    port: target.port,
    ALPNProtocols: ['h2'],
    rejectUnauthorized: false,
  });
  socket.once('secureConnect', () => {
    if (socket.getPeerX509Certificate()?.fingerprint256 !== expected)
      socket.destroy(new Error('xDS port presented an unexpected certificate'));
  });
  return socket;
}

/** Relays each TLS-terminated stream to the local xDS listener. */
export function xdsRelayHandoff(
  vpcEndpointId: string,
  xdsTarget: () => XdsTarget | undefined,
  log: Logger,
): (socket: tls.TLSSocket) => void {
  return (socket) => {
    const target = xdsTarget();
    if (!target) {
      endpointConnections.inc({ vpc_endpoint_id: vpcEndpointId, outcome: 'upstream_failed' });
      log.warn({ vpcEndpointId }, 'no xDS listener to relay the Envoy endpoint connection to');
      socket.destroy();
      return;
    }
    const upstream = connectUpstream(target);
    upstream.once('error', (err) => {
      endpointConnections.inc({ vpc_endpoint_id: vpcEndpointId, outcome: 'upstream_failed' });
      log.warn({ err, vpcEndpointId }, 'xDS relay failed');
      socket.destroy();
    });
    socket.on('error', () => upstream.destroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  };
}

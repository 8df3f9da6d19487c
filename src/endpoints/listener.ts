// One listener per endpoint network interface: a TCP server on the interface's address
// that checks the security groups on accept (refused connections are closed before any
// TLS byte), then terminates TLS with the endpoint's certificate and hands the decrypted
// stream to the endpoint's service.
import { createServer, type Server, type Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { Logger } from '../runtime/logger.js';
import { endpointConnections } from './metrics.js';

export interface ListenerBinding {
  vpcEndpointId: string;
  networkInterfaceId: string;
  address: string;
  port: number;
}

export interface ListenerBehaviour {
  /** The security-group rule admitting `source`, or undefined to refuse. */
  admit(source: string): string | undefined;
  secureContext(): SecureContext;
  alpnProtocols: string[];
  /** Called for each connection the security groups refused (the behaviour decides what to log). */
  refused(source: string): void;
  /** Takes over a TLS connection once the handshake is done. */
  handoff(socket: TLSSocket): void;
}

export class EndpointListener {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly binding: ListenerBinding,
    private readonly behaviour: ListenerBehaviour,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.binding.port, this.binding.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.warn({ err, ...this.binding }, 'endpoint listener error'));
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(raw: Socket): void {
    const source = (raw.remoteAddress ?? '').replace(/^::ffff:/, '');
    const { vpcEndpointId } = this.binding;
    const rule = this.behaviour.admit(source);
    if (!rule) {
      endpointConnections.inc({ vpc_endpoint_id: vpcEndpointId, outcome: 'security_group_denied' });
      this.behaviour.refused(source);
      raw.destroy();
      return;
    }
    this.track(raw);
    raw.on('error', () => raw.destroy());
    const tls = new TLSSocket(raw, {
      isServer: true,
      secureContext: this.behaviour.secureContext(),
      ALPNProtocols: this.behaviour.alpnProtocols,
    });
    this.track(tls);
    let secured = false;
    const handshakeTimer = setTimeout(() => tls.destroy(), 30_000);
    tls.once('secure', () => {
      secured = true;
      clearTimeout(handshakeTimer);
      endpointConnections.inc({ vpc_endpoint_id: vpcEndpointId, outcome: 'accepted' });
      this.behaviour.handoff(tls);
    });
    tls.once('close', () => clearTimeout(handshakeTimer));
    tls.on('error', (err) => {
      if (!secured) {
        endpointConnections.inc({ vpc_endpoint_id: vpcEndpointId, outcome: 'tls_failed' });
        this.log.debug({ err, vpcEndpointId, source }, 'endpoint TLS handshake failed');
      }
      tls.destroy();
    });
    raw.resume();
  }
}

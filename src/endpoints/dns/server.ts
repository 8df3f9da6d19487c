// The built-in DNS server: UDP and TCP on --dns-listen, answering from the record sources.
// Every input is hostile: packets that are not queries are dropped unanswered; a TCP
// connection holds at most one partial message in and MAX_UNSENT bytes of replies out (it
// stops reading while its replies are unsent, and the idle timeout closes a peer that
// never reads); connections are capped in number.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import { errorCode } from '../../runtime/guards.js';
import type { Logger } from '../../runtime/logger.js';
import { dnsDropped, dnsTcpConnections } from '../metrics.js';
import { answer } from './answer.js';
import { encodeForTransport, type Transport } from './fit.js';
import { DnsFormatError, decodeQuery, encodeResponse, Rcode } from './message.js';
import type { DnsRecordSource } from './record-source.js';
import { TcpFramer } from './tcp-framer.js';

/** Replies queued on a TCP connection beyond which it stops reading until they drain. */
const MAX_UNSENT = 64 * 1024;
export const DEFAULT_TCP_IDLE_MS = 10_000;
export const MAX_TCP_CONNECTIONS = 256;

export interface DnsListenAddress {
  host: string;
  port: number;
}

export interface DnsServerOptions {
  /** A TCP connection with no traffic in either direction for this long is closed (RFC 7766 §6.2.3). */
  tcpIdleMs?: number;
  maxTcpConnections?: number;
}

export function parseListenAddress(text: string): DnsListenAddress {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new Error(`--dns-listen ${text}: expected ADDRESS:PORT`);
  return { host: m[1]!, port: Number(m[2]) };
}

export class DnsServer {
  private udp?: Socket;
  private tcp?: Server;
  private readonly connections = new Set<TcpSocket>();
  readonly sources: DnsRecordSource[] = [];
  private rotation = 0;

  constructor(
    private readonly listen: DnsListenAddress,
    private readonly log: Logger,
    private readonly opts: DnsServerOptions = {},
  ) {}

  addSource(source: DnsRecordSource): void {
    this.sources.push(source);
  }

  /**
   * Resolves with the bound port (the UDP one; TCP binds the same port). With port 0 the
   * UDP port is picked first; if that number is taken for TCP, another is picked.
   */
  async start(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp();
      const port = udp.address().port;
      try {
        await this.listenTcp(port);
        this.udp = udp;
        return port;
      } catch (err) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        if (this.listen.port !== 0 || errorCode(err) !== 'EADDRINUSE' || attempt >= 10) throw err;
      }
    }
  }

  private async bindUdp(): Promise<Socket> {
    const udp = createSocket(isIPv6(this.listen.host) ? 'udp6' : 'udp4');
    udp.on('message', (msg, rinfo) => {
      const out = this.respond(msg, rinfo.address, true);
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    udp.on('error', (err) => this.log.warn({ err }, 'dns udp error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.listen.port, this.listen.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    return udp;
  }

  private async listenTcp(port: number): Promise<void> {
    const tcp = createServer((socket) => this.serveTcp(socket));
    tcp.maxConnections = this.opts.maxTcpConnections ?? MAX_TCP_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, this.listen.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  /** The reply to one message, or undefined when it gets none. */
  private respond(msg: Buffer, client: string, udp: boolean): Buffer | undefined {
    try {
      const query = decodeQuery(msg);
      const transport: Transport = { udp, ...(query.edns ? { edns: query.edns } : {}) };
      return encodeForTransport(
        answer(query, client.replace(/^::ffff:/, ''), this.sources),
        transport,
        this.rotation++,
      );
    } catch (err) {
      if (err instanceof DnsFormatError && err.id !== undefined) {
        return encodeResponse({
          id: err.id,
          opcode: 0,
          rcode: Rcode.FORMERR,
          authoritative: false,
          recursionDesired: false,
          answers: [],
          authority: [],
        });
      }
      if (err instanceof DnsFormatError) dnsDropped.inc({ reason: 'not_a_query' });
      else this.log.error({ err }, 'dns query failed');
      return undefined;
    }
  }

  /** TCP: each message carries a two-byte length prefix; several may share a connection (RFC 7766). */
  private serveTcp(socket: TcpSocket): void {
    this.connections.add(socket);
    dnsTcpConnections.inc();
    const idleMs = this.opts.tcpIdleMs ?? DEFAULT_TCP_IDLE_MS;
    socket.setTimeout(idleMs, () => {
      dnsDropped.inc({ reason: 'tcp_idle' });
      socket.destroy();
    });
    socket.on('close', () => {
      this.connections.delete(socket);
      dnsTcpConnections.dec();
    });
    socket.on('error', () => socket.destroy());
    const framer = new TcpFramer();
    const drainMessages = () => {
      for (let msg = framer.next(); msg; msg = framer.next()) {
        const out = this.respond(msg, socket.remoteAddress ?? '', false);
        if (!out) {
          socket.destroy();
          return;
        }
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(out.length);
        socket.write(Buffer.concat([prefix, out]));
        if (socket.writableLength >= MAX_UNSENT) {
          // The peer is not reading its replies: read nothing more until they drain, and
          // close the connection if they do not drain within the idle timeout (a trickle of
          // progress would keep the idle timer itself from ever firing).
          socket.pause();
          const stalled = setTimeout(() => {
            dnsDropped.inc({ reason: 'tcp_unread' });
            socket.destroy();
          }, idleMs);
          socket.once('drain', () => {
            clearTimeout(stalled);
            socket.resume();
            drainMessages();
          });
          socket.once('close', () => clearTimeout(stalled));
          return;
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      if (socket.writableLength < MAX_UNSENT) drainMessages();
    });
  }
}

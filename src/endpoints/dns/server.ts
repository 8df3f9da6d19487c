// The built-in DNS server: UDP and TCP on --dns-listen, answering from the record sources.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '../../server/logger.js';
import { answer } from './answer.js';
import { DnsFormatError, decodeQuery, encodeResponse, Rcode } from './message.js';
import type { DnsRecordSource } from './record-source.js';

const UDP_MAX = 512;

export interface DnsListenAddress {
  host: string;
  port: number;
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

  constructor(private readonly listen: DnsListenAddress, private readonly log: Logger) {}

  addSource(source: DnsRecordSource): void {
    this.sources.push(source);
  }

  /** Resolves with the bound port (the UDP one; TCP binds the same port). */
  async start(): Promise<number> {
    const udp = createSocket(isIPv6(this.listen.host) ? 'udp6' : 'udp4');
    this.udp = udp;
    udp.on('message', (msg, rinfo) => {
      const out = this.respond(msg, rinfo.address, UDP_MAX);
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    udp.on('error', (err) => this.log.warn({ err }, 'dns udp error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.listen.port, this.listen.host, () => { udp.off('error', reject); resolve(); });
    });
    const port = udp.address().port;
    const tcp = createServer((socket) => this.serveTcp(socket));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, this.listen.host, () => { tcp.off('error', reject); resolve(); });
    });
    return port;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private respond(msg: Buffer, client: string, maxSize: number): Buffer | undefined {
    try {
      return encodeResponse(answer(decodeQuery(msg), client.replace(/^::ffff:/, ''), this.sources), maxSize);
    } catch (err) {
      if (err instanceof DnsFormatError && err.id !== undefined) {
        return encodeResponse({ id: err.id, opcode: 0, rcode: Rcode.FORMERR, authoritative: false, recursionDesired: false, answers: [], authority: [] });
      }
      if (!(err instanceof DnsFormatError)) this.log.error({ err }, 'dns query failed');
      return undefined;
    }
  }

  /** TCP: each message carries a two-byte length prefix; several may share a connection. */
  private serveTcp(socket: TcpSocket): void {
    this.connections.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = pending.subarray(2, 2 + len);
        pending = pending.subarray(2 + len);
        const out = this.respond(msg, socket.remoteAddress ?? '', 65535);
        if (!out) { socket.destroy(); return; }
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(out.length);
        socket.write(Buffer.concat([prefix, out]));
      }
    });
  }
}

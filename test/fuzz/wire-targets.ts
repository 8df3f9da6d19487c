// Fuzz cases for the two non-HTTP doors: mutated DiscoveryRequests over real ADS streams
// (SigV4-signed metadata, so they pass admission) and mutated DNS packets over UDP and TCP.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Client, ClientDuplexStream, Metadata } from '@grpc/grpc-js';
import { openAds, T, type SotwResponse } from '../xds/server/ads-client.js';
import { mutateBytes, mutateString, randomString, type Rng } from './engine.js';

export type StreamOutcome = 'response' | 'status' | 'silent';

/** A DiscoveryRequest for `nodeId`, mutated. */
function discoveryRequest(rng: Rng, nodeId: string): Record<string, unknown> {
  const req: Record<string, unknown> = {
    node: { id: nodeId, cluster: 'c' },
    type_url: T.cds,
    resource_names: [],
    version_info: '',
    response_nonce: '',
  };
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    switch (rng.int(6)) {
      case 0:
        (req.node as Record<string, unknown>).id = mutateString(rng, nodeId).slice(
          0,
          rng.chance(0.05) ? 200_000 : 4096,
        );
        break;
      case 1:
        req.type_url = rng.chance(0.5) ? rng.pick(Object.values(T)) : mutateString(rng, String(req.type_url));
        break;
      case 2:
        req.resource_names = Array.from({ length: rng.int(rng.chance(0.1) ? 2000 : 5) }, () =>
          randomString(rng).slice(0, 1000),
        );
        break;
      case 3:
        req.version_info = randomString(rng).slice(0, 1000);
        break;
      case 4:
        req.response_nonce = randomString(rng).slice(0, 1000);
        break;
      default:
        req.error_detail = { code: rng.int(20), message: randomString(rng).slice(0, 1000) };
        break;
    }
  }
  return req;
}

type AdsCall = ClientDuplexStream<unknown, SotwResponse>;
interface AdsMethods {
  StreamAggregatedResources(md: Metadata): AdsCall;
}

/** Streams of fuzz cases share one gRPC channel (a new stream per case). */
export class XdsFuzzer {
  private readonly client: Client;

  constructor(
    port: number,
    private readonly metadata: () => Metadata,
  ) {
    // openAds makes the channel; its first stream is dropped straight away.
    const first = openAds<SotwResponse>(port, { metadata: metadata() });
    this.client = first.client;
    first.call.cancel();
  }

  /** Opens a stream, sends 1–3 mutated requests and reports what came back within `ms`. */
  async run(rng: Rng, nodeId: string, ms: number): Promise<StreamOutcome> {
    const call = (this.client as unknown as AdsMethods).StreamAggregatedResources(this.metadata());
    try {
      return await new Promise<StreamOutcome>((resolve) => {
        const timer = setTimeout(() => resolve('silent'), ms);
        call.on('data', () => {
          clearTimeout(timer);
          resolve('response');
        });
        call.on('status', () => {
          clearTimeout(timer);
          resolve('status');
        });
        call.on('error', () => {
          /* reported through status */
        });
        for (let i = 0, n = 1 + rng.int(3); i < n; i++) call.write(discoveryRequest(rng, nodeId));
      });
    } finally {
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }
}

/** A plain request for `nodeId` on a fresh stream: true when a response came within `ms`. */
export async function xdsAnswers(port: number, metadata: Metadata, nodeId: string, ms: number): Promise<boolean> {
  const stream = openAds<SotwResponse>(port, { metadata });
  try {
    stream.send({ node: { id: nodeId, cluster: 'c' }, type_url: T.cds, resource_names: [] });
    return await stream.next(ms).then(
      () => true,
      () => false,
    );
  } finally {
    stream.close();
  }
}

/** A standard query: id, RD set, one question for `name` of `type`. */
export function dnsQuery(id: number, name: string, type: number): Buffer {
  const labels = name
    .split('.')
    .filter(Boolean)
    .map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2);
  return Buffer.concat([header, ...labels, Buffer.from([0]), tail]);
}

/** A mutated DNS packet; QR stays 0 (answering a packet that is itself a response is the other side's loop to worry about). */
export function mutatedPacket(rng: Rng): Buffer {
  const seed = dnsQuery(
    rng.int(65536),
    rng.pick(['vpce.amazonaws.com', 'svc.ns.local', 'appmesh.us-east-1.amazonaws.com', 'x']),
    rng.pick([1, 28, 33, 5, 255, 16]),
  );
  let p = seed;
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) p = mutateBytes(rng, p);
  if (p.length > 2) p[2]! &= 0x7f;
  return p;
}

export class UdpProbe {
  private readonly socket: UdpSocket = createSocket('udp4');
  private waiter: ((b: Buffer) => void) | undefined;

  constructor(private readonly port: number) {
    this.socket.on('message', (m) => {
      const w = this.waiter;
      this.waiter = undefined;
      w?.(m);
    });
  }

  /** Sends a packet; resolves with the answer, or undefined when none came within `ms`. */
  ask(packet: Buffer, ms: number): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, ms);
      this.waiter = (b) => {
        clearTimeout(t);
        resolve(b);
      };
      this.socket.send(packet, this.port, '127.0.0.1');
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** One TCP connection carrying 1–4 length-prefixed packets (sometimes with a lying prefix); resolves with the bytes received. */
export function tcpCase(rng: Rng, port: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, ms);
    socket.on('connect', () => {
      const parts: Buffer[] = [];
      for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
        const p = mutatedPacket(rng);
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(rng.chance(0.1) ? rng.int(65536) : p.length);
        parts.push(prefix, p);
      }
      socket.end(Buffer.concat(parts));
    });
    socket.on('data', (d) => {
      received += d.length;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') resolve(received);
      else reject(err);
    });
  });
}

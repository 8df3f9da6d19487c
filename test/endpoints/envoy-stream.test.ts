// An Envoy-like ADS stream through the appmesh-envoy-management interface endpoint: TLS with
// the appmeshd CA and the private name, SigV4-signed metadata as Envoy's aws_iam call
// credentials make it, an existing virtual node as node.id. The stream gets clusters and
// listeners and ACKs them, with or without a port in the authority, and an appmesh endpoint
// policy that denies everything does not touch it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect as http2Connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { connect as netConnect, type LookupFunction } from 'node:net';
import { Agent } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { after, before, test } from 'node:test';
import {
  AppMeshClient,
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  ListMeshesCommand,
} from '@aws-sdk/client-app-mesh';
import { ModifyVpcEndpointCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadEnvoyProtos } from '../../src/xds/protos/load.js';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';
import { signedMetadata, T } from '../xds/server/ads-client.js';
import { buildLab, ec2Client, freePort, type Lab, waitAvailable, waitPort } from './support.js';

const PREFIX = '127.33';
const CLIENT = `${PREFIX}.0.10`;
const MESH = 'envoy-vpce';
const NODE = `mesh/${MESH}/virtualNode/front`;
const ADS_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
let server: RunningServer;
let ec2: EC2Client;
let lab: Lab;
let port: number;
let caPem: string;

before(async () => {
  port = await freePort();
  server = await startServer({ args: ['--endpoint-port', String(port), '--endpoint-settle-ms', '50'] });
  caPem = execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', server.dataDir], { encoding: 'utf8' });
  const mesh = new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  try {
    await mesh.send(new CreateMeshCommand({ meshName: MESH }));
    await mesh.send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'front',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: 'front.local' } },
        },
      }),
    );
  } finally {
    mesh.destroy();
  }
  ec2 = ec2Client(server);
  lab = await buildLab(ec2, server.region, PREFIX, port);
  await waitPort(lab.addresses['appmesh-envoy-management'][0]!, port, 'open');
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

interface Response {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: { type_url: string; value: Uint8Array }[];
}

/** A raw gRPC ADS stream over an HTTP/2 session: length-prefixed DiscoveryRequest/DiscoveryResponse frames. */
class RawAds {
  private readonly requestType = loadEnvoyProtos().lookupType('envoy.service.discovery.v3.DiscoveryRequest');
  private readonly responseType = loadEnvoyProtos().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
  private buffer = Buffer.alloc(0);
  private readonly queue: Response[] = [];
  private readonly waiters: ((r: Response) => void)[] = [];
  readonly status: Promise<string | undefined>;
  private readonly stream: ClientHttp2Stream;

  constructor(session: ClientHttp2Session, authority: string, headers: Record<string, string>) {
    this.stream = session.request({
      ':method': 'POST',
      ':path': ADS_PATH,
      ':authority': authority,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let grpcStatus: string | undefined;
    this.status = new Promise((resolve) => {
      this.stream.on('response', (h) => {
        grpcStatus ??= h['grpc-status'] as string | undefined;
      });
      this.stream.on('trailers', (t) => {
        grpcStatus = (t['grpc-status'] as string | undefined) ?? grpcStatus;
      });
      this.stream.on('close', () => resolve(grpcStatus));
      this.stream.on('error', () => undefined);
    });
    this.stream.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 5 && this.buffer.length >= 5 + this.buffer.readUInt32BE(1)) {
        const len = this.buffer.readUInt32BE(1);
        const msg = this.responseType.toObject(this.responseType.decode(this.buffer.subarray(5, 5 + len)), {
          longs: String,
        }) as Response;
        this.buffer = this.buffer.subarray(5 + len);
        const w = this.waiters.shift();
        if (w) w(msg);
        else this.queue.push(msg);
      }
    });
  }

  send(req: Record<string, unknown>): void {
    const body = this.requestType.encode(this.requestType.fromObject(req)).finish();
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(body.length, 1);
    this.stream.write(Buffer.concat([prefix, body]));
  }

  next(ms = 5000): Promise<Response> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      const w = (x: Response) => {
        clearTimeout(t);
        resolve(x);
      };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no response within ${ms} ms`));
      }, ms);
      this.waiters.push(w);
    });
  }

  async quiet(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  close(): void {
    this.stream.close();
  }
}

const privateName = () => `appmesh-envoy-management.${server.region}.amazonaws.com`;

function envoySession(): ClientHttp2Session {
  const address = lab.addresses['appmesh-envoy-management'][0]!;
  return http2Connect(`https://${address}:${port}`, {
    createConnection: () =>
      tlsConnect({
        socket: netConnect({ host: address, port, localAddress: CLIENT }),
        ca: caPem,
        servername: privateName(),
        ALPNProtocols: ['h2'],
      }),
  });
}

/** Headers of a stream signed as Envoy's aws_iam credentials sign it for `authority`. */
function signedHeaders(authority: string): Record<string, string> {
  const md = signedMetadata({ authority, ...server.credentials, region: server.region });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = String(v);
  return out;
}

const names = (r: Response) =>
  r.resources.map((any) => {
    const t = loadEnvoyProtos().lookupType(any.type_url);
    return (t.toObject(t.decode(any.value)) as { name?: string }).name ?? '';
  });

/** Subscribes to clusters then listeners, ACKing each; returns the names received. */
async function subscribe(ads: RawAds): Promise<{ clusters: string[]; listeners: string[] }> {
  ads.send({ node: { id: NODE }, type_url: T.cds });
  const cds = await ads.next();
  assert.equal(cds.type_url, T.cds);
  ads.send({ node: { id: NODE }, type_url: T.cds, version_info: cds.version_info, response_nonce: cds.nonce });
  ads.send({ node: { id: NODE }, type_url: T.lds });
  const lds = await ads.next();
  assert.equal(lds.type_url, T.lds);
  ads.send({ node: { id: NODE }, type_url: T.lds, version_info: lds.version_info, response_nonce: lds.nonce });
  return { clusters: names(cds), listeners: names(lds) };
}

async function streamThroughEndpoint(authority: string): Promise<{ clusters: string[]; listeners: string[] }> {
  const session = envoySession();
  session.on('error', () => undefined);
  try {
    const ads = new RawAds(session, authority, signedHeaders(authority));
    const got = await Promise.race([
      subscribe(ads),
      ads.status.then((s) => {
        throw new Error(`stream closed with grpc-status ${s}`);
      }),
    ]);
    assert.ok(await ads.quiet(300), 'nothing is re-sent after the ACKs');
    ads.close();
    return got;
  } finally {
    session.close();
  }
}

test('a signed Envoy stream through the endpoint gets its clusters and listeners and ACKs them', async () => {
  for (const authority of [`${privateName()}:${port}`, privateName()]) {
    const { clusters, listeners } = await streamThroughEndpoint(authority);
    assert.ok(clusters.length > 0, `${authority}: clusters`);
    assert.ok(listeners.includes('lds_ingress_0.0.0.0_15000'), `${authority}: listeners ${listeners.join(', ')}`);
  }
});

test('an appmesh endpoint policy denying everything does not apply to the Envoy stream', async () => {
  const deny = JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] });
  await ec2.send(
    new ModifyVpcEndpointCommand({ VpcEndpointId: lab.endpoints.appmesh.VpcEndpointId!, PolicyDocument: deny }),
  );
  await waitAvailable(ec2, [lab.endpoints.appmesh.VpcEndpointId!]);
  await waitPort(lab.addresses.appmesh[0]!, port, 'open');

  // The policy is in force on the mesh API endpoint…
  const lookup: LookupFunction = (_host, options, cb) => {
    const address = lab.addresses.appmesh[0]!;
    const callback = cb as (err: Error | null, a: string | { address: string; family: number }[], f?: number) => void;
    if ((options as { all?: boolean }).all) callback(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
  const viaEndpoint = new AppMeshClient({
    endpoint: `https://appmesh.${server.region}.amazonaws.com:${port}`,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({ ca: caPem, lookup, keepAlive: false, localAddress: CLIENT }),
    }),
  });
  try {
    await assert.rejects(viaEndpoint.send(new ListMeshesCommand({})), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      assert.match(err.message, /explicit deny in a VPC endpoint policy/);
      return true;
    });
  } finally {
    viaEndpoint.destroy();
  }

  // …and not on the Envoy stream.
  const { listeners } = await streamThroughEndpoint(`${privateName()}:${port}`);
  assert.ok(listeners.includes('lds_ingress_0.0.0.0_15000'));
});

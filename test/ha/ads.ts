// A small SotW ADS client for the replica tests: raw gRPC with the Envoy protos (as shipped by
// @grpc/grpc-js-xds), SigV4-signed metadata like Envoy's aws_iam call credentials, and a
// loop that ACKs every response and keeps the newest version and bytes of each type.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { signedMetadata } from '../helpers/xds-auth.js';

const require = createRequire(import.meta.url);
const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const pkg = protoLoader.loadSync(['envoy/service/discovery/v3/ads.proto'], {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d)),
});
const Ads = (grpc.loadPackageDefinition(pkg) as any).envoy.service.discovery.v3
  .AggregatedDiscoveryService as grpc.ServiceClientConstructor;

export const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';

interface Response {
  version_info: string;
  type_url: string;
  nonce: string;
  resources?: { value: Buffer }[];
}

export interface Seen {
  version: string;
  /** Hash of the resources' bytes, to compare content as well as versions. */
  digest: string;
  at: number;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** A wildcard CDS + LDS subscription of one node, ACKing everything it receives. */
export class AdsWatcher {
  readonly latest = new Map<string, Seen>();
  readonly status: Promise<grpc.StatusObject>;
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<unknown, Response>;
  private waiters: (() => void)[] = [];

  constructor(
    readonly port: number,
    nodeId: string,
    creds: Credentials,
  ) {
    const authority = `127.0.0.1:${port}`;
    // A connection of its own, as each Envoy has: streams of earlier watchers (refused, or closed by a replica that
    // lost its database) do not share this one's HTTP/2 connection.
    this.client = new Ads(authority, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    this.call = (this.client as any).StreamAggregatedResources(signedMetadata({ authority, ...creds }));
    this.status = new Promise((resolve) => {
      this.call.on('status', resolve);
      this.call.on('error', () => undefined);
    });
    this.call.on('data', (r: Response) => {
      const digest = createHash('sha256');
      for (const res of r.resources ?? []) digest.update(res.value);
      this.latest.set(r.type_url, { version: r.version_info, digest: digest.digest('hex'), at: Date.now() });
      this.call.write({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce });
      for (const w of this.waiters.splice(0)) w();
    });
    this.call.write({ node: { id: nodeId }, type_url: CDS });
    this.call.write({ node: { id: nodeId }, type_url: LDS });
  }

  /** Resolves when `cond` holds (checked on every response of this stream, and every 25 ms); rejects after `ms`. */
  async until(cond: (w: AdsWatcher) => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`ADS client on port ${this.port}: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 25));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  version(typeUrl: string): string | undefined {
    return this.latest.get(typeUrl)?.version;
  }

  /** Versions and digests of both types, for comparing replicas. */
  fingerprint(): string {
    return [CDS, LDS].map((t) => `${this.latest.get(t)?.version}/${this.latest.get(t)?.digest}`).join(' ');
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

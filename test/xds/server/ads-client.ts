// A raw xDS client for tests: @grpc/grpc-js with the Envoy protos loaded by proto-loader,
// speaking SotW or delta ADS exactly as the test scripts it.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { signRequest, sha256Hex } from '../../../src/auth/sigv4.js';
import { loadEnvoyProtos } from '../../../src/xds/protos/load.js';

const require = createRequire(import.meta.url);
const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));

const pkg = protoLoader.loadSync(['envoy/service/discovery/v3/ads.proto', 'envoy/service/cluster/v3/cds.proto'], {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs,
});
const grpcObject = grpc.loadPackageDefinition(pkg) as any;
const AdsClientCtor = grpcObject.envoy.service.discovery.v3.AggregatedDiscoveryService as grpc.ServiceClientConstructor;
const CdsClientCtor = grpcObject.envoy.service.cluster.v3.ClusterDiscoveryService as grpc.ServiceClientConstructor;

export const T = {
  lds: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  rds: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cds: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  eds: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;

export interface AnyMsg {
  type_url: string;
  value: Buffer;
}
export interface SotwResponse {
  version_info: string;
  resources?: AnyMsg[];
  type_url: string;
  nonce: string;
}
export interface DeltaResponse {
  system_version_info?: string;
  type_url: string;
  nonce: string;
  removed_resources?: string[];
  resources?: { name: string; version: string; resource: AnyMsg }[];
}

/** The name of an encoded resource (ClusterLoadAssignments are named by cluster_name). */
export function resourceName(any: AnyMsg): string {
  const msg = loadEnvoyProtos().lookupType(any.type_url).decode(any.value) as unknown as {
    name?: string;
    cluster_name?: string;
  };
  return msg.name ?? msg.cluster_name ?? '';
}

export function decodeAny(any: AnyMsg): Record<string, unknown> {
  const t = loadEnvoyProtos().lookupType(any.type_url);
  return t.toObject(t.decode(any.value), { longs: String, enums: String }) as Record<string, unknown>;
}

/** Metadata as Envoy's aws_iam call credentials produce it for a stream to `authority`. */
export function signedMetadata(opts: {
  authority: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service?: string;
  delta?: boolean;
}): grpc.Metadata {
  const method = opts.delta ? 'DeltaAggregatedResources' : 'StreamAggregatedResources';
  const headers = signRequest({
    method: 'POST',
    host: opts.authority,
    path: `/envoy.service.discovery.v3.AggregatedDiscoveryService/${method}`,
    headers: { 'x-amz-content-sha256': sha256Hex('') },
    body: '',
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    region: opts.region,
    service: opts.service ?? 'appmesh',
  });
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) if (k !== 'host') md.set(k, v);
  return md;
}

export class AdsStream<Res> {
  private readonly queue: Res[] = [];
  private readonly waiters: ((r: Res) => void)[] = [];
  readonly closed: Promise<grpc.StatusObject>;

  constructor(
    readonly client: grpc.Client,
    readonly call: grpc.ClientDuplexStream<unknown, Res>,
  ) {
    call.on('data', (r: Res) => {
      const w = this.waiters.shift();
      if (w) w(r);
      else this.queue.push(r);
    });
    this.closed = new Promise((resolve) => {
      call.on('status', (s: grpc.StatusObject) => resolve(s));
      call.on('error', () => {
        /* reported through status */
      });
    });
  }

  send(req: Record<string, unknown>): void {
    this.call.write(req);
  }

  /** The next response; rejects after `ms`. */
  next(ms = 5000): Promise<Res> {
    const r = this.queue.shift();
    if (r) return Promise.resolve(r);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no response within ${ms} ms`));
      }, ms);
      const w = (x: Res) => {
        clearTimeout(t);
        resolve(x);
      };
      this.waiters.push(w);
    });
  }

  /** Resolves true when nothing arrives within `ms`. */
  async quiet(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  pendingCount(): number {
    return this.queue.length;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

export function openAds<Res = SotwResponse>(
  port: number,
  opts: {
    metadata?: grpc.Metadata;
    delta?: boolean;
    credentials?: grpc.ChannelCredentials;
    clustersOnly?: boolean;
  } = {},
): AdsStream<Res> {
  const creds = opts.credentials ?? grpc.credentials.createInsecure();
  if (opts.clustersOnly) {
    const cds = new CdsClientCtor(`127.0.0.1:${port}`, creds) as any;
    return new AdsStream<Res>(cds, cds.StreamClusters(opts.metadata ?? new grpc.Metadata()));
  }
  const client = new AdsClientCtor(`127.0.0.1:${port}`, creds) as any;
  const call = opts.delta
    ? client.DeltaAggregatedResources(opts.metadata ?? new grpc.Metadata())
    : client.StreamAggregatedResources(opts.metadata ?? new grpc.Metadata());
  return new AdsStream<Res>(client, call);
}

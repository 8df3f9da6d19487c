// Just enough of the Envoy API for a simulated proxy: the ADS service for grpc-js (via @grpc/proto-loader), and
// protobufjs decoders for the resources whose contents decide what a proxy subscribes to next (Listener → RDS names,
// Cluster → EDS names), like Envoy does.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

export const TYPE = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const;
const HCM_TYPE =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export const ADS_SOTW_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
export const ADS_DELTA_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

function includeDirs(): string[] {
  const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate']
    .map((d) => path.join(deps, d))
    .concat(path.dirname(require.resolve('protobufjs/package.json')));
}

export type AdsClient = grpc.Client & {
  StreamAggregatedResources(
    metadata: grpc.Metadata,
  ): grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
  DeltaAggregatedResources(
    metadata: grpc.Metadata,
  ): grpc.ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>;
};
export type AdsClientCtor = new (
  address: string,
  creds: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => AdsClient;

let adsCtor: AdsClientCtor | undefined;
/** The AggregatedDiscoveryService client constructor (messages as plain objects, snake_case, Any as {type_url, value}). */
export function adsClientCtor(): AdsClientCtor {
  if (adsCtor) return adsCtor;
  const def = protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: includeDirs(),
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: AdsClientCtor } } } };
  };
  adsCtor = pkg.envoy.service.discovery.v3.AggregatedDiscoveryService;
  return adsCtor;
}

interface Decoders {
  listener: protobuf.Type;
  cluster: protobuf.Type;
  hcm: protobuf.Type;
}
let decoders: Decoders | undefined;
function load(): Decoders {
  if (decoders) return decoders;
  const dirs = includeDirs();
  const descriptor = require('protobufjs/google/protobuf/descriptor.json') as {
    nested: { google: { nested: { protobuf: { nested: protobuf.INamespace['nested'] } } } };
  };
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested as never);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of dirs) {
      const full = path.join(dir, target);
      if (fs.existsSync(full)) return full;
    }
    return target;
  };
  root.loadSync(
    [
      'envoy/config/listener/v3/listener.proto',
      'envoy/config/cluster/v3/cluster.proto',
      'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
    ],
    { keepCase: true },
  );
  root.resolveAll();
  decoders = {
    listener: root.lookupType('envoy.config.listener.v3.Listener'),
    cluster: root.lookupType('envoy.config.cluster.v3.Cluster'),
    hcm: root.lookupType('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager'),
  };
  return decoders;
}

/** Loads the decoders now (it takes a moment) rather than on the first response. */
export function preloadEnvoy(): void {
  load();
  adsClientCtor();
}

interface AnyMsg {
  type_url?: string;
  value?: Uint8Array;
}
interface FilterMsg {
  typed_config?: AnyMsg | null;
}
interface ChainMsg {
  filters?: FilterMsg[];
}

/** Route configuration names a Listener refers to through RDS. */
export function rdsNames(listenerBytes: Uint8Array): string[] {
  const d = load();
  const l = d.listener.decode(listenerBytes) as unknown as {
    filter_chains?: ChainMsg[];
    default_filter_chain?: ChainMsg | null;
  };
  const out: string[] = [];
  for (const chain of [...(l.filter_chains ?? []), ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
    for (const f of chain.filters ?? []) {
      const tc = f.typed_config;
      if (tc?.type_url !== HCM_TYPE || !tc.value) continue;
      const hcm = d.hcm.decode(tc.value) as unknown as { rds?: { route_config_name?: string } | null };
      const name = hcm.rds?.route_config_name;
      if (name) out.push(name);
    }
  }
  return out;
}

/** The ClusterLoadAssignment name an EDS Cluster asks for, or undefined for other cluster types. */
export function edsName(clusterBytes: Uint8Array): string | undefined {
  const c = load().cluster.decode(clusterBytes) as unknown as {
    name: string;
    type?: number;
    eds_cluster_config?: { service_name?: string } | null;
  };
  if (c.type !== 3 && !c.eds_cluster_config) return undefined; // 3 = EDS
  return c.eds_cluster_config?.service_name || c.name;
}

/**
 * The resource name without decoding the resource: Listener, RouteConfiguration, Cluster, ClusterLoadAssignment and
 * Secret all carry it as field 1 (a string).
 */
export function resourceName(bytes: Uint8Array): string {
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) throw new Error('truncated resource');
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 2) {
      const len = varint();
      if (field === 1) return Buffer.from(bytes.buffer, bytes.byteOffset + i, len).toString('utf8');
      i += len;
    } else if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return '';
}

// The xDS gRPC services, loaded from the vendored Envoy API protos. Responses
// are written as already-encoded bytes (see ../cache/wire.ts), so each service's response
// serializer passes Buffers through.
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { envoyIncludeDirs } from '../protos/load.js';
import { XDS_SERVICE_PROTO_FILES } from '../proto-files.js';
import { TypeUrl, type TypeUrlValue } from '../translate/types.js';
import type { Variant, XdsService } from './session.js';

export interface XdsMethod {
  service: XdsService;
  variant: Variant;
  /** The one type a single-type service serves; undefined for ADS. */
  fixedType?: TypeUrlValue;
}

interface ServiceSpec {
  name: string;
  service: XdsService;
  fixedType?: TypeUrlValue;
  sotw: string;
  delta: string;
}

const SERVICES: ServiceSpec[] = [
  {
    name: 'envoy.service.discovery.v3.AggregatedDiscoveryService',
    service: 'ads',
    sotw: 'StreamAggregatedResources',
    delta: 'DeltaAggregatedResources',
  },
  {
    name: 'envoy.service.listener.v3.ListenerDiscoveryService',
    service: 'lds',
    fixedType: TypeUrl.listener,
    sotw: 'StreamListeners',
    delta: 'DeltaListeners',
  },
  {
    name: 'envoy.service.route.v3.RouteDiscoveryService',
    service: 'rds',
    fixedType: TypeUrl.route,
    sotw: 'StreamRoutes',
    delta: 'DeltaRoutes',
  },
  {
    name: 'envoy.service.cluster.v3.ClusterDiscoveryService',
    service: 'cds',
    fixedType: TypeUrl.cluster,
    sotw: 'StreamClusters',
    delta: 'DeltaClusters',
  },
  {
    name: 'envoy.service.endpoint.v3.EndpointDiscoveryService',
    service: 'eds',
    fixedType: TypeUrl.endpoint,
    sotw: 'StreamEndpoints',
    delta: 'DeltaEndpoints',
  },
];

export function loadXdsPackage(): protoLoader.PackageDefinition {
  return protoLoader.loadSync([...XDS_SERVICE_PROTO_FILES], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: envoyIncludeDirs(),
  });
}

export interface LoadedService {
  definition: ServiceDefinition;
  /** method name → what it serves (streaming methods only; Fetch* stay unimplemented). */
  methods: Map<string, XdsMethod>;
}

/** A service among a package's definitions (the others are messages and enums, which carry a `format`). */
function serviceDefinition(pkg: protoLoader.PackageDefinition, name: string): protoLoader.ServiceDefinition {
  const def = pkg[name];
  if (!def || 'format' in def) throw new Error(`${name} is not a service of the xDS protos`);
  return def;
}

export function xdsServices(pkg: protoLoader.PackageDefinition = loadXdsPackage()): LoadedService[] {
  return SERVICES.map((spec) => {
    const definition: ServiceDefinition = Object.fromEntries(
      Object.entries(serviceDefinition(pkg, spec.name)).map(([method, def]) => {
        const serialize = def.responseSerialize;
        return [method, { ...def, responseSerialize: (v: object) => (Buffer.isBuffer(v) ? v : serialize(v)) }];
      }),
    );
    const methods = new Map<string, XdsMethod>([
      [spec.sotw, { service: spec.service, variant: 'sotw', ...(spec.fixedType ? { fixedType: spec.fixedType } : {}) }],
      [
        spec.delta,
        { service: spec.service, variant: 'delta', ...(spec.fixedType ? { fixedType: spec.fixedType } : {}) },
      ],
    ]);
    return { definition, methods };
  });
}

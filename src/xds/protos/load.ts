// The Envoy API protos, vendored under vendor/xds-protos/ (see ../proto-files.ts), loaded once per process.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ENVOY_PROTO_FILES, VENDORED_PROTO_DIRS, VENDORED_PROTOS_ROOT } from '../proto-files.js';
import { isPlainObject } from './proto-json.js';

const require = createRequire(import.meta.url);

export interface EnvoyProtos {
  root: protobuf.Root;
  /** Include directories (envoy-api, xds, googleapis, protoc-gen-validate, protobufjs' google/protobuf). */
  includeDirs: readonly string[];
  /** Looks up a message type by full name ('envoy.config.cluster.v3.Cluster') or type URL. Throws if unknown. */
  lookupType(nameOrTypeUrl: string): protobuf.Type;
}

let loaded: EnvoyProtos | undefined;

/** Include directories for @grpc/proto-loader or protoc when loading the Envoy API. */
export function envoyIncludeDirs(): string[] {
  return [
    ...VENDORED_PROTO_DIRS.map((d) => path.join(VENDORED_PROTOS_ROOT, d)),
    path.dirname(require.resolve('protobufjs/package.json')),
  ];
}

/** The google.protobuf namespace of protobufjs' descriptor.json (descriptor.proto), which the validate options extend. */
function descriptorNamespace(): Record<string, unknown> {
  let node: unknown = require('protobufjs/google/protobuf/descriptor.json');
  for (const key of ['nested', 'google', 'nested', 'protobuf', 'nested']) node = isPlainObject(node) ? node[key] : node;
  if (!isPlainObject(node)) throw new Error('protobufjs/google/protobuf/descriptor.json has an unexpected shape');
  return node;
}

/** Loads (once per process) the Envoy API protos with field names kept in snake_case. */
export function loadEnvoyProtos(): EnvoyProtos {
  if (loaded) return loaded;
  protobuf.common('descriptor', descriptorNamespace());
  const includeDirs = envoyIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of includeDirs) {
      const full = path.join(dir, target);
      if (fs.existsSync(full)) return full;
    }
    return target;
  };
  root.loadSync([...ENVOY_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  const cache = new Map<string, protobuf.Type>();
  const lookupType = (nameOrTypeUrl: string): protobuf.Type => {
    let t = cache.get(nameOrTypeUrl);
    if (t) return t;
    const name = nameOrTypeUrl.slice(nameOrTypeUrl.lastIndexOf('/') + 1);
    t = root.lookupType(name.startsWith('.') ? name : `.${name}`);
    cache.set(nameOrTypeUrl, t);
    return t;
  };
  loaded = { root, includeDirs, lookupType };
  return loaded;
}

/**
 * The ADS / discovery protos through @grpc/proto-loader, for a grpc-js server:
 * `pkg['envoy.service.discovery.v3.AggregatedDiscoveryService']` is the service definition to pass to `addService`.
 * Options are proto-loader's (keepCase true, longs/enums as String, defaults false by default here).
 */
export async function loadAdsPackageDefinition(options: Record<string, unknown> = {}): Promise<PackageDefinition> {
  const loader = await import('@grpc/proto-loader');
  return loader.loadSync(['envoy/service/discovery/v3/ads.proto', 'envoy/service/discovery/v3/discovery.proto'], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
    includeDirs: envoyIncludeDirs(),
    ...options,
  });
}

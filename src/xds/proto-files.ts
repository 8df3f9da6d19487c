// Every Envoy/xDS proto file the server loads, and where the vendored copies live. The
// repository holds only the transitive closure of these files (their imports, and the
// imports' imports), refreshed by scripts/vendor-xds-protos.mjs from the @grpc/grpc-js-xds
// package's deps/ folder; `npm test` checks the vendored tree is exactly that closure.
// Well-known types (google/protobuf/*) come from protobufjs, a runtime dependency.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Proto files loaded by `loadEnvoyProtos` (their imports are loaded too). */
export const ENVOY_PROTO_FILES: readonly string[] = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/grpc/v3/als.proto',
  'envoy/service/accesslog/v3/als.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/clusters/aggregate/v3/cluster.proto',
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
];

/** The xDS services' protos, loaded through @grpc/proto-loader (src/xds/server/services.ts). */
export const XDS_SERVICE_PROTO_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/listener/v3/lds.proto',
  'envoy/service/route/v3/rds.proto',
  'envoy/service/cluster/v3/cds.proto',
  'envoy/service/endpoint/v3/eds.proto',
];

/** Include directories inside the vendored tree, in resolution order (as in @grpc/grpc-js-xds's deps/). */
export const VENDORED_PROTO_DIRS: readonly string[] = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'];

/** vendor/xds-protos at the package root (this file is src/xds/ in the sources, dist/src/xds/ when built). */
export const VENDORED_PROTOS_ROOT = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.basename(path.dirname(path.dirname(here))) === 'dist' ? ['..', '..', '..'] : ['..', '..'];
  return path.resolve(here, ...up, 'vendor', 'xds-protos');
})();

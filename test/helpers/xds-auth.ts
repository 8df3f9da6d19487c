// SigV4-signed gRPC metadata for xDS streams, as Envoy's aws_iam call credentials send it.
import * as grpc from '@grpc/grpc-js';
import { sha256Hex, signRequest } from '../../src/auth/sigv4.js';

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

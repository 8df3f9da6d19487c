// Listener TLS (DownstreamTlsContext) and client policy TLS (UpstreamTlsContext).
//
// Certificates come from files on the proxy's host or from the local SDS server (SPIRE) through the bootstrap cluster
// `static_cluster_sds_unix_socket`, as with App Mesh; appmeshd itself serves no secrets. ACM certificates and ACM
// certificate authorities cannot exist self-hosted: a listener whose certificate is ACM is translated without TLS and a
// client policy whose trust is ACM is ignored (as if absent). Both are deterministic and documented.
import type {
  ClientPolicyTls, ListenerTls, ListenerTlsValidationContext, PortProtocol, SubjectAlternativeNames, TlsValidationContext,
  VirtualGatewayClientPolicyTls, VirtualGatewayListenerTls, VirtualNodeSpec,
} from '../../protocols/generated/appmesh-types.js';
import { sdsSecretConfig, T, type Json } from './envoy.js';

type AnyListenerTls = ListenerTls | VirtualGatewayListenerTls;
type AnyClientTls = ClientPolicyTls | VirtualGatewayClientPolicyTls;

/** Listener TLS that applies (STRICT or PERMISSIVE with a non-ACM certificate), else undefined. */
export function effectiveListenerTls(tls: AnyListenerTls | undefined): AnyListenerTls | undefined {
  if (!tls || tls.mode === 'DISABLED') return undefined;
  if (!tls.certificate.file && !tls.certificate.sds) return undefined; // ACM: not available self-hosted
  return tls;
}

function sanMatchers(sans: readonly string[]): Json[] {
  return sans.map((san) => ({ san_type: san.includes('://') ? 'URI' : 'DNS', matcher: { exact: san } }));
}

/** Validation: file trust → trusted_ca; SDS trust → SDS validation secret (combined with SAN matchers when given). */
function validation(v: { trust: { file?: { certificateChain: string }; sds?: { secretName: string } }; subjectAlternativeNames?: SubjectAlternativeNames } | undefined,
  defaultSans: readonly string[]): Json | undefined {
  if (!v) return undefined;
  const sans = v.subjectAlternativeNames?.match.exact?.length ? v.subjectAlternativeNames.match.exact : defaultSans;
  if (v.trust.file) {
    const ctx: Json = { trusted_ca: { filename: v.trust.file.certificateChain } };
    if (sans.length) ctx['match_typed_subject_alt_names'] = sanMatchers(sans);
    return { validation_context: ctx };
  }
  if (v.trust.sds) {
    if (!sans.length) return { validation_context_sds_secret_config: sdsSecretConfig(v.trust.sds.secretName) };
    return {
      combined_validation_context: {
        default_validation_context: { match_typed_subject_alt_names: sanMatchers(sans) },
        validation_context_sds_secret_config: sdsSecretConfig(v.trust.sds.secretName),
      },
    };
  }
  return undefined;
}

function certificate(c: { file?: { certificateChain: string; privateKey: string }; sds?: { secretName: string } } | undefined): Json {
  if (c?.file) return { tls_certificates: [{ certificate_chain: { filename: c.file.certificateChain }, private_key: { filename: c.file.privateKey } }] };
  if (c?.sds) return { tls_certificate_sds_secret_configs: [sdsSecretConfig(c.sds.secretName)] };
  return {};
}

/** HTTP/2 (and gRPC) over TLS needs ALPN `h2`; gRPC clients refuse servers that do not negotiate it. */
const isH2 = (protocol: PortProtocol) => protocol === 'http2' || protocol === 'grpc';

/** transport_socket for a listener filter chain. */
export function downstreamTransportSocket(tls: AnyListenerTls, protocol: PortProtocol): Json {
  const common: Json = certificate(tls.certificate);
  if (isH2(protocol)) common['alpn_protocols'] = ['h2', 'http/1.1'];
  const v = validation(tls.validation as ListenerTlsValidationContext | undefined, []);
  if (v) Object.assign(common, v);
  const ctx: Json = { '@type': T.downstreamTls, common_tls_context: common };
  if (v) ctx['require_client_certificate'] = true;
  return { name: 'envoy.transport_sockets.tls', typed_config: ctx };
}

/** The name a target's certificate is expected to carry when a client policy gives no SANs (App Mesh default). */
export function defaultSanFor(vn: VirtualNodeSpec): string[] {
  const sd = vn.serviceDiscovery;
  if (sd?.dns) return [sd.dns.hostname];
  if (sd?.awsCloudMap) return [`${sd.awsCloudMap.serviceName}.${sd.awsCloudMap.namespaceName}`];
  return [];
}

/** Client policy TLS that applies to a target port (enforced, port listed or no port list, non-ACM trust), else undefined. */
export function applicableClientTls(tls: AnyClientTls | undefined, port: number): AnyClientTls | undefined {
  if (!tls || tls.enforce === false) return undefined;
  if (tls.ports?.length && !tls.ports.includes(port)) return undefined;
  if (!tls.validation.trust.file && !tls.validation.trust.sds) return undefined; // ACM: not available self-hosted
  return tls;
}

/**
 * transport_socket of an egress cluster. With a client policy: its certificate (mTLS) and validation (SANs given, else
 * the target's service-discovery name). Without one: TLS without verification when the target listener is STRICT
 * (App Mesh decides from the server's listener), plaintext otherwise.
 */
export function upstreamTransportSocket(policy: AnyClientTls | undefined, target: { vn: VirtualNodeSpec; protocol: PortProtocol; listenerTls: AnyListenerTls | undefined }): Json | undefined {
  let common: Json;
  if (policy) {
    common = certificate(policy.certificate);
    const v = validation(policy.validation as TlsValidationContext, defaultSanFor(target.vn));
    if (v) Object.assign(common, v);
  } else if (effectiveListenerTls(target.listenerTls)?.mode === 'STRICT') {
    common = {};
  } else {
    return undefined;
  }
  if (isH2(target.protocol)) common['alpn_protocols'] = ['h2'];
  return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': T.upstreamTls, common_tls_context: common } };
}

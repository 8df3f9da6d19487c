// Listener TLS (DownstreamTlsContext) and client policy TLS (UpstreamTlsContext).
//
// Certificates come from files on the proxy's host or from the local SDS server (SPIRE) through the bootstrap cluster
// `static_cluster_sds_unix_socket`, as with App Mesh; appmeshd itself serves no secrets. ACM certificates and ACM
// certificate authorities cannot exist self-hosted, and they fail closed: a STRICT listener whose certificate is ACM
// refuses connections (no filter chain), a PERMISSIVE one serves plaintext only; an enforced client policy whose trust is
// ACM makes the clusters it applies to unusable (left out). Callers report each case as a warning.
import type {
  ClientPolicyTls,
  ListenerTls,
  ListenerTlsValidationContext,
  PortProtocol,
  SubjectAlternativeNames,
  TlsValidationContext,
  VirtualGatewayClientPolicyTls,
  VirtualGatewayListenerTls,
  VirtualNodeSpec,
} from '../../protocols/generated/appmesh-types.js';
import { sdsSecretConfig, T, type Json } from './envoy.js';

type AnyListenerTls = ListenerTls | VirtualGatewayListenerTls;
type AnyClientTls = ClientPolicyTls | VirtualGatewayClientPolicyTls;

/**
 * What a listener port does with TLS: `tls` (STRICT or PERMISSIVE with a file/SDS certificate), `plaintext` (no TLS,
 * DISABLED, or PERMISSIVE with an ACM certificate, which does not exist self-hosted) or `refused` (STRICT with an ACM
 * certificate: no filter chain, so that no plaintext connection is ever accepted).
 */
export type ListenerTlsPlan =
  | { kind: 'tls'; tls: AnyListenerTls }
  | { kind: 'plaintext'; acm: boolean }
  | { kind: 'refused' };

export function listenerTlsPlan(tls: AnyListenerTls | undefined): ListenerTlsPlan {
  if (!tls || tls.mode === 'DISABLED') return { kind: 'plaintext', acm: false };
  if (tls.certificate.file || tls.certificate.sds) return { kind: 'tls', tls };
  return tls.mode === 'STRICT' ? { kind: 'refused' } : { kind: 'plaintext', acm: true };
}

/** Listener TLS that applies (STRICT or PERMISSIVE with a non-ACM certificate), else undefined. */
export function effectiveListenerTls(tls: AnyListenerTls | undefined): AnyListenerTls | undefined {
  const plan = listenerTlsPlan(tls);
  return plan.kind === 'tls' ? plan.tls : undefined;
}

/** The warning for a listener port whose ACM certificate cannot be served; undefined when there is none. */
export function acmListenerWarning(
  owner: string,
  port: number,
  protocol: string,
  plan: ListenerTlsPlan,
): string | undefined {
  if (plan.kind === 'refused') {
    return `${owner} listener ${protocol} ${port}: TLS mode STRICT with an ACM certificate, which does not exist self-hosted; the port refuses connections`;
  }
  if (plan.kind === 'plaintext' && plan.acm) {
    return `${owner} listener ${protocol} ${port}: TLS mode PERMISSIVE with an ACM certificate, which does not exist self-hosted; the port serves plaintext only`;
  }
  return undefined;
}

function sanMatchers(sans: readonly string[]): Json[] {
  return sans.map((san) => ({ san_type: san.includes('://') ? 'URI' : 'DNS', matcher: { exact: san } }));
}

/** Validation: file trust → trusted_ca; SDS trust → SDS validation secret (combined with SAN matchers when given). */
function validation(
  v:
    | {
        trust: { file?: { certificateChain: string }; sds?: { secretName: string } };
        subjectAlternativeNames?: SubjectAlternativeNames;
      }
    | undefined,
  defaultSans: readonly string[],
): Json | undefined {
  if (!v) return undefined;
  const sans = v.subjectAlternativeNames?.match.exact?.length ? v.subjectAlternativeNames.match.exact : defaultSans;
  if (v.trust.file) {
    const ctx: Json = { trusted_ca: { filename: v.trust.file.certificateChain } };
    if (sans.length) ctx.match_typed_subject_alt_names = sanMatchers(sans);
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

function certificate(
  c: { file?: { certificateChain: string; privateKey: string }; sds?: { secretName: string } } | undefined,
): Json {
  if (c?.file)
    return {
      tls_certificates: [
        { certificate_chain: { filename: c.file.certificateChain }, private_key: { filename: c.file.privateKey } },
      ],
    };
  if (c?.sds) return { tls_certificate_sds_secret_configs: [sdsSecretConfig(c.sds.secretName)] };
  return {};
}

/** HTTP/2 (and gRPC) over TLS needs ALPN `h2`; gRPC clients refuse servers that do not negotiate it. */
const isH2 = (protocol: PortProtocol) => protocol === 'http2' || protocol === 'grpc';

/** transport_socket for a listener filter chain. */
export function downstreamTransportSocket(tls: AnyListenerTls, protocol: PortProtocol): Json {
  const common: Json = certificate(tls.certificate);
  if (isH2(protocol)) common.alpn_protocols = ['h2', 'http/1.1'];
  const v = validation(tls.validation as ListenerTlsValidationContext | undefined, []);
  if (v) Object.assign(common, v);
  const ctx: Json = { '@type': T.downstreamTls, common_tls_context: common };
  if (v) ctx.require_client_certificate = true;
  return { name: 'envoy.transport_sockets.tls', typed_config: ctx };
}

/** The name a target's certificate is expected to carry when a client policy gives no SANs (App Mesh default). */
export function defaultSanFor(vn: VirtualNodeSpec): string[] {
  const sd = vn.serviceDiscovery;
  if (sd?.dns) return [sd.dns.hostname];
  if (sd?.awsCloudMap) return [`${sd.awsCloudMap.serviceName}.${sd.awsCloudMap.namespaceName}`];
  return [];
}

/**
 * Client policy TLS that applies to a target port (enforced, port listed or no port list), else undefined. `'acm'` when
 * the applicable policy trusts ACM certificate authorities, which do not exist self-hosted: the caller must make the
 * target unusable (leave its cluster out) rather than connect unverified.
 */
export function applicableClientTls<P extends AnyClientTls>(tls: P | undefined, port: number): P | 'acm' | undefined {
  if (!tls || tls.enforce === false) return undefined;
  if (tls.ports?.length && !tls.ports.includes(port)) return undefined;
  if (!tls.validation.trust.file && !tls.validation.trust.sds) return 'acm';
  return tls;
}

export function acmClientWarning(owner: string, via: string, cluster: string): string {
  return `${owner} ${via}: client policy TLS trusts ACM certificate authorities, which do not exist self-hosted; cluster ${cluster} is left out (requests to it fail)`;
}

/**
 * transport_socket of an egress cluster. With a client policy: its certificate (mTLS) and validation (SANs given, else
 * the target's service-discovery name). Without one: TLS without verification when the target listener is STRICT
 * (App Mesh decides from the server's listener), plaintext otherwise.
 */
export function upstreamTransportSocket(
  policy: AnyClientTls | undefined,
  target: { vn: VirtualNodeSpec; protocol: PortProtocol; listenerTls: AnyListenerTls | undefined },
): Json | undefined {
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
  if (isH2(target.protocol)) common.alpn_protocols = ['h2'];
  return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': T.upstreamTls, common_tls_context: common } };
}

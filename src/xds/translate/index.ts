// translate(snapshot, proxy) → the Envoy resources of one proxy. Pure: no I/O, no clock, no randomness; every list is
// sorted by resource name, so equal inputs give byte-identical outputs (and content hashes).
//
// Resources are shared between the results of one snapshot (memoized per snapshot object): treat them as immutable.
import type { MeshSnapshot } from '../../mesh/snapshot.js';
import { byName } from './envoy.js';
import { translateVirtualGateway } from './gateway.js';
import { translateApiListenerFor } from './proxyless.js';
import { translateVirtualNode } from './sidecar.js';
import type { EnvoyResource, ProxyConfig, ProxyIdentity, TranslateOptions } from './types.js';

export * from './types.js';

const empty = (): ProxyConfig => ({ listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] });

function sorted(c: ProxyConfig): ProxyConfig {
  const out: ProxyConfig = {
    listeners: c.listeners.sort(byName),
    routes: c.routes.sort(byName),
    clusters: c.clusters.sort(byName),
    endpoints: c.endpoints.sort(byName),
    secrets: c.secrets.sort(byName),
  };
  const warnings = [...new Set(c.warnings ?? [])].sort();
  if (warnings.length) out.warnings = warnings;
  return out;
}

/** Does the identity address this snapshot's mesh (name, and owner when the identity names one)? */
function sameMesh(s: MeshSnapshot, p: ProxyIdentity): boolean {
  return p.meshName === s.meshName && (p.meshOwner === undefined || p.meshOwner === s.meshOwner);
}

/**
 * The sidecar (virtual node) or gateway (virtual gateway) configuration of one proxy. An unknown proxy, or one of
 * another mesh, gets an empty configuration.
 */
export function translate(snapshot: MeshSnapshot, proxy: ProxyIdentity, options: TranslateOptions = {}): ProxyConfig {
  if (!sameMesh(snapshot, proxy)) return empty();
  if (proxy.kind === 'virtualNode') {
    const vn = snapshot.virtualNodes.get(proxy.name);
    return vn ? sorted(translateVirtualNode(snapshot, vn, options)) : empty();
  }
  const vg = snapshot.virtualGateways.get(proxy.name);
  return vg ? sorted(translateVirtualGateway(snapshot, vg, options)) : empty();
}

/**
 * Proxyless gRPC: the API listener a grpc-js-xds client running as virtual node `proxy` asks for (`<vs>:<port>` or
 * `<vs>`, from its target `xds:///<vs>[:<port>]`), with the RouteConfiguration, clusters and ClusterLoadAssignments it
 * leads to. undefined when the name is not a (non-tcp) backend virtual service of the node, or the proxy is not a
 * virtual node of this mesh: the xDS server then answers that the resource does not exist.
 */
export function translateApiListener(
  snapshot: MeshSnapshot,
  proxy: ProxyIdentity,
  listenerName: string,
): ProxyConfig | undefined {
  if (!sameMesh(snapshot, proxy) || proxy.kind !== 'virtualNode') return undefined;
  const vn = snapshot.virtualNodes.get(proxy.name);
  const c = vn ? translateApiListenerFor(snapshot, vn, listenerName) : undefined;
  return c ? sorted(c) : undefined;
}

/** Several API listeners at once (names that resolve to nothing are skipped), merged without duplicates. */
export function translateApiListeners(
  snapshot: MeshSnapshot,
  proxy: ProxyIdentity,
  listenerNames: readonly string[],
): ProxyConfig {
  const out = empty();
  const seen = {
    listeners: new Set<string>(),
    routes: new Set<string>(),
    clusters: new Set<string>(),
    endpoints: new Set<string>(),
    secrets: new Set<string>(),
  };
  for (const n of [...new Set(listenerNames)]) {
    const c = translateApiListener(snapshot, proxy, n);
    if (!c) continue;
    for (const k of ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const) {
      for (const r of c[k]) {
        if (seen[k].has(r.name)) continue;
        seen[k].add(r.name);
        (out[k] as EnvoyResource[]).push(r);
      }
    }
    if (c.warnings) (out.warnings ??= []).push(...c.warnings);
  }
  return sorted(out);
}

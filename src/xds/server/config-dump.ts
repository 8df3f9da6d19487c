// The Envoy configuration a proxy would get, computed from the store without a connection,
// in the shape of Envoy's own /config_dump (ClustersConfigDump, ListenersConfigDump …).
import type { MeshSnapshotFeed } from '../../mesh/feed.js';
import type { EncodedConfig } from '../cache/encoded-config.js';
import type { ProxyConfigCache } from '../cache/proxy-config-cache.js';
import { parseNodeId, quoteNodeId } from '../identity.js';
import { TypeUrl, type EnvoyResource, type TypeUrlValue } from '../translate/types.js';

export class ConfigDumpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

function versions(config: EncodedConfig, typeUrl: TypeUrlValue) {
  const type = config.types.get(typeUrl)!;
  return (r: EnvoyResource) => type.byName.get(r.name)?.version ?? '';
}

const typed = (r: EnvoyResource) => ({ '@type': r.typeUrl, ...r.resource });

export async function configDump(
  feed: MeshSnapshotFeed,
  cache: ProxyConfigCache,
  nodeId: string,
  apiListeners: readonly string[] = [],
) {
  const id = parseNodeId(nodeId);
  if (!id) throw new ConfigDumpError(400, `${quoteNodeId(nodeId)} is not a virtual node or virtual gateway node id`);
  const entry = await feed.current(id.meshName);
  const result = cache.configFor(entry, id, apiListeners);
  if (result.kind === 'missing') throw new ConfigDumpError(404, result.message);
  if (result.kind === 'error') throw new ConfigDumpError(500, `translation failed: ${result.message}`);
  const config = result.config;
  const src = config.source;
  const v = (t: TypeUrlValue) => versions(config, t);
  return {
    node: { id: nodeId, mesh: id.meshName, kind: id.kind, name: id.name },
    meshRevision: entry!.revision,
    version: config.version,
    /** What the App Mesh configuration asks for and appmeshd cannot honour self-hosted, and what it did instead. */
    warnings: src.warnings ?? [],
    configs: [
      {
        '@type': `${ADMIN}ClustersConfigDump`,
        dynamic_active_clusters: src.clusters.map((r) => ({ version_info: v(TypeUrl.cluster)(r), cluster: typed(r) })),
      },
      {
        '@type': `${ADMIN}EndpointsConfigDump`,
        dynamic_endpoint_configs: src.endpoints.map((r) => ({
          version_info: v(TypeUrl.endpoint)(r),
          endpoint_config: typed(r),
        })),
      },
      {
        '@type': `${ADMIN}ListenersConfigDump`,
        dynamic_listeners: src.listeners.map((r) => ({
          name: r.name,
          active_state: { version_info: v(TypeUrl.listener)(r), listener: typed(r) },
        })),
      },
      {
        '@type': `${ADMIN}RoutesConfigDump`,
        dynamic_route_configs: src.routes.map((r) => ({ version_info: v(TypeUrl.route)(r), route_config: typed(r) })),
      },
      {
        '@type': `${ADMIN}SecretsConfigDump`,
        dynamic_active_secrets: src.secrets.map((r) => ({
          name: r.name,
          version_info: v(TypeUrl.secret)(r),
          secret: typed(r),
        })),
      },
    ],
  };
}

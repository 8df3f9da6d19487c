// Proxy identity from Envoy's node.id, in every form App Mesh accepts:
//   mesh/<mesh>/virtualNode/<name>          mesh/<mesh>/virtualGateway/<name>
//   mesh/<mesh>@<owner>/virtualNode/<name>  (a mesh shared by another account)
//   arn:aws:appmesh:<region>:<account>:mesh/<mesh>/virtualNode/<name>  (or virtualGateway)
import { resourceArn } from '../appmesh/arn.js';
import { Kind } from '../appmesh/kinds.js';
import type { ProxyIdentity } from './translate/types.js';

export interface ParsedNodeId extends ProxyIdentity {
  /** Region named by an ARN node id. */
  region?: string;
}

const KINDS: Record<string, ProxyIdentity['kind']> = { virtualNode: 'virtualNode', virtualGateway: 'virtualGateway' };

/**
 * The longest node.id admitted, in UTF-8 bytes: the ARN form with a 255-character mesh and
 * a 255-character node name (App Mesh's name limit) is about 600.
 */
export const MAX_NODE_ID_BYTES = 1024;
/** How much of a node id error messages and logs quote. */
const QUOTED_CHARS = 128;

/** A node id as error messages and logs show it: quoted, cut after QUOTED_CHARS characters. */
export function quoteNodeId(nodeId: string): string {
  if (nodeId.length <= QUOTED_CHARS) return JSON.stringify(nodeId);
  return `${JSON.stringify(nodeId.slice(0, QUOTED_CHARS))}… (${nodeId.length} characters)`;
}

/** Undefined when the id names no virtual node or gateway. */
export function parseNodeId(nodeId: string): ParsedNodeId | undefined {
  if (nodeId.length > MAX_NODE_ID_BYTES || Buffer.byteLength(nodeId) > MAX_NODE_ID_BYTES) return undefined;
  const arn = /^arn:aws:appmesh:([a-z0-9-]+):(\d{12}):(mesh\/.+)$/.exec(nodeId);
  const path = arn ? arn[3]! : nodeId;
  const parts = path.split('/');
  if (parts.length !== 4 || parts[0] !== 'mesh') return undefined;
  const kind = Object.hasOwn(KINDS, parts[2]!) ? KINDS[parts[2]!] : undefined;
  let meshName = parts[1]!;
  const name = parts[3]!;
  if (!kind || !meshName || !name) return undefined;
  let meshOwner = arn?.[2];
  const at = meshName.indexOf('@');
  if (at >= 0) {
    if (arn) return undefined;
    meshOwner = meshName.slice(at + 1);
    meshName = meshName.slice(0, at);
    if (!/^\d{12}$/.test(meshOwner) || !meshName) return undefined;
  }
  return { kind, meshName, name, ...(meshOwner ? { meshOwner } : {}), ...(arn ? { region: arn[1]! } : {}) };
}

/** A stable key for proxies that receive the same configuration. */
export const identityKey = (id: ProxyIdentity): string => `${id.meshName}/${id.kind}/${id.name}`;

export function identityArn(id: ProxyIdentity, region: string, accountId: string): string {
  return resourceArn(
    region,
    id.meshOwner ?? accountId,
    id.kind === 'virtualNode' ? Kind.virtualNode : Kind.virtualGateway,
    id.meshName,
    id.name,
  );
}

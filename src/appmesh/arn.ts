// App Mesh ARNs, built and parsed in one place.
import { Kind, type MeshKind } from './kinds.js';

export interface ArnParts {
  region: string;
  accountId: string;
  kind: MeshKind;
  meshName: string;
  /** router or gateway name for routes and gateway routes */
  parentName?: string;
  name: string;
}

const CHILD: Record<string, MeshKind> = {
  virtualNode: Kind.virtualNode,
  virtualService: Kind.virtualService,
  virtualRouter: Kind.virtualRouter,
  virtualGateway: Kind.virtualGateway,
};

export function meshArn(region: string, accountId: string, mesh: string): string {
  return `arn:aws:appmesh:${region}:${accountId}:mesh/${mesh}`;
}

export function resourceArn(
  region: string,
  accountId: string,
  kind: MeshKind,
  mesh: string,
  name: string,
  parent?: string,
): string {
  const base = meshArn(region, accountId, mesh);
  switch (kind) {
    case Kind.mesh:
      return base;
    case Kind.route:
      return `${base}/virtualRouter/${parent}/route/${name}`;
    case Kind.gatewayRoute:
      return `${base}/virtualGateway/${parent}/gatewayRoute/${name}`;
    default:
      return `${base}/${kind}/${name}`;
  }
}

export function parseArn(arn: string): ArnParts | undefined {
  const m = /^arn:aws:appmesh:([a-z0-9-]+):(\d{12}):mesh\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const region = m[1]!;
  const accountId = m[2]!;
  const rest = m[3]!;
  const parts = rest.split('/');
  const meshName = parts[0]!;
  if (parts.length === 1) return { region, accountId, kind: Kind.mesh, meshName, name: meshName };
  if (parts.length === 3 && CHILD[parts[1]!])
    return { region, accountId, kind: CHILD[parts[1]!]!, meshName, name: parts[2]! };
  if (parts.length === 5 && parts[1] === 'virtualRouter' && parts[3] === 'route') {
    return { region, accountId, kind: Kind.route, meshName, parentName: parts[2]!, name: parts[4]! };
  }
  if (parts.length === 5 && parts[1] === 'virtualGateway' && parts[3] === 'gatewayRoute') {
    return { region, accountId, kind: Kind.gatewayRoute, meshName, parentName: parts[2]!, name: parts[4]! };
  }
  return undefined;
}

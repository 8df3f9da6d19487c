// How App Mesh resources are named in the console: titles, name members, page addresses.

export const TITLES: Record<string, string> = {
  mesh: 'Mesh',
  virtualNode: 'VirtualNode',
  virtualService: 'VirtualService',
  virtualRouter: 'VirtualRouter',
  route: 'Route',
  virtualGateway: 'VirtualGateway',
  gatewayRoute: 'GatewayRoute',
};
export const NAME_FIELD: Record<string, string> = {
  virtualNode: 'virtualNodeName',
  virtualService: 'virtualServiceName',
  virtualRouter: 'virtualRouterName',
  route: 'routeName',
  virtualGateway: 'virtualGatewayName',
  gatewayRoute: 'gatewayRouteName',
};
export const PARENT_FIELD: Record<string, string> = { route: 'virtualRouterName', gatewayRoute: 'virtualGatewayName' };

export function identityInput(kind: string, mesh: string, name: string, parent?: string): Record<string, unknown> {
  const input: Record<string, unknown> = { meshName: mesh };
  if (kind !== 'mesh') input[NAME_FIELD[kind]!] = name;
  if (parent !== undefined && PARENT_FIELD[kind]) input[PARENT_FIELD[kind]!] = parent;
  return input;
}

export const resourceHref = (mesh: string, kind: string, name: string, parent?: string) =>
  `#/mesh/${encodeURIComponent(mesh)}/${kind}/${encodeURIComponent(name)}${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`;

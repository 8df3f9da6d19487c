// Store kinds and scopes of App Mesh resources.
export const Kind = {
  mesh: 'mesh',
  virtualNode: 'virtualNode',
  virtualService: 'virtualService',
  virtualRouter: 'virtualRouter',
  route: 'route',
  virtualGateway: 'virtualGateway',
  gatewayRoute: 'gatewayRoute',
} as const;
export type MeshKind = (typeof Kind)[keyof typeof Kind];

/** Meshes live in scope ''; children of a mesh in '<mesh>'; routes in '<mesh>/<router>'; gateway routes in '<mesh>/<gateway>'. */
export const meshScope = (mesh: string) => mesh;
export const childScope = (mesh: string, parent: string) => `${mesh}/${parent}`;

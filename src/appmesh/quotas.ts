// The App Mesh service quotas, with AWS's defaults; adjustable with --quota like the real ones.
export interface AppMeshQuotas {
  meshesPerAccount: number;
  virtualNodesPerMesh: number;
  virtualRoutersPerMesh: number;
  virtualServicesPerMesh: number;
  virtualGatewaysPerMesh: number;
  routesPerVirtualRouter: number;
  gatewayRoutesPerVirtualGateway: number;
  backendsPerVirtualNode: number;
  tagsPerResource: number;
  /** Connected Envoy processes per virtual node / gateway: xDS streams per identity and xDS service, on this replica. */
  envoysPerVirtualNode: number;
  envoysPerVirtualGateway: number;
}

export const defaultAppMeshQuotas: AppMeshQuotas = {
  meshesPerAccount: 15,
  virtualNodesPerMesh: 200,
  virtualRoutersPerMesh: 200,
  virtualServicesPerMesh: 200,
  virtualGatewaysPerMesh: 3,
  routesPerVirtualRouter: 50,
  gatewayRoutesPerVirtualGateway: 10,
  backendsPerVirtualNode: 50,
  tagsPerResource: 50,
  envoysPerVirtualNode: 50,
  envoysPerVirtualGateway: 50,
};

// Resource specs read back through the API, checked against the App Mesh model before they
// are used as the generated spec types (the check is the one the pipeline runs on input).
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { appmeshModel } from '../protocols/generated/appmesh.js';
import type {
  GatewayRouteSpec,
  MeshSpec,
  RouteSpec,
  VirtualGatewaySpec,
  VirtualNodeSpec,
  VirtualRouterSpec,
  VirtualServiceSpec,
} from '../protocols/generated/appmesh-types.js';
import { validateShape } from '../protocols/validate.js';

export interface SpecOf {
  [Kind.mesh]: MeshSpec;
  [Kind.virtualNode]: VirtualNodeSpec;
  [Kind.virtualService]: VirtualServiceSpec;
  [Kind.virtualRouter]: VirtualRouterSpec;
  [Kind.route]: RouteSpec;
  [Kind.virtualGateway]: VirtualGatewaySpec;
  [Kind.gatewayRoute]: GatewayRouteSpec;
}

const SPEC_SHAPE: { readonly [K in MeshKind]: string } = {
  mesh: 'MeshSpec',
  virtualNode: 'VirtualNodeSpec',
  virtualService: 'VirtualServiceSpec',
  virtualRouter: 'VirtualRouterSpec',
  route: 'RouteSpec',
  virtualGateway: 'VirtualGatewaySpec',
  gatewayRoute: 'GatewayRouteSpec',
};

/** Whether `spec` is a valid spec of `kind` by the model (members it does not name are ignored). */
export const isSpecOf = <K extends MeshKind>(kind: K, spec: unknown): spec is SpecOf[K] =>
  validateShape(appmeshModel, SPEC_SHAPE[kind], spec).length === 0;

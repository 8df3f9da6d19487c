// The graph of a mesh: virtual gateways → gateway routes → virtual services → routers →
// routes (weights, match) → virtual nodes → their backends. Layout happens in the browser.
import type {
  HttpRouteMatch,
  GrpcRouteMatch,
  RouteSpec,
  GatewayRouteSpec,
} from '../protocols/generated/appmesh-types.js';
import { gatewayTargetOf } from '../appmesh/integrity.js';
import type { MeshContents } from './mesh-reader.js';

export interface GraphNode {
  id: string;
  kind: 'virtualGateway' | 'gatewayRoute' | 'virtualService' | 'virtualRouter' | 'route' | 'virtualNode';
  name: string;
  parent?: string;
  /** A second line: match summary, discovery, provider. */
  detail?: string;
  /** Connected proxies and how many NACK their latest configuration (virtual nodes and gateways). */
  proxies?: { connected: number; nacking: number };
}

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  kind: 'route' | 'target' | 'provider' | 'backend' | 'weight';
}

export interface Topology {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const nodeId = (kind: string, name: string, parent?: string) =>
  parent === undefined ? `${kind}:${name}` : `${kind}:${parent}/${name}`;

function httpMatch(m: HttpRouteMatch | undefined): string {
  if (!m) return '';
  const parts = [
    m.prefix !== undefined ? `prefix ${m.prefix}` : '',
    m.path?.exact ? `path ${m.path.exact}` : '',
    m.path?.regex ? `path ~${m.path.regex}` : '',
    m.method ?? '',
    m.headers?.length ? `${m.headers.length} header${m.headers.length > 1 ? 's' : ''}` : '',
    m.port ? `:${m.port}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function grpcMatch(m: GrpcRouteMatch | undefined): string {
  if (!m) return '';
  const svc = m.serviceName ? `${m.serviceName}${m.methodName ? `/${m.methodName}` : ''}` : 'any service';
  return [svc, m.metadata?.length ? `${m.metadata.length} metadata` : ''].filter(Boolean).join(' ');
}

export function routeSummary(spec: RouteSpec): string {
  if (spec.httpRoute) return `http ${httpMatch(spec.httpRoute.match)}`;
  if (spec.http2Route) return `http2 ${httpMatch(spec.http2Route.match)}`;
  if (spec.grpcRoute) return `grpc ${grpcMatch(spec.grpcRoute.match)}`;
  if (spec.tcpRoute) return 'tcp';
  return '';
}

function gatewayRouteSummary(spec: GatewayRouteSpec): string {
  if (spec.httpRoute) return `http ${spec.httpRoute.match.prefix ?? spec.httpRoute.match.path?.exact ?? ''}`;
  if (spec.http2Route) return `http2 ${spec.http2Route.match.prefix ?? spec.http2Route.match.path?.exact ?? ''}`;
  if (spec.grpcRoute) return `grpc ${spec.grpcRoute.match.serviceName ?? ''}`;
  return '';
}

export function weightsOf(spec: RouteSpec): { virtualNode: string; weight: number }[] {
  const r = spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute ?? spec.tcpRoute;
  return r ? r.action.weightedTargets.map((t) => ({ virtualNode: t.virtualNode, weight: t.weight })) : [];
}

export function buildTopology(m: MeshContents, proxies: Map<string, { connected: number; nacking: number }>): Topology {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Set<string>();
  const add = (n: GraphNode) => {
    if (!ids.has(n.id)) {
      ids.add(n.id);
      nodes.push(n);
    }
  };
  /** An edge to something the caller could not read (or that is dangling) still shows, as a bare node. */
  const ensure = (kind: GraphNode['kind'], name: string) => {
    const id = nodeId(kind, name);
    if (!ids.has(id)) add({ id, kind, name, detail: '(not readable)' });
    return id;
  };

  for (const vg of m.virtualGateways) {
    const p = proxies.get(`virtualGateway/${vg.name}`);
    add({
      id: nodeId('virtualGateway', vg.name),
      kind: 'virtualGateway',
      name: vg.name,
      detail: vg.spec.listeners.map((l) => `${l.portMapping.protocol}:${l.portMapping.port}`).join(' '),
      ...(p ? { proxies: p } : {}),
    });
  }
  for (const vn of m.virtualNodes) {
    const sd = vn.spec.serviceDiscovery;
    const detail = sd?.dns
      ? `dns ${sd.dns.hostname}`
      : sd?.awsCloudMap
        ? `cloud map ${sd.awsCloudMap.namespaceName}/${sd.awsCloudMap.serviceName}`
        : 'no discovery';
    const p = proxies.get(`virtualNode/${vn.name}`);
    add({
      id: nodeId('virtualNode', vn.name),
      kind: 'virtualNode',
      name: vn.name,
      detail,
      ...(p ? { proxies: p } : {}),
    });
  }
  for (const vr of m.virtualRouters) {
    add({
      id: nodeId('virtualRouter', vr.name),
      kind: 'virtualRouter',
      name: vr.name,
      detail: (vr.spec.listeners ?? []).map((l) => `${l.portMapping.protocol}:${l.portMapping.port}`).join(' '),
    });
  }
  for (const vs of m.virtualServices) {
    const provider = vs.spec.provider?.virtualRouter
      ? `router ${vs.spec.provider.virtualRouter.virtualRouterName}`
      : vs.spec.provider?.virtualNode
        ? `node ${vs.spec.provider.virtualNode.virtualNodeName}`
        : 'no provider';
    add({ id: nodeId('virtualService', vs.name), kind: 'virtualService', name: vs.name, detail: provider });
  }
  for (const gr of m.gatewayRoutes) {
    const id = nodeId('gatewayRoute', gr.name, gr.parent);
    add({ id, kind: 'gatewayRoute', name: gr.name, parent: gr.parent!, detail: gatewayRouteSummary(gr.spec) });
    edges.push({ from: ensure('virtualGateway', gr.parent!), to: id, kind: 'route' });
    const target = gatewayTargetOf(gr.spec);
    if (target) edges.push({ from: id, to: ensure('virtualService', target), kind: 'target' });
  }
  for (const vs of m.virtualServices) {
    const from = nodeId('virtualService', vs.name);
    const router = vs.spec.provider?.virtualRouter?.virtualRouterName;
    const node = vs.spec.provider?.virtualNode?.virtualNodeName;
    if (router) edges.push({ from, to: ensure('virtualRouter', router), kind: 'provider' });
    if (node) edges.push({ from, to: ensure('virtualNode', node), kind: 'provider' });
  }
  for (const r of m.routes) {
    const id = nodeId('route', r.name, r.parent);
    add({ id, kind: 'route', name: r.name, parent: r.parent!, detail: routeSummary(r.spec) });
    edges.push({ from: ensure('virtualRouter', r.parent!), to: id, kind: 'route' });
    for (const t of weightsOf(r.spec)) {
      edges.push({ from: id, to: ensure('virtualNode', t.virtualNode), kind: 'weight', label: `weight ${t.weight}` });
    }
  }
  for (const vn of m.virtualNodes) {
    for (const b of vn.spec.backends ?? []) {
      const name = b.virtualService?.virtualServiceName;
      if (name)
        edges.push({
          from: nodeId('virtualNode', vn.name),
          to: ensure('virtualService', name),
          kind: 'backend',
          label: 'backend',
        });
    }
  }
  return { nodes, edges };
}

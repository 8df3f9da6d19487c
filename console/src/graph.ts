// Lays a mesh topology out with dagre (left to right) and draws it as SVG; every node is a
// link to its resource page, so the graph is usable by keyboard (Tab, Enter).
import dagre from '@dagrejs/dagre';
import { s } from './dom.js';

export interface GraphNode {
  id: string;
  kind: string;
  name: string;
  parent?: string;
  detail?: string;
  proxies?: { connected: number; nacking: number };
}
export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  kind: string;
}

const W = 190;
const H = 58;
const KIND_LABEL: Record<string, string> = {
  virtualGateway: 'gateway',
  gatewayRoute: 'gateway route',
  virtualService: 'service',
  virtualRouter: 'router',
  route: 'route',
  virtualNode: 'node',
};

const clip = (t: string, n = 28) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

export function drawGraph(nodes: GraphNode[], edges: GraphEdge[], href: (n: GraphNode) => string): SVGElement {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: W, height: H });
  edges.forEach((e, i) => {
    g.setEdge(
      e.from,
      e.to,
      { label: e.label ?? '', width: e.label ? 70 : 0, height: e.label ? 16 : 0, labelpos: 'c' },
      `e${i}`,
    );
  });
  dagre.layout(g);
  const graph = g.graph();
  const width = Math.ceil(graph.width ?? 400);
  const height = Math.ceil(graph.height ?? 200);
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: '100%',
    class: 'graph',
    role: 'group',
    'aria-label': 'Mesh topology',
  });
  // Shrinks to the page's width, never grows past its natural size; very large meshes scroll instead.
  svg.style.maxWidth = `${width}px`;
  svg.style.minWidth = `${Math.min(width, 900)}px`;
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 10,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }),
      ),
    ),
  );
  edges.forEach((e, i) => {
    const edge = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as
      | { points: { x: number; y: number }[]; x?: number; y?: number }
      | undefined;
    if (!edge) return;
    const d = edge.points.map((p, j) => `${j ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    svg.append(s('path', { d, class: `edge edge-${e.kind}`, 'marker-end': 'url(#arrow)' }));
    if (e.label && edge.x !== undefined && edge.y !== undefined) {
      svg.append(
        s(
          'text',
          { x: edge.x, y: edge.y + 4, class: `edge-label edge-label-${e.kind}`, 'text-anchor': 'middle' },
          e.label,
        ),
      );
    }
  });
  for (const n of nodes) {
    const box = g.node(n.id) as { x: number; y: number } | undefined;
    if (!box) continue;
    const x = box.x - W / 2;
    const y = box.y - H / 2;
    const nacking = (n.proxies?.nacking ?? 0) > 0;
    const proxyText = n.proxies
      ? `${n.proxies.connected} proxies${nacking ? `, ${n.proxies.nacking} NACKing` : ''}`
      : '';
    // The accessible name starts with exactly the visible text; the rest is what clipping hid.
    const lines = [
      `${KIND_LABEL[n.kind] ?? n.kind}${nacking ? ' ⚠ NACK' : ''}`,
      clip(n.parent ? `${n.parent}/${n.name}` : n.name, 26),
      clip(proxyText || n.detail || '', 30),
    ];
    const full = [n.parent ? `${n.parent}/${n.name}` : n.name, n.detail, proxyText].filter(Boolean).join(', ');
    svg.append(
      s(
        'a',
        {
          href: href(n),
          class: `gnode gnode-${n.kind}${nacking ? ' nacking' : ''}`,
          'aria-label': `${lines.filter(Boolean).join(' ')}; ${full}`,
          'data-id': n.id,
        },
        s('rect', { x, y, width: W, height: H, rx: 6 }),
        s('text', { x: x + 8, y: y + 15, class: 'gkind' }, `${lines[0]} `),
        s('text', { x: x + 8, y: y + 32, class: 'gname' }, `${lines[1]} `),
        s('text', { x: x + 8, y: y + 49, class: 'gdetail' }, lines[2]),
      ),
    );
  }
  return svg;
}

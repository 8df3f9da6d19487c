// Meshes, a mesh's topology, and one resource (spec, metadata, references, history, delete).
import { call, get } from './api.js';
import { announce, h, mount } from './dom.js';
import { drawGraph, type GraphEdge, type GraphNode } from './graph.js';
import { coalesce, live } from './live.js';
import { routeWeightsForm } from './views-edit.js';
import { TITLES, identityInput, resourceHref } from './resources.js';

interface Problem {
  what: string;
  code: string;
  message: string;
  denied: boolean;
}

export function problemsList(problems: Problem[]): HTMLElement | null {
  if (!problems.length) return null;
  return h(
    'div',
    { class: 'problems', role: 'alert' },
    h('h2', {}, 'Not shown'),
    h(
      'ul',
      {},
      problems.map((p) =>
        h(
          'li',
          { class: p.denied ? 'denied' : '' },
          h('strong', {}, p.denied ? 'Access denied' : p.code),
          ` (${p.what}): ${p.message}`,
        ),
      ),
    ),
  );
}

export async function meshesView(el: HTMLElement): Promise<void> {
  const data = await get<{
    meshes: {
      meshName: string;
      counts: Record<string, number | null>;
      proxies: { connected: number; nacking: number };
    }[];
    problems: Problem[];
  }>('meshes');
  const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));
  mount(
    el,
    h('h1', {}, 'Meshes'),
    h('p', { class: 'actions' }, h('a', { href: '#/mesh/-/edit/mesh', class: 'button' }, 'New mesh (JSON)')),
    problemsList(data.problems),
    data.meshes.length === 0
      ? h('p', {}, 'No meshes.')
      : h(
          'table',
          {},
          h('caption', {}, 'Meshes with resource counts and proxy health'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'Mesh',
                'Virtual nodes',
                'Virtual services',
                'Routers',
                'Gateways',
                'Proxies connected',
                'Proxies NACKing',
              ].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            data.meshes.map((m) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: `#/mesh/${encodeURIComponent(m.meshName)}` }, m.meshName)),
                h('td', {}, n(m.counts.virtualNode)),
                h('td', {}, n(m.counts.virtualService)),
                h('td', {}, n(m.counts.virtualRouter)),
                h('td', {}, n(m.counts.virtualGateway)),
                h('td', {}, String(m.proxies.connected)),
                h(
                  'td',
                  { class: m.proxies.nacking ? 'bad' : '' },
                  m.proxies.nacking ? `${m.proxies.nacking} NACKing` : '0',
                ),
              ),
            ),
          ),
        ),
  );
  live.onMesh = coalesce(() => {
    if (location.hash === '#/meshes') void meshesView(el);
  });
  live.onProxies = () => live.onMesh?.('');
}

export async function topologyView(el: HTMLElement, mesh: string): Promise<void> {
  const data = await get<{ topology: { nodes: GraphNode[]; edges: GraphEdge[] }; problems: Problem[] }>(
    `meshes/${encodeURIComponent(mesh)}/topology`,
  );
  // A live refresh keeps keyboard focus on the same resource.
  const focused = document.activeElement?.getAttribute('data-id');
  const graph = drawGraph(data.topology.nodes, data.topology.edges, (n) =>
    resourceHref(mesh, n.kind, n.name, n.parent),
  );
  const newLink = (kind: string, text: string) =>
    h('a', { href: `#/mesh/${encodeURIComponent(mesh)}/new/${kind}`, class: 'button' }, text);
  mount(
    el,
    h('h1', {}, `Mesh ${mesh}`),
    h(
      'p',
      { class: 'actions' },
      h('a', { href: resourceHref(mesh, 'mesh', mesh) }, 'Mesh details'),
      ' ',
      newLink('virtualNode', 'New virtual node'),
      ' ',
      newLink('virtualRouter', 'New router with a weighted route'),
      ' ',
      h(
        'a',
        { href: `#/mesh/${encodeURIComponent(mesh)}/edit/virtualService`, class: 'button' },
        'New resource (JSON)',
      ),
    ),
    problemsList(data.problems),
    h(
      'figure',
      { class: 'graph-wrap' },
      graph,
      h(
        'figcaption',
        {},
        `${data.topology.nodes.length} resources, ${data.topology.edges.length} links. Updates live.`,
      ),
    ),
  );
  if (focused) (el.querySelector(`[data-id="${CSS.escape(focused)}"]`) as SVGElement | null)?.focus();
  const refresh = coalesce(() => {
    if (location.hash === `#/mesh/${encodeURIComponent(mesh)}`)
      void topologyView(el, mesh).then(() => announce('Topology updated'));
  });
  live.onMesh = (changed) => {
    if (changed === mesh) refresh();
  };
  live.onProxies = refresh;
}

interface Reference {
  kind: string;
  name: string;
  parent?: string;
  relation: string;
  blocksDelete?: boolean;
  message?: string;
}
interface Detail {
  kind: string;
  meshName: string;
  name: string;
  parent?: string;
  spec: Record<string, unknown>;
  status: string;
  metadata: Record<string, unknown>;
  references: Reference[];
  referencedBy: Reference[];
  history: { version: number; updatedAt: number; spec: unknown; op: string }[];
}

function refList(mesh: string, refs: Reference[], empty: string): HTMLElement {
  if (!refs.length) return h('p', {}, empty);
  return h(
    'ul',
    {},
    refs.map((r) =>
      h(
        'li',
        {},
        r.kind === 'cloudMapService'
          ? h('a', { href: '#/cloudmap' }, r.name)
          : h(
              'a',
              { href: resourceHref(mesh, r.kind, r.name, r.parent) },
              `${TITLES[r.kind] ?? r.kind} ${r.parent ? `${r.parent}/` : ''}${r.name}`,
            ),
        ` — ${r.relation}`,
        r.blocksDelete ? h('strong', { class: 'bad' }, ' (blocks delete)') : '',
      ),
    ),
  );
}

export async function resourceView(
  el: HTMLElement,
  mesh: string,
  kind: string,
  name: string,
  parent?: string,
): Promise<void> {
  const q = parent ? `?parent=${encodeURIComponent(parent)}` : '';
  const d = await get<Detail>(`meshes/${encodeURIComponent(mesh)}/resources/${kind}/${encodeURIComponent(name)}${q}`);
  const result = h('div', { role: 'alert', class: 'result' });
  const blockers = d.referencedBy.filter((r) => r.blocksDelete);
  const deleteBox = h(
    'section',
    { 'aria-labelledby': 'del-h' },
    h('h2', { id: 'del-h' }, 'Delete'),
    blockers.length
      ? h(
          'p',
          {},
          `Deleting fails while ${blockers.length === 1 ? '1 resource depends' : `${blockers.length} resources depend`} on it: ${blockers[0]!.message}`,
        )
      : h('p', {}, 'Nothing depends on it.'),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!window.confirm(`Delete ${TITLES[kind]} ${name}?`)) return;
          const r = await call(`Delete${TITLES[kind]}`, identityInput(kind, mesh, name, parent));
          if (r.ok) {
            location.hash = `#/mesh/${encodeURIComponent(mesh)}`;
            return;
          }
          mount(result, h('strong', {}, r.error.denied ? 'Access denied: ' : `${r.error.code}: `), r.error.message);
          result.className = `result ${r.error.denied ? 'denied' : 'bad'}`;
        },
      },
      `Delete ${TITLES[kind]}`,
    ),
    result,
  );
  const editHref = `#/mesh/${encodeURIComponent(mesh)}/edit/${kind}?name=${encodeURIComponent(name)}${parent ? `&parent=${encodeURIComponent(parent)}` : ''}`;
  mount(
    el,
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: `#/mesh/${encodeURIComponent(mesh)}` }, `Mesh ${mesh}`),
      parent ? ` / ${parent}` : '',
    ),
    h('h1', {}, `${TITLES[kind]} ${name}`),
    h('p', { class: 'actions' }, h('a', { href: editHref, class: 'button' }, 'Edit JSON')),
    kind === 'route' ? routeWeightsForm(mesh, parent!, name, d.spec) : null,
    h(
      'section',
      { 'aria-labelledby': 'meta-h' },
      h('h2', { id: 'meta-h' }, 'Metadata'),
      h(
        'dl',
        { class: 'meta' },
        Object.entries({ status: d.status, ...d.metadata }).map(([k, v]) => [
          h('dt', {}, k),
          h(
            'dd',
            {},
            (k === 'createdAt' || k === 'lastUpdatedAt') && typeof v === 'number'
              ? new Date(v * 1000).toISOString()
              : String(v),
          ),
        ]),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'spec-h' },
      h('h2', { id: 'spec-h' }, 'Spec'),
      h('pre', { class: 'json', tabindex: 0, 'aria-label': 'Spec JSON' }, JSON.stringify(d.spec, null, 2)),
    ),
    h(
      'div',
      { class: 'cols' },
      h(
        'section',
        { 'aria-labelledby': 'refs-h' },
        h('h2', { id: 'refs-h' }, 'References'),
        refList(mesh, d.references, 'It refers to nothing.'),
      ),
      h(
        'section',
        { 'aria-labelledby': 'refby-h' },
        h('h2', { id: 'refby-h' }, 'Referenced by'),
        refList(mesh, d.referencedBy, 'Nothing refers to it.'),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'hist-h' },
      h('h2', { id: 'hist-h' }, 'Version history'),
      h('p', { class: 'note' }, 'Versions this server has seen since it started; the store keeps the newest one.'),
      h(
        'ul',
        {},
        d.history.map((v) =>
          h(
            'li',
            {},
            h(
              'details',
              {},
              h(
                'summary',
                {},
                `version ${v.version}${v.op === 'delete' ? ' (deleted)' : ''} — ${new Date(v.updatedAt).toISOString()}`,
              ),
              h('pre', { class: 'json' }, JSON.stringify(v.spec, null, 2)),
            ),
          ),
        ),
      ),
    ),
    deleteBox,
  );
}

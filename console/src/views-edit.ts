// Safe edits: the route weights form, guided forms for a virtual node and for a router with
// a weighted HTTP route, the JSON editor with the model's schema, and the Envoy preview.
import { call, get, send, type ApiErrorBody } from './api.js';
import { announce, h, mount } from './dom.js';
import { jsonEditor } from './json-editor.js';
import { PARENT_FIELD, TITLES as TITLE, identityInput, resourceHref } from './resources.js';

interface Change {
  type: string;
  name: string;
  change: string;
  patch: string;
}
type Preview = { ok: true; changes: Change[]; warnings: string[] } | { ok: false; error: ApiErrorBody };
interface ProxyInfo {
  nodeId: string;
  apiListeners: string[];
  identity: { kind: string; name: string };
}

export function errorBox(target: HTMLElement, e: ApiErrorBody): void {
  target.className = `result ${e.denied ? 'denied' : 'bad'}`;
  mount(target, h('strong', {}, e.denied ? 'Access denied: ' : `${e.code}: `), e.message);
}

export function patchView(patch: string): HTMLElement {
  return h(
    'pre',
    { class: 'diff', tabindex: 0 },
    patch.split('\n').map((line) =>
      h(
        'span',
        {
          class:
            line.startsWith('+') && !line.startsWith('+++')
              ? 'add'
              : line.startsWith('-') && !line.startsWith('---')
                ? 'del'
                : line.startsWith('@@')
                  ? 'hunk'
                  : '',
        },
        `${line}\n`,
      ),
    ),
  );
}

export function changesView(changes: Change[]): HTMLElement {
  if (!changes.length) return h('p', {}, 'No change to this proxy’s configuration.');
  return h(
    'div',
    {},
    changes.map((c) =>
      h('details', { open: true }, h('summary', {}, `${c.change}: ${c.type} ${c.name}`), patchView(c.patch)),
    ),
  );
}

/** Picks a proxy (connected streams first, then every virtual node and gateway) and previews its configuration change. */
function previewPanel(
  mesh: string,
  edit: () => { operation: string; input: Record<string, unknown> } | undefined,
): HTMLElement {
  const select = h('select', { id: 'preview-proxy' });
  const out = h('div', { class: 'preview-out', 'aria-live': 'polite' });
  void (async () => {
    const [{ proxies }, topo] = await Promise.all([
      get<{ proxies: ProxyInfo[] }>(`proxies?mesh=${encodeURIComponent(mesh)}`),
      get<{ topology: { nodes: { kind: string; name: string }[] } }>(`meshes/${encodeURIComponent(mesh)}/topology`),
    ]);
    const seen = new Set<string>();
    for (const p of proxies) {
      const key = `${p.nodeId}|${p.apiListeners.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      select.append(
        h(
          'option',
          { value: JSON.stringify({ nodeId: p.nodeId, apiListeners: p.apiListeners }) },
          `connected: ${p.nodeId}${p.apiListeners.length ? ` (${p.apiListeners.join(', ')})` : ''}`,
        ),
      );
    }
    for (const n of topo.topology.nodes.filter((x) => x.kind === 'virtualNode' || x.kind === 'virtualGateway')) {
      select.append(
        h(
          'option',
          { value: JSON.stringify({ nodeId: `mesh/${mesh}/${n.kind}/${n.name}`, apiListeners: [] }) },
          `Envoy of ${n.kind} ${n.name}`,
        ),
      );
    }
  })();
  const run = async () => {
    const e = edit();
    if (!e || !select.value) return;
    const target = JSON.parse(select.value) as { nodeId: string; apiListeners: string[] };
    const r = await send<Preview>('POST', 'preview', { ...e, ...target });
    if (!r.ok) {
      errorBox(out, r.error);
      return;
    }
    out.className = 'preview-out';
    mount(
      out,
      h('h3', {}, `Envoy configuration change for ${target.nodeId}`),
      r.warnings.length
        ? h(
            'ul',
            { class: 'warn' },
            r.warnings.map((w) => h('li', {}, w)),
          )
        : null,
      changesView(r.changes),
    );
    announce(`${r.changes.length} resources change`);
  };
  return h(
    'section',
    { class: 'preview', 'aria-labelledby': 'pv-h' },
    h('h2', { id: 'pv-h' }, 'Preview the Envoy configuration change'),
    h('label', { for: 'preview-proxy' }, 'Proxy'),
    select,
    h('button', { type: 'button', onclick: () => void run() }, 'Preview'),
    out,
  );
}

function routeBody(
  spec: Record<string, unknown>,
):
  | { key: string; body: { action: { weightedTargets: { virtualNode: string; weight: number; port?: number }[] } } }
  | undefined {
  for (const key of ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute']) {
    const r = spec[key] as { action: { weightedTargets: { virtualNode: string; weight: number }[] } } | undefined;
    if (r) return { key, body: r };
  }
  return undefined;
}

/** Weights of a route's targets, as number fields; saving calls UpdateRoute. */
export function routeWeightsForm(
  mesh: string,
  router: string,
  route: string,
  spec: Record<string, unknown>,
): HTMLElement | null {
  const r = routeBody(spec);
  if (!r) return null;
  const inputs = r.body.action.weightedTargets.map((t, i) =>
    h('input', {
      id: `weight-${i}`,
      type: 'number',
      min: 0,
      max: 100,
      step: 1,
      value: t.weight,
      'data-node': t.virtualNode,
    }),
  );
  const result = h('div', { class: 'result', role: 'alert' });
  const edited = () => {
    const targets = r.body.action.weightedTargets.map((t, i) => ({ ...t, weight: Number(inputs[i]!.value) }));
    const next = { ...spec, [r.key]: { ...r.body, action: { ...r.body.action, weightedTargets: targets } } };
    return {
      operation: 'UpdateRoute',
      input: { meshName: mesh, virtualRouterName: router, routeName: route, spec: next },
    };
  };
  const form = h(
    'form',
    { class: 'weights', 'aria-labelledby': 'w-h' },
    h('h2', { id: 'w-h' }, 'Weighted targets'),
    h(
      'div',
      { class: 'grid' },
      r.body.action.weightedTargets.map((t, i) => [
        h('label', { for: `weight-${i}` }, `Weight of ${t.virtualNode}`),
        inputs[i]!,
      ]),
    ),
    h('button', { type: 'submit' }, 'Save weights'),
    result,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const e = edited();
    void call(e.operation, e.input).then((res) => {
      if (!res.ok) {
        errorBox(result, res.error);
        return;
      }
      result.className = 'result ok';
      mount(
        result,
        `Saved: route ${route} is now version ${String((res.output.metadata as Record<string, unknown>).version)}.`,
      );
      announce('Weights saved');
    });
  });
  return h('div', {}, form, previewPanel(mesh, edited));
}

const field = (id: string, label: string, attrs: Record<string, string | number | boolean> = {}) => [
  h('label', { for: id }, label),
  h('input', { id, name: id, ...attrs }),
];

/** Guided forms: a virtual node with DNS or Cloud Map discovery; a router with a weighted HTTP route. */
export async function createView(el: HTMLElement, mesh: string, kind: string): Promise<void> {
  const result = h('div', { class: 'result', role: 'alert' });
  const value = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '');
  if (kind === 'virtualNode') {
    const form = h(
      'form',
      { class: 'guided', 'aria-labelledby': 'vn-h' },
      h('h1', { id: 'vn-h' }, `New virtual node in ${mesh}`),
      h(
        'div',
        { class: 'grid' },
        field('name', 'Name', { required: true }),
        field('port', 'Listener port', { type: 'number', min: 1, max: 65535, value: 8080 }),
        h('label', { for: 'protocol' }, 'Protocol'),
        h(
          'select',
          { id: 'protocol', name: 'protocol' },
          ['http', 'http2', 'grpc', 'tcp'].map((p) => h('option', { value: p }, p)),
        ),
        h('label', { for: 'discovery' }, 'Service discovery'),
        h(
          'select',
          { id: 'discovery', name: 'discovery' },
          h('option', { value: 'dns' }, 'DNS'),
          h('option', { value: 'cloudmap' }, 'Cloud Map'),
        ),
        field('hostname', 'DNS host name'),
        field('namespace', 'Cloud Map namespace'),
        field('service', 'Cloud Map service'),
        field('backends', 'Backend virtual services (comma separated)'),
      ),
      h('button', { type: 'submit' }, 'Create virtual node'),
      result,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = value(form, 'name');
      const sd =
        value(form, 'discovery') === 'dns'
          ? { dns: { hostname: value(form, 'hostname') } }
          : { awsCloudMap: { namespaceName: value(form, 'namespace'), serviceName: value(form, 'service') } };
      const backends = value(form, 'backends')
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
        .map((b) => ({ virtualService: { virtualServiceName: b } }));
      const spec = {
        listeners: [{ portMapping: { port: Number(value(form, 'port')), protocol: value(form, 'protocol') } }],
        serviceDiscovery: sd,
        ...(backends.length ? { backends } : {}),
      };
      void call('CreateVirtualNode', { meshName: mesh, virtualNodeName: name, spec }).then((r) => {
        if (r.ok) location.hash = resourceHref(mesh, 'virtualNode', name);
        else errorBox(result, r.error);
      });
    });
    mount(el, form);
    return;
  }
  const form = h(
    'form',
    { class: 'guided', 'aria-labelledby': 'vr-h' },
    h('h1', { id: 'vr-h' }, `New router with a weighted HTTP route in ${mesh}`),
    h(
      'div',
      { class: 'grid' },
      field('router', 'Router name', { required: true }),
      field('port', 'Port', { type: 'number', min: 1, max: 65535, value: 8080 }),
      field('route', 'Route name', { required: true, value: 'default' }),
      field('prefix', 'Path prefix', { value: '/' }),
      field('targets', 'Targets (node=weight, comma separated)', { required: true, placeholder: 'blue=90, green=10' }),
      field('service', 'Virtual service it provides (optional)'),
    ),
    h('button', { type: 'submit' }, 'Create router and route'),
    result,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void (async () => {
      const router = value(form, 'router');
      const port = Number(value(form, 'port'));
      const targets = value(form, 'targets')
        .split(',')
        .map((t) => t.split('=').map((x) => x.trim()))
        .filter((t) => t[0])
        .map(([n, w]) => ({ virtualNode: n!, weight: Number(w ?? 1) }));
      const steps: [string, Record<string, unknown>][] = [
        [
          'CreateVirtualRouter',
          {
            meshName: mesh,
            virtualRouterName: router,
            spec: { listeners: [{ portMapping: { port, protocol: 'http' } }] },
          },
        ],
        [
          'CreateRoute',
          {
            meshName: mesh,
            virtualRouterName: router,
            routeName: value(form, 'route'),
            spec: {
              httpRoute: { match: { prefix: value(form, 'prefix') || '/' }, action: { weightedTargets: targets } },
            },
          },
        ],
      ];
      if (value(form, 'service'))
        steps.push([
          'CreateVirtualService',
          {
            meshName: mesh,
            virtualServiceName: value(form, 'service'),
            spec: { provider: { virtualRouter: { virtualRouterName: router } } },
          },
        ]);
      for (const [op, input] of steps) {
        const r = await call(op, input);
        if (!r.ok) {
          errorBox(result, r.error);
          return;
        }
      }
      location.hash = `#/mesh/${encodeURIComponent(mesh)}`;
    })();
  });
  mount(el, form);
}

/** The JSON editor for any App Mesh resource: Create or Update input, validated as you type by the pipeline's validator. */
export async function editorView(el: HTMLElement, mesh: string, kind: string, q: URLSearchParams): Promise<void> {
  const name = q.get('name');
  const parent = q.get('parent') ?? undefined;
  let initial: Record<string, unknown>;
  let operation: string;
  if (name) {
    const pq = parent ? `?parent=${encodeURIComponent(parent)}` : '';
    const d = await get<{ spec: unknown }>(
      `meshes/${encodeURIComponent(mesh)}/resources/${kind}/${encodeURIComponent(name)}${pq}`,
    );
    initial = { ...identityInput(kind, mesh, name, parent), spec: d.spec };
    operation = `Update${TITLE[kind]}`;
  } else {
    initial =
      kind === 'mesh'
        ? { meshName: '', spec: {} }
        : { ...identityInput(kind, mesh, '', PARENT_FIELD[kind] ? '' : undefined), spec: {} };
    operation = `Create${TITLE[kind]}`;
  }
  const opSelect = h(
    'select',
    { id: 'operation' },
    Object.keys(TITLE)
      .flatMap((k) => [`Create${TITLE[k]}`, `Update${TITLE[k]}`])
      .map((o) => h('option', { value: o, selected: o === operation }, o)),
  );
  const editor = await jsonEditor(JSON.stringify(initial, null, 2), () => opSelect.value);
  opSelect.addEventListener('change', () => void editor.setOperation(opSelect.value));
  const result = h('div', { class: 'result', role: 'alert' });
  const save = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        const input = editor.value();
        if (!input) return;
        const r = await call(opSelect.value, input);
        if (!r.ok) {
          errorBox(result, r.error);
          return;
        }
        result.className = 'result ok';
        mount(result, 'Saved.');
      },
    },
    'Save',
  );
  mount(
    el,
    h('h1', {}, 'Edit App Mesh resource'),
    h('label', { for: 'operation' }, 'Operation'),
    opSelect,
    editor.element,
    save,
    result,
    kind === 'mesh'
      ? null
      : previewPanel(mesh, () => {
          const input = editor.value();
          return input ? { operation: opSelect.value, input } : undefined;
        }),
  );
}

// Every connected proxy stream: node, replica, versions per type, ACK/NACK with the last
// NACK's error; one proxy's translated configuration and the diff of its last push.
import { get } from './api.js';
import { h, mount } from './dom.js';
import { coalesce, live } from './live.js';
import { changesView } from './views-edit.js';

interface TypeStatus {
  sentVersion?: string;
  ackedVersion?: string;
  lastNack?: { version: string; message: string; at: string };
  pushes: number;
  nacks: number;
  subscribed: string[];
  wildcard: boolean;
}
interface Proxy {
  streamId: string;
  nodeId: string;
  replica: string;
  service: string;
  variant: string;
  peer: string;
  connectedSince: string;
  configVersion?: string;
  identity: { kind: string; meshName: string; name: string };
  types: Record<string, TypeStatus>;
  nackingTypes: string[];
  apiListeners: string[];
}

const short = (v: string | undefined) => (v ? v.slice(0, 10) : '—');

function typeCell(t: TypeStatus | undefined, nacking: boolean): HTMLElement {
  if (!t) return h('td', {}, '—');
  return h(
    'td',
    { class: nacking ? 'bad' : t.ackedVersion === t.sentVersion ? 'good' : '' },
    nacking
      ? `NACK ${short(t.lastNack?.version)}`
      : t.ackedVersion === t.sentVersion
        ? `ACK ${short(t.ackedVersion)}`
        : `sent ${short(t.sentVersion)}`,
  );
}

export async function proxiesView(el: HTMLElement): Promise<void> {
  const { proxies, xds } = await get<{ proxies: Proxy[]; xds: boolean }>('proxies');
  const types = ['lds', 'rds', 'cds', 'eds', 'sds'];
  mount(
    el,
    h('h1', {}, 'Proxies'),
    !xds ? h('p', {}, 'The Envoy management service is not running in this process.') : null,
    h(
      'p',
      { class: 'note' },
      'Streams connected to this replica, for the virtual nodes and gateways you may describe. Updates live.',
    ),
    proxies.length === 0
      ? h('p', {}, 'No proxies connected.')
      : h(
          'table',
          {},
          h('caption', {}, 'Connected xDS streams'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Node', 'Replica', 'Stream', 'Connected since', ...types, 'Last NACK'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            proxies.map((p) => {
              const nack = p.nackingTypes.map((t) => p.types[t]?.lastNack).find(Boolean);
              return h(
                'tr',
                { class: p.nackingTypes.length ? 'nacking' : '' },
                h(
                  'th',
                  { scope: 'row' },
                  h('a', { href: `#/proxy/${encodeURIComponent(p.streamId)}` }, p.nodeId),
                  p.apiListeners.length ? h('div', { class: 'note' }, p.apiListeners.join(', ')) : null,
                ),
                h('td', {}, p.replica),
                h('td', {}, `${p.service} ${p.variant}`),
                h('td', {}, new Date(p.connectedSince).toISOString()),
                types.map((t) => typeCell(p.types[t], p.nackingTypes.includes(t))),
                h('td', { class: nack ? 'bad nack-error' : '' }, nack ? nack.message : '—'),
              );
            }),
          ),
        ),
  );
  live.onProxies = coalesce(() => {
    if (location.hash === '#/proxies') void proxiesView(el);
  });
}

export async function proxyView(el: HTMLElement, streamId: string): Promise<void> {
  const d = await get<{
    proxy: Proxy;
    config?: unknown;
    lastPush: {
      at?: string;
      fromVersion: string | null;
      toVersion: string | null;
      changes: { type: string; name: string; change: string; patch: string }[];
    };
  }>(`proxies/${encodeURIComponent(streamId)}`);
  const p = d.proxy;
  mount(
    el,
    h('p', { class: 'crumbs' }, h('a', { href: '#/proxies' }, 'Proxies')),
    h('h1', {}, `Proxy ${p.nodeId}`),
    h(
      'dl',
      { class: 'meta' },
      Object.entries({
        stream: p.streamId,
        replica: p.replica,
        service: `${p.service} (${p.variant})`,
        peer: p.peer,
        'connected since': p.connectedSince,
        'config version': p.configVersion ?? '—',
      }).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h(
      'section',
      { 'aria-labelledby': 't-h' },
      h('h2', { id: 't-h' }, 'Per type'),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Type', 'Sent', 'ACKed', 'Pushes', 'NACKs', 'Last NACK'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          Object.entries(p.types).map(([t, s]) =>
            h(
              'tr',
              { class: p.nackingTypes.includes(t) ? 'nacking' : '' },
              h('th', { scope: 'row' }, t),
              h('td', {}, short(s.sentVersion)),
              h('td', {}, short(s.ackedVersion)),
              h('td', {}, String(s.pushes)),
              h('td', {}, String(s.nacks)),
              h(
                'td',
                { class: s.lastNack ? 'bad nack-error' : '' },
                s.lastNack ? `${s.lastNack.at}: ${s.lastNack.message}` : '—',
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'd-h' },
      h('h2', { id: 'd-h' }, 'Last push'),
      h(
        'p',
        {},
        d.lastPush.fromVersion
          ? `From ${short(d.lastPush.fromVersion)} to ${short(d.lastPush.toVersion ?? undefined)}${d.lastPush.at ? ` at ${d.lastPush.at}` : ''}`
          : 'Only the first configuration has been sent on this stream.',
      ),
      changesView(d.lastPush.changes),
    ),
    h(
      'section',
      { 'aria-labelledby': 'c-h' },
      h('h2', { id: 'c-h' }, 'Translated configuration'),
      h(
        'pre',
        { class: 'json', tabindex: 0, 'aria-label': 'Translated configuration JSON' },
        JSON.stringify(d.config ?? null, null, 2),
      ),
    ),
  );
  live.onProxies = coalesce(() => {
    if (location.hash === `#/proxy/${encodeURIComponent(streamId)}`) void proxyView(el, streamId);
  }, 1000);
}

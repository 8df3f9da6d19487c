// Interface endpoints with their network interfaces, and Cloud Map services with instance health.
import { get } from './api.js';
import { h, mount } from './dom.js';
import { coalesce, live } from './live.js';
import { problemsList } from './views-mesh.js';

type Row = Record<string, unknown>;
const str = (v: unknown) =>
  v === undefined || v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export async function endpointsView(el: HTMLElement): Promise<void> {
  const d = await get<{ endpoints: Row[]; interfaces: Row[]; problems: never[] }>('endpoints');
  const eni = new Map(d.interfaces.map((i) => [String(i.NetworkInterfaceId), i]));
  mount(
    el,
    h('h1', {}, 'Interface endpoints'),
    problemsList(d.problems),
    d.endpoints.length === 0
      ? h('p', {}, 'No interface endpoints.')
      : h(
          'table',
          {},
          h('caption', {}, 'VPC interface endpoints'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                'Endpoint',
                'Service',
                'VPC',
                'State',
                'Subnets and addresses',
                'DNS names',
                'Private DNS',
                'Policy',
              ].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            d.endpoints.map((e) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, str(e.VpcEndpointId)),
                h('td', {}, str(e.ServiceName)),
                h('td', {}, str(e.VpcId)),
                h('td', { class: e.State === 'available' ? 'good' : '' }, str(e.State)),
                h(
                  'td',
                  {},
                  h(
                    'ul',
                    {},
                    ((e.NetworkInterfaceIds as string[] | undefined) ?? []).map((id) => {
                      const i = eni.get(id);
                      return h(
                        'li',
                        {},
                        `${str(i?.SubnetId)} ${str(i?.AvailabilityZone)}: ${str(i?.PrivateIpAddress)} (${id})`,
                      );
                    }),
                  ),
                ),
                h(
                  'td',
                  {},
                  h(
                    'ul',
                    {},
                    ((e.DnsEntries as Row[] | undefined) ?? []).map((x) => h('li', {}, str(x.DnsName))),
                  ),
                ),
                h('td', {}, str(e.PrivateDnsEnabled)),
                h(
                  'td',
                  {},
                  h(
                    'details',
                    {},
                    h('summary', {}, 'policy'),
                    h(
                      'pre',
                      { class: 'json' },
                      (() => {
                        try {
                          return JSON.stringify(JSON.parse(String(e.PolicyDocument)), null, 2);
                        } catch {
                          return str(e.PolicyDocument);
                        }
                      })(),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
  );
  live.onInventory = coalesce(() => {
    if (location.hash === '#/endpoints') void endpointsView(el);
  });
}

export async function cloudMapView(el: HTMLElement): Promise<void> {
  const d = await get<{ namespaces: Row[]; services: (Row & { instances: Row[] })[]; problems: never[] }>('cloudmap');
  const ns = new Map(d.namespaces.map((n) => [String(n.Id), n]));
  mount(
    el,
    h('h1', {}, 'Cloud Map'),
    problemsList(d.problems),
    d.services.length === 0
      ? h('p', {}, 'No Cloud Map services.')
      : d.services.map((s) =>
          h(
            'section',
            { 'aria-label': `Service ${str(s.Name)}` },
            h('h2', {}, `${str(ns.get(String(s.NamespaceId))?.Name)} / ${str(s.Name)}`),
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Instance', 'Attributes', 'Health'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                s.instances.map((i) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, str(i.Id)),
                    h(
                      'td',
                      {},
                      Object.entries((i.Attributes as Record<string, string> | undefined) ?? {})
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', '),
                    ),
                    h(
                      'td',
                      { class: i.health === 'HEALTHY' ? 'good' : i.health === 'UNHEALTHY' ? 'bad' : '' },
                      str(i.health),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
  );
  live.onInventory = coalesce(() => {
    if (location.hash === '#/cloudmap') void cloudMapView(el);
  });
}

// The console's page: sign-in, navigation and hash routes. Each view reads through the
// console API (which runs the App Mesh, EC2 and Cloud Map APIs as the signed-in identity).
import { ApiFailure, get, send, setCsrf } from './api.js';
import { h, mount } from './dom.js';
import { live } from './live.js';
import { cloudMapView, endpointsView } from './views-inventory.js';
import { meshesView, resourceView, topologyView } from './views-mesh.js';
import { proxiesView, proxyView } from './views-proxies.js';
import { createView, editorView } from './views-edit.js';

interface Who {
  principalArn: string;
  userName: string | null;
  isRoot: boolean;
  signedInWith: string;
  csrf: string;
}

const main = () => document.getElementById('main')!;
let events: EventSource | undefined;

function nav(who: Who | undefined): void {
  const n = document.getElementById('nav')!;
  const w = document.getElementById('who')!;
  if (!who) {
    mount(n);
    mount(w);
    return;
  }
  const link = (hash: string, text: string) => h('a', { href: hash }, text);
  mount(
    n,
    h(
      'ul',
      {},
      h('li', {}, link('#/meshes', 'Meshes')),
      h('li', {}, link('#/proxies', 'Proxies')),
      h('li', {}, link('#/endpoints', 'Endpoints')),
      h('li', {}, link('#/cloudmap', 'Cloud Map')),
    ),
  );
  mount(
    w,
    h('span', { class: 'principal' }, who.userName ?? (who.isRoot ? 'root' : who.principalArn)),
    h('button', { type: 'button', class: 'link', onclick: () => void signOut() }, 'Sign out'),
  );
}

async function signOut(): Promise<void> {
  try {
    await send('DELETE', 'session');
  } catch {
    /* already gone */
  }
  events?.close();
  events = undefined;
  nav(undefined);
  location.hash = '#/';
  signInView();
}

function signInView(message?: string): void {
  const err = h('p', { class: 'error', role: 'alert' }, message ?? '');
  let mode: 'password' | 'key' = 'password';
  const fields = h('div', {});
  const draw = () => {
    mount(
      fields,
      mode === 'password'
        ? [
            h('label', { for: 'userName' }, 'IAM user name'),
            h('input', { id: 'userName', name: 'userName', autocomplete: 'username', required: true }),
            h('label', { for: 'password' }, 'Password'),
            h('input', {
              id: 'password',
              name: 'password',
              type: 'password',
              autocomplete: 'current-password',
              required: true,
            }),
          ]
        : [
            h('label', { for: 'accessKeyId' }, 'Access key ID'),
            h('input', { id: 'accessKeyId', name: 'accessKeyId', autocomplete: 'username', required: true }),
            h('label', { for: 'secretAccessKey' }, 'Secret access key'),
            h('input', {
              id: 'secretAccessKey',
              name: 'secretAccessKey',
              type: 'password',
              autocomplete: 'current-password',
              required: true,
            }),
          ],
    );
  };
  draw();
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'link',
      onclick: () => {
        mode = mode === 'password' ? 'key' : 'password';
        toggle.textContent =
          mode === 'password' ? 'Sign in with an access key instead' : 'Sign in with a password instead';
        draw();
      },
    },
    'Sign in with an access key instead',
  );
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to appmeshd'),
    fields,
    h('button', { type: 'submit' }, 'Sign in'),
    toggle,
    err,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form).entries());
    send<Who>('POST', 'session', data).then(
      (who) => started(who),
      (x: unknown) => {
        err.textContent = x instanceof ApiFailure ? x.message : 'Sign-in failed';
      },
    );
  });
  mount(main(), form);
  (form.querySelector('input') as HTMLInputElement | null)?.focus();
}

function started(who: Who): void {
  setCsrf(who.csrf);
  nav(who);
  events?.close();
  events = new EventSource('/console/api/events');
  events.addEventListener('mesh', (e) =>
    live.onMesh?.((JSON.parse((e as MessageEvent<string>).data) as { mesh: string }).mesh),
  );
  events.addEventListener('proxies', () => live.onProxies?.());
  events.addEventListener('inventory', () => live.onInventory?.());
  if (!location.hash || location.hash === '#/') location.hash = '#/meshes';
  else void route();
}

async function route(): Promise<void> {
  live.onMesh = undefined;
  live.onProxies = undefined;
  live.onInventory = undefined;
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => decodeURIComponent(p));
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const last = parts.length - 1;
  if (parts[last]?.includes('?')) parts[last] = parts[last]!.slice(0, parts[last]!.indexOf('?'));
  const el = main();
  try {
    switch (parts[0]) {
      case 'meshes':
        await meshesView(el);
        break;
      case 'mesh':
        if (parts[2] === 'edit') await editorView(el, parts[1]!, parts[3]!, q);
        else if (parts[2] === 'new') await createView(el, parts[1]!, parts[3]!);
        else if (parts.length >= 4)
          await resourceView(el, parts[1]!, parts[2]!, parts[3]!, q.get('parent') ?? undefined);
        else await topologyView(el, parts[1]!);
        break;
      case 'proxies':
        await proxiesView(el);
        break;
      case 'proxy':
        await proxyView(el, parts[1]!);
        break;
      case 'endpoints':
        await endpointsView(el);
        break;
      case 'cloudmap':
        await cloudMapView(el);
        break;
      default:
        location.hash = '#/meshes';
    }
  } catch (e) {
    if (e instanceof ApiFailure && e.error.status === 401) return;
    mount(el, h('p', { class: 'error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
  }
  for (const a of document.querySelectorAll('#nav a')) {
    const here = location.hash.startsWith((a as HTMLAnchorElement).getAttribute('href')!.replace(/s$/, ''));
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('signed-out', () => {
  events?.close();
  nav(undefined);
  signInView('Your session ended; sign in again.');
});

get<Who>('session').then(started, () => signInView());

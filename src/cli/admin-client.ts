// appmeshd proxies | config-dump: read the management service's admin endpoints of a running
// server, signed with the root credentials (environment, or the data directory's file).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CREDENTIALS_PROFILE, parseCredentialsFile } from '../auth/root-credentials.js';
import { signRequest } from '../auth/sigv4.js';
import { ConfigError } from '../server/config.js';

const options = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  listener: { type: 'string', multiple: true },
} as const;

interface Target { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }

function target(values: { endpoint?: string; region?: string; 'data-dir'?: string }, env = process.env): Target {
  const endpoint = (values.endpoint ?? env.APPMESHD_ENDPOINT ?? 'http://127.0.0.1:8443').replace(/\/$/, '');
  const region = values.region ?? env.APPMESHD_REGION ?? env.AWS_REGION ?? 'us-east-1';
  let accessKeyId = env.APPMESHD_ROOT_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  let secretAccessKey = env.APPMESHD_ROOT_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    const file = join(resolve(values['data-dir'] ?? './.appmeshd'), 'credentials');
    if (existsSync(file)) ({ accessKeyId, secretAccessKey } = parseCredentialsFile(readFileSync(file, 'utf8'), CREDENTIALS_PROFILE));
  }
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError('no root credentials: set APPMESHD_ROOT_ACCESS_KEY_ID/APPMESHD_ROOT_SECRET_ACCESS_KEY or pass --data-dir');
  }
  return { endpoint, region, accessKeyId, secretAccessKey };
}

async function adminGet(t: Target, path: string, query: URLSearchParams): Promise<unknown> {
  const url = new URL(t.endpoint);
  const rawQuery = query.toString();
  const headers = signRequest({
    method: 'GET', host: url.host, path, rawQuery, accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey, region: t.region, service: 'appmesh',
  });
  delete headers['host'];
  const res = await fetch(`${t.endpoint}${path}${rawQuery ? `?${rawQuery}` : ''}`, { headers });
  const body = await res.json() as { message?: string };
  if (!res.ok) throw new ConfigError(`${path}: ${res.status} ${body.message ?? ''}`);
  return body;
}

interface ProxyRow {
  nodeId: string; service: string; variant: string; peer: string; connectedSince: string;
  types: Record<string, { ackedVersion?: string; sentVersion?: string; lastNack?: { message: string; at: string } }>;
}

export async function proxiesCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const { proxies } = await adminGet(target(values), '/admin/proxies', new URLSearchParams()) as { proxies: ProxyRow[] };
  if (values.json) { process.stdout.write(`${JSON.stringify(proxies, null, 2)}\n`); return; }
  if (proxies.length === 0) { process.stdout.write('no connected proxies\n'); return; }
  for (const p of proxies) {
    process.stdout.write(`${p.nodeId}  ${p.service}/${p.variant}  ${p.peer}  connected since ${p.connectedSince}\n`);
    for (const [type, s] of Object.entries(p.types)) {
      const pending = s.sentVersion && s.sentVersion !== s.ackedVersion ? ` (sent ${s.sentVersion})` : '';
      const nack = s.lastNack ? `  last NACK ${s.lastNack.at}: ${s.lastNack.message}` : '';
      process.stdout.write(`  ${type}  acked ${s.ackedVersion ?? '-'}${pending}${nack}\n`);
    }
  }
}

export async function configDumpCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  const node = positionals[0];
  if (!node || positionals.length > 1) throw new ConfigError('usage: appmeshd config-dump <node-id> [--listener <virtual-service>:<port> …]');
  const query = new URLSearchParams({ node });
  for (const l of values.listener ?? []) query.append('listener', l);
  const dump = await adminGet(target(values), '/admin/config-dump', query);
  process.stdout.write(`${JSON.stringify(dump, null, 2)}\n`);
  // Also on stderr, so that they are seen when the JSON goes to a file or a pipe.
  for (const w of (dump as { warnings?: unknown }).warnings as string[] | undefined ?? []) process.stderr.write(`warning: ${w}\n`);
}

// appmeshd proxies | config-dump: read the management service's admin endpoints of a running
// server, signed with the root credentials (environment, or the data directory's file).
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join, resolve } from 'node:path';
import { CREDENTIALS_PROFILE, parseCredentialsFile } from '../auth/root-credentials.js';
import { signRequest } from '../auth/sigv4.js';
import { propertyOf } from '../runtime/guards.js';
import {
  ConfigError,
  type FlagTable,
  type FlagValues,
  booleanFlag,
  helpText,
  listFlag,
  stringFlag,
} from '../runtime/flags.js';
import { readAwsConfigFile } from '../server/aws-config-file.js';
import { CliError } from './errors.js';
import { proxyRow } from './proxy-rows.js';

const targetFlags: FlagTable = [
  {
    name: 'endpoint',
    value: 'URL',
    default: '$APPMESHD_ENDPOINT, or endpoint_url in <data-dir>/config, or http://127.0.0.1:8443',
    help: 'the API port of a running appmeshd',
  },
  {
    name: 'region',
    value: 'R',
    default: '$APPMESHD_REGION, $AWS_REGION, or region in <data-dir>/config, or us-east-1',
    help: 'the region the server serves (signs the request)',
  },
  {
    name: 'data-dir',
    value: 'DIR',
    default: './.appmeshd',
    help: 'read the root credentials from this data directory (unless APPMESHD_ROOT_* are set)',
  },
  {
    name: 'ca-bundle',
    value: 'FILE',
    default: 'ca_bundle in <data-dir>/config, or the system trust store',
    help: 'trust this PEM bundle for an https:// endpoint (e.g. the output of appmeshd ca)',
  },
];

export const proxiesFlags: FlagTable = [
  ...targetFlags,
  { name: 'json', default: 'off', help: 'print JSON instead of a table' },
];
export const configDumpFlags: FlagTable = [
  ...targetFlags,
  {
    name: 'listener',
    value: 'VS:PORT',
    default: 'none',
    multiple: true,
    help: 'the virtual-service listeners a proxyless gRPC client would ask for',
  },
];
export const proxiesHelp = () =>
  helpText(
    'appmeshd proxies [flags]',
    'Lists the proxies connected to the Envoy management service of a running server.',
    proxiesFlags,
  );
export const configDumpHelp = () =>
  helpText(
    'appmeshd config-dump <node-id> [flags]',
    'Prints the Envoy configuration the proxy with this node id would get.',
    configDumpFlags,
  );

interface Target {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  caBundle?: string;
}

function target(flags: FlagValues, env = process.env): Target {
  const values = { 'data-dir': stringFlag(flags, 'data-dir') };
  // The AWS config file the server wrote in its data directory knows its URL, region and CA.
  const written = readAwsConfigFile(resolve(values['data-dir'] ?? './.appmeshd'));
  const endpoint = (
    stringFlag(flags, 'endpoint') ??
    env.APPMESHD_ENDPOINT ??
    written.endpointUrl ??
    'http://127.0.0.1:8443'
  ).replace(/\/$/, '');
  if (!/^https?:\/\/[^/]+$/.test(endpoint))
    throw new ConfigError(`--endpoint ${endpoint}: expected http://HOST:PORT or https://HOST:PORT`);
  const region = stringFlag(flags, 'region') ?? env.APPMESHD_REGION ?? env.AWS_REGION ?? written.region ?? 'us-east-1';
  const caBundle =
    stringFlag(flags, 'ca-bundle') ?? (stringFlag(flags, 'endpoint') === undefined ? written.caBundle : undefined);
  if (caBundle && !existsSync(caBundle)) throw new ConfigError(`--ca-bundle ${caBundle}: no such file`);
  let accessKeyId = env.APPMESHD_ROOT_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
  let secretAccessKey = env.APPMESHD_ROOT_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    const file = join(resolve(values['data-dir'] ?? './.appmeshd'), 'credentials');
    if (existsSync(file))
      ({ accessKeyId, secretAccessKey } = parseCredentialsFile(readFileSync(file, 'utf8'), CREDENTIALS_PROFILE));
  }
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      'no root credentials: set APPMESHD_ROOT_ACCESS_KEY_ID/APPMESHD_ROOT_SECRET_ACCESS_KEY or pass --data-dir',
    );
  }
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    ...(caBundle ? { caBundle: readFileSync(caBundle, 'utf8') } : {}),
  };
}

/** GET over http or https (with the given CA bundle); the body parsed as JSON. */
function get(
  t: Target,
  pathAndQuery: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(pathAndQuery, t.endpoint);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolveBody, reject) => {
    const req = send(url, { headers, timeout: 10_000, ...(t.caBundle ? { ca: t.caBundle } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolveBody({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          });
        } catch {
          reject(
            new CliError(
              `${t.endpoint}${url.pathname}: answered ${res.statusCode} with a body that is not JSON; is it an appmeshd API port?`,
            ),
          );
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot reach ${t.endpoint}: ${err.code ? `${err.code} ` : ''}${err.message}`)),
    );
    req.end();
  });
}

async function adminGet(t: Target, path: string, query: URLSearchParams): Promise<unknown> {
  const url = new URL(t.endpoint);
  const rawQuery = query.toString();
  const headers = signRequest({
    method: 'GET',
    host: url.host,
    path,
    rawQuery,
    accessKeyId: t.accessKeyId,
    secretAccessKey: t.secretAccessKey,
    region: t.region,
    service: 'appmesh',
  });
  delete headers.host;
  const { status, body } = await get(t, `${path}${rawQuery ? `?${rawQuery}` : ''}`, headers);
  if (status < 200 || status > 299)
    throw new CliError(`${path}: ${status} ${String(propertyOf(body, 'message') ?? '')}`);
  return body;
}

export async function proxiesCommand(values: FlagValues): Promise<void> {
  const answer = propertyOf(await adminGet(target(values), '/admin/proxies', new URLSearchParams()), 'proxies');
  if (booleanFlag(values, 'json')) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  const proxies = Array.isArray(answer) ? answer.map(proxyRow) : undefined;
  if (!proxies?.every((p) => p !== undefined))
    throw new CliError('/admin/proxies: the answer is not a list of proxies; is it an appmeshd API port?');
  if (proxies.length === 0) {
    process.stdout.write('no connected proxies\n');
    return;
  }
  for (const p of proxies) {
    process.stdout.write(`${p.nodeId}  ${p.service}/${p.variant}  ${p.peer}  connected since ${p.connectedSince}\n`);
    for (const [type, s] of Object.entries(p.types)) {
      const pending = s.sentVersion && s.sentVersion !== s.ackedVersion ? ` (sent ${s.sentVersion})` : '';
      const nack = s.lastNack ? `  last NACK ${s.lastNack.at}: ${s.lastNack.message}` : '';
      process.stdout.write(`  ${type}  acked ${s.ackedVersion ?? '-'}${pending}${nack}\n`);
    }
  }
}

export async function configDumpCommand(values: FlagValues, positionals: string[]): Promise<void> {
  const node = positionals[0];
  if (!node || positionals.length > 1)
    throw new ConfigError('usage: appmeshd config-dump <node-id> [--listener <virtual-service>:<port> …]');
  const query = new URLSearchParams({ node });
  for (const l of listFlag(values, 'listener')) query.append('listener', l);
  const dump = await adminGet(target(values), '/admin/config-dump', query);
  process.stdout.write(`${JSON.stringify(dump, null, 2)}\n`);
  // Also on stderr, so that they are seen when the JSON goes to a file or a pipe.
  const warnings = propertyOf(dump, 'warnings');
  const list: unknown[] = Array.isArray(warnings) ? warnings : [];
  for (const w of list) process.stderr.write(`warning: ${String(w)}\n`);
}

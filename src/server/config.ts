// Command-line flags and environment → one immutable configuration.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AppMeshQuotas, defaultAppMeshQuotas } from '../appmesh/quotas.js';
import { type CloudMapQuotas, defaultCloudMapQuotas } from '../discovery/quotas.js';
import { ENDPOINT_SERVICE_CODES } from '../ec2/endpoint-services.js';
import { defaultEc2Quotas, type Ec2Quotas } from '../ec2/quotas.js';
import { defaultIamQuotas, type IamQuotas } from '../iam/quotas.js';
import type { LogsQuotas } from '../logs/deps.js';
import { defaultLogsQuotas } from '../logs/quotas.js';
import {
  ConfigError,
  type FlagTable,
  type FlagValues,
  booleanFlag,
  helpText,
  listFlag,
  parseFlags,
  stringFlag,
} from '../runtime/flags.js';

export { ConfigError };

/** TLS on the API port: the operator's own certificate files, or one issued by the endpoint CA. */
export type ApiTlsConfig = { mode: 'files'; cert: string; key: string } | { mode: 'auto' };

export interface AppConfig {
  dataDir: string;
  host: string;
  apiPort: number;
  apiTls?: ApiTlsConfig;
  /** A plain-text API on a non-loopback address was asked for explicitly. */
  apiInsecure: boolean;
  xdsPort: number;
  region: string;
  accountId: string;
  /** postgres:// URL, or undefined for the embedded SQLite store. */
  storeUrl?: string;
  zones: string[];
  /** The zones each endpoint service is offered in, by service code (--service-zones); absent = all zones. */
  serviceZones: Record<string, string[]>;
  /** How long an interface endpoint stays pending (or deleting) before it settles (--endpoint-settle-ms). */
  endpointSettleMs: number;
  endpointPort: number;
  dnsListen?: string;
  /** Idle timeout of DNS-over-TCP connections. */
  dnsTcpIdleMs?: number;
  xdsAllowUnauthenticated: boolean;
  /** How long the store may be unreachable before the open xDS streams are closed with UNAVAILABLE (--xds-store-grace-ms). */
  xdsStoreGraceMs: number;
  /** PEM certificate chain and key: the xDS port speaks TLS when both are given. */
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  /** Serve Envoy's gRPC access-log service and add it to every generated listener (--access-log-service). */
  accessLogService: boolean;
  /** Where proxies reach the access-log service, when not at --host and the xDS port (--access-log-address HOST:PORT). */
  accessLogAddress?: { address: string; port: number };
  /** Limits from the AWS service quotas of every service appmeshd serves; adjustable like the real ones (--quota). */
  quotas: Quotas;
  logLevel: string;
  /** How long a client may take to send its request headers before it is answered 408 (--headers-timeout-ms). */
  headersTimeoutMs: number;
  /** The web console: under /console/ on the API port (--console) and/or on its own port (--console-port). */
  console?: { onApiPort: boolean; port?: number };
}

/** Every service's quotas; `--quota NAME=N` adjusts one. */
export type Quotas = AppMeshQuotas & Ec2Quotas & IamQuotas & CloudMapQuotas & LogsQuotas;

export const defaultQuotas: Quotas = {
  ...defaultAppMeshQuotas,
  ...defaultEc2Quotas,
  ...defaultIamQuotas,
  ...defaultCloudMapQuotas,
  ...defaultLogsQuotas,
};

/** Every `appmeshd serve` flag: the parser options and `appmeshd serve --help` both come from this table. */
export const serveFlags: FlagTable = [
  {
    name: 'data-dir',
    value: 'DIR',
    default: './.appmeshd',
    help: 'SQLite database, generated credentials and AWS config, master key, endpoint CA',
  },
  { name: 'host', value: 'ADDR', default: '127.0.0.1', help: 'address of the API and xDS listeners' },
  {
    name: 'api-port',
    value: 'N',
    default: '8443',
    help: 'the API port (every AWS-compatible service; 0 picks a free one)',
  },
  {
    name: 'api-tls-cert',
    value: 'FILE',
    default: 'none',
    help: 'serve the API over TLS with this PEM certificate chain (with --api-tls-key)',
  },
  { name: 'api-tls-key', value: 'FILE', default: 'none', help: 'the PEM private key of --api-tls-cert' },
  {
    name: 'api-tls',
    value: 'auto|off',
    default: 'off',
    help: 'auto: serve the API over TLS with a certificate from the endpoint CA (trust it with `appmeshd ca`)',
  },
  { name: 'api-insecure', default: 'off', help: 'allow a plain-text API on an address other than loopback' },
  { name: 'xds-port', value: 'N', default: '15010', help: 'the Envoy management service port (gRPC ADS)' },
  {
    name: 'xds-tls-cert',
    value: 'FILE',
    default: 'none',
    help: 'serve xDS over TLS with this PEM certificate chain (with --xds-tls-key)',
  },
  { name: 'xds-tls-key', value: 'FILE', default: 'none', help: 'the PEM private key of --xds-tls-cert' },
  {
    name: 'xds-allow-unauthenticated',
    default: 'off',
    help: 'admit unsigned xDS streams (local development, proxyless gRPC clients)',
  },
  {
    name: 'xds-store-grace-ms',
    value: 'N',
    default: '10000',
    help: 'close the open xDS streams once the store has been unreachable this long, so proxies move to another replica',
  },
  {
    name: 'region',
    value: 'R',
    default: 'us-east-1, or $APPMESHD_REGION',
    help: 'the one region this deployment serves',
  },
  {
    name: 'account-id',
    value: 'N',
    default: '111122223333, or $APPMESHD_ACCOUNT_ID',
    help: 'the 12-digit account id in ARNs',
  },
  {
    name: 'store',
    value: 'URL',
    default: 'SQLite in --data-dir, or $APPMESHD_DATABASE_URL',
    help: 'postgres://… to run several replicas on PostgreSQL',
  },
  {
    name: 'zones',
    value: 'Z,Z,…',
    default: '<region>a,<region>b,<region>c',
    help: 'the Availability Zones subnets may be created in',
  },
  {
    name: 'service-zones',
    value: 'SVC=Z,Z',
    default: 'every zone',
    multiple: true,
    help: `offer an endpoint service (${ENDPOINT_SERVICE_CODES.join(', ')}) in fewer zones`,
  },
  { name: 'endpoint-port', value: 'N', default: '443', help: 'the TLS port of every interface endpoint listener' },
  {
    name: 'endpoint-settle-ms',
    value: 'N',
    default: '1000',
    help: 'how long a new or modified endpoint stays pending (and a deleted one deleting)',
  },
  { name: 'dns-listen', value: 'ADDR:PORT', default: 'off', help: 'the built-in DNS server (UDP and TCP)' },
  {
    name: 'dns-tcp-idle-ms',
    value: 'N',
    default: '10000',
    help: 'close a DNS-over-TCP connection idle (or with replies unread) this long',
  },
  {
    name: 'access-log-service',
    default: 'off',
    help: "serve Envoy's gRPC access-log service on the xDS port and add it to every generated listener",
  },
  {
    name: 'access-log-address',
    value: 'HOST:PORT',
    default: '--host and the xDS port',
    help: 'where proxies reach the access-log service',
  },
  {
    name: 'quota',
    value: 'NAME=N',
    default: 'App Mesh defaults',
    multiple: true,
    help: 'adjust a service quota, e.g. virtualNodesPerMesh=1000',
  },
  {
    name: 'headers-timeout-ms',
    value: 'N',
    default: '30000',
    help: 'a client that has not sent its request headers by then is answered 408 and disconnected',
  },
  { name: 'console', default: 'off', help: 'serve the web console under /console/ on the API port' },
  { name: 'console-port', value: 'N', default: 'off', help: 'serve the web console on a port of its own' },
  {
    name: 'log-level',
    value: 'L',
    default: 'info, or $APPMESHD_LOG_LEVEL',
    help: 'pino level; JSON log lines on stderr',
  },
];

export const serveHelp = () =>
  helpText(
    'appmeshd serve [flags]',
    'Runs the server: the App Mesh, EC2, IAM, STS and Cloud Map APIs, the Envoy management service, interface endpoints.',
    serveFlags,
  );

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`--${flag} must be a port number (0 picks a free one)`);
  return n;
}

/** Loopback addresses: a plain-text API there is reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

function apiTls(values: FlagValues): ApiTlsConfig | undefined {
  const cert = stringFlag(values, 'api-tls-cert');
  const key = stringFlag(values, 'api-tls-key');
  const mode = stringFlag(values, 'api-tls') ?? 'off';
  if (mode !== 'auto' && mode !== 'off') throw new ConfigError(`--api-tls ${mode}: expected auto or off`);
  if (!cert !== !key) throw new ConfigError('--api-tls-cert and --api-tls-key go together');
  if (cert && key) {
    if (mode === 'auto')
      throw new ConfigError('--api-tls auto and --api-tls-cert/--api-tls-key are alternatives; give one');
    for (const f of [cert, key]) if (!existsSync(f)) throw new ConfigError(`${f}: no such file`);
    return { mode: 'files', cert: resolve(cert), key: resolve(key) };
  }
  return mode === 'auto' ? { mode: 'auto' } : undefined;
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): AppConfig {
  return serveConfig(parseFlags(serveFlags, argv).values, env);
}

export function serveConfig(flags: FlagValues, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const str = (name: string) => stringFlag(flags, name);
  const values = {
    region: str('region'),
    'account-id': str('account-id'),
    zones: str('zones'),
    'service-zones': listFlag(flags, 'service-zones'),
    'endpoint-settle-ms': str('endpoint-settle-ms'),
    quota: listFlag(flags, 'quota'),
    store: str('store'),
    'xds-tls-cert': str('xds-tls-cert'),
    'xds-tls-key': str('xds-tls-key'),
    'data-dir': str('data-dir'),
    host: str('host'),
    'api-port': str('api-port'),
    'xds-port': str('xds-port'),
    'endpoint-port': str('endpoint-port'),
    'dns-listen': str('dns-listen'),
    'xds-allow-unauthenticated': booleanFlag(flags, 'xds-allow-unauthenticated'),
    'xds-store-grace-ms': str('xds-store-grace-ms'),
    'log-level': str('log-level'),
    'dns-tcp-idle-ms': str('dns-tcp-idle-ms'),
    'access-log-service': booleanFlag(flags, 'access-log-service'),
    'access-log-address': str('access-log-address'),
    'headers-timeout-ms': str('headers-timeout-ms'),
    console: booleanFlag(flags, 'console'),
    'console-port': str('console-port'),
  };
  const region = values.region ?? env.APPMESHD_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`--region ${region} is not a region name`);
  const accountId = values['account-id'] ?? env.APPMESHD_ACCOUNT_ID ?? '111122223333';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError('--account-id must be 12 digits');
  const zones = (values.zones ?? `${region}a,${region}b,${region}c`)
    .split(',')
    .map((z) => z.trim())
    .filter(Boolean);
  for (const z of zones) {
    if (!z.startsWith(region) || !/^[a-z]$/.test(z.slice(region.length)))
      throw new ConfigError(`zone ${z} is not a zone of ${region}`);
  }
  const serviceZones: Record<string, string[]> = {};
  for (const entry of values['service-zones'] ?? []) {
    const [code, list] = entry.split('=');
    if (!code || !(ENDPOINT_SERVICE_CODES as readonly string[]).includes(code) || !list) {
      throw new ConfigError(
        `--service-zones ${entry}: expected <service>=<zones>, services: ${ENDPOINT_SERVICE_CODES.join(', ')}`,
      );
    }
    const offered = list
      .split(',')
      .map((z) => z.trim())
      .filter(Boolean);
    for (const z of offered)
      if (!zones.includes(z)) throw new ConfigError(`--service-zones ${entry}: ${z} is not one of --zones`);
    serviceZones[code] = offered;
  }
  const settle = values['endpoint-settle-ms'] ?? '1000';
  if (!/^\d+$/.test(settle)) throw new ConfigError('--endpoint-settle-ms must be a number of milliseconds');
  const headersTimeout = values['headers-timeout-ms'] ?? '30000';
  if (!/^\d{1,9}$/.test(headersTimeout) || Number(headersTimeout) < 100)
    throw new ConfigError('--headers-timeout-ms must be a number of milliseconds (at least 100)');
  const storeGrace = values['xds-store-grace-ms'] ?? '10000';
  if (!/^[1-9]\d{0,8}$/.test(storeGrace))
    throw new ConfigError('--xds-store-grace-ms must be a positive number of milliseconds');
  const dnsIdle = values['dns-tcp-idle-ms'];
  if (dnsIdle !== undefined && !/^[1-9]\d*$/.test(dnsIdle))
    throw new ConfigError('--dns-tcp-idle-ms must be a positive number of milliseconds');
  const quotas = { ...defaultQuotas };
  for (const q of values.quota ?? []) {
    const [k, v] = q.split('=');
    if (!k || !Object.hasOwn(quotas, k) || !v || !/^\d+$/.test(v))
      throw new ConfigError(`--quota ${q}: expected <name>=<number>, names: ${Object.keys(quotas).join(', ')}`);
    quotas[k as keyof Quotas] = Number(v);
  }
  let accessLogAddress: { address: string; port: number } | undefined;
  if (values['access-log-address'] !== undefined) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(values['access-log-address']);
    const p = m ? Number(m[2]) : 0;
    if (!m || p < 1 || p > 65535) throw new ConfigError('--access-log-address must be HOST:PORT');
    accessLogAddress = { address: m[1]!.replace(/^\[|\]$/g, ''), port: p };
  }
  if (accessLogAddress && !values['access-log-service'])
    throw new ConfigError('--access-log-address needs --access-log-service');
  const storeUrl = values.store ?? env.APPMESHD_DATABASE_URL;
  if (!values['xds-tls-cert'] !== !values['xds-tls-key'])
    throw new ConfigError('--xds-tls-cert and --xds-tls-key go together');
  const host = values.host ?? '127.0.0.1';
  const tls = apiTls(flags);
  const apiInsecure = booleanFlag(flags, 'api-insecure');
  if (!tls && !apiInsecure && !isLoopbackHost(host)) {
    throw new ConfigError(
      `refusing to serve the API in plain text on ${host}: give --api-tls-cert/--api-tls-key or --api-tls auto, or --api-insecure`,
    );
  }
  return {
    dataDir: resolve(values['data-dir'] ?? './.appmeshd'),
    host,
    ...(tls ? { apiTls: tls } : {}),
    apiInsecure,
    apiPort: port(values['api-port'], 8443, 'api-port'),
    xdsPort: port(values['xds-port'], 15010, 'xds-port'),
    region,
    accountId,
    ...(storeUrl ? { storeUrl } : {}),
    zones,
    serviceZones,
    endpointSettleMs: Number(settle),
    endpointPort: port(values['endpoint-port'], 443, 'endpoint-port'),
    ...(values['dns-listen'] ? { dnsListen: values['dns-listen'] } : {}),
    ...(dnsIdle ? { dnsTcpIdleMs: Number(dnsIdle) } : {}),
    xdsAllowUnauthenticated: values['xds-allow-unauthenticated'] ?? false,
    xdsStoreGraceMs: Number(storeGrace),
    ...(values['xds-tls-cert'] ? { xdsTlsCert: resolve(values['xds-tls-cert']) } : {}),
    ...(values['xds-tls-key'] ? { xdsTlsKey: resolve(values['xds-tls-key']) } : {}),
    accessLogService: values['access-log-service'] ?? false,
    ...(accessLogAddress ? { accessLogAddress } : {}),
    quotas,
    logLevel: values['log-level'] ?? env.APPMESHD_LOG_LEVEL ?? 'info',
    headersTimeoutMs: Number(headersTimeout),
    ...(values.console || values['console-port'] !== undefined
      ? {
          console: {
            onApiPort: values.console ?? false,
            ...(values['console-port'] !== undefined ? { port: port(values['console-port'], 0, 'console-port') } : {}),
          },
        }
      : {}),
  };
}

// Command-line flags and environment → one immutable configuration.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface AppConfig {
  dataDir: string;
  host: string;
  apiPort: number;
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
  xdsAllowUnauthenticated: boolean;
  /** PEM certificate chain and key: the xDS port speaks TLS when both are given. */
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  /** Limits from the App Mesh service quotas; adjustable like the real ones. */
  quotas: Quotas;
  logLevel: string;
  /** The web console: under /console/ on the API port (--console) and/or on its own port (--console-port). */
  console?: { onApiPort: boolean; port?: number };
}

export interface Quotas {
  meshesPerAccount: number;
  virtualNodesPerMesh: number;
  virtualRoutersPerMesh: number;
  virtualServicesPerMesh: number;
  virtualGatewaysPerMesh: number;
  routesPerVirtualRouter: number;
  gatewayRoutesPerVirtualGateway: number;
  backendsPerVirtualNode: number;
  tagsPerResource: number;
  /** Connected Envoy processes per virtual node / gateway: xDS streams per identity and xDS service, on this replica. */
  envoysPerVirtualNode: number;
  envoysPerVirtualGateway: number;
}

export const defaultQuotas: Quotas = {
  meshesPerAccount: 15,
  virtualNodesPerMesh: 200,
  virtualRoutersPerMesh: 200,
  virtualServicesPerMesh: 200,
  virtualGatewaysPerMesh: 3,
  routesPerVirtualRouter: 50,
  gatewayRoutesPerVirtualGateway: 10,
  backendsPerVirtualNode: 50,
  tagsPerResource: 50,
  envoysPerVirtualNode: 50,
  envoysPerVirtualGateway: 50,
};

const serveOptions = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  'api-port': { type: 'string' },
  'xds-port': { type: 'string' },
  region: { type: 'string' },
  'account-id': { type: 'string' },
  store: { type: 'string' },
  zones: { type: 'string' },
  'service-zones': { type: 'string', multiple: true },
  'endpoint-settle-ms': { type: 'string' },
  'endpoint-port': { type: 'string' },
  'dns-listen': { type: 'string' },
  'xds-allow-unauthenticated': { type: 'boolean' },
  'xds-tls-cert': { type: 'string' },
  'xds-tls-key': { type: 'string' },
  quota: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  console: { type: 'boolean' },
  'console-port': { type: 'string' },
} as const;

export class ConfigError extends Error {}

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`--${flag} must be a port number (0 picks a free one)`);
  return n;
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): AppConfig {
  const { values } = parseArgs({ args: argv, options: serveOptions, strict: true, allowPositionals: false });
  const region = values.region ?? env.APPMESHD_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`--region ${region} is not a region name`);
  const accountId = values['account-id'] ?? env.APPMESHD_ACCOUNT_ID ?? '111122223333';
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError('--account-id must be 12 digits');
  const zones = (values.zones ?? `${region}a,${region}b,${region}c`).split(',').map((z) => z.trim()).filter(Boolean);
  for (const z of zones) {
    if (!z.startsWith(region) || !/^[a-z]$/.test(z.slice(region.length))) throw new ConfigError(`zone ${z} is not a zone of ${region}`);
  }
  const serviceZones: Record<string, string[]> = {};
  for (const entry of values['service-zones'] ?? []) {
    const [code, list] = entry.split('=');
    if ((code !== 'appmesh' && code !== 'appmesh-envoy-management') || !list) {
      throw new ConfigError(`--service-zones ${entry}: expected appmesh=<zones> or appmesh-envoy-management=<zones>`);
    }
    const offered = list.split(',').map((z) => z.trim()).filter(Boolean);
    for (const z of offered) if (!zones.includes(z)) throw new ConfigError(`--service-zones ${entry}: ${z} is not one of --zones`);
    serviceZones[code] = offered;
  }
  const settle = values['endpoint-settle-ms'] ?? '1000';
  if (!/^\d+$/.test(settle)) throw new ConfigError('--endpoint-settle-ms must be a number of milliseconds');
  const quotas = { ...defaultQuotas };
  for (const q of values.quota ?? []) {
    const [k, v] = q.split('=');
    if (!k || !(k in quotas) || !v || !/^\d+$/.test(v)) throw new ConfigError(`--quota ${q}: expected <name>=<number>, names: ${Object.keys(quotas).join(', ')}`);
    quotas[k as keyof Quotas] = Number(v);
  }
  const storeUrl = values.store ?? env.APPMESHD_DATABASE_URL;
  if (!values['xds-tls-cert'] !== !values['xds-tls-key']) throw new ConfigError('--xds-tls-cert and --xds-tls-key go together');
  return {
    dataDir: resolve(values['data-dir'] ?? './.appmeshd'),
    host: values.host ?? '127.0.0.1',
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
    xdsAllowUnauthenticated: values['xds-allow-unauthenticated'] ?? false,
    ...(values['xds-tls-cert'] ? { xdsTlsCert: resolve(values['xds-tls-cert']) } : {}),
    ...(values['xds-tls-key'] ? { xdsTlsKey: resolve(values['xds-tls-key']) } : {}),
    quotas,
    logLevel: values['log-level'] ?? env.APPMESHD_LOG_LEVEL ?? 'info',
    ...(values.console || values['console-port'] !== undefined ? {
      console: {
        onApiPort: values.console ?? false,
        ...(values['console-port'] !== undefined ? { port: port(values['console-port'], 0, 'console-port') } : {}),
      },
    } : {}),
  };
}

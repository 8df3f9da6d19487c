// Command-line flags and environment → one immutable configuration.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENDPOINT_SERVICE_CODES } from '../ec2/endpoint-services.js';

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
  /** Idle timeout of DNS-over-TCP connections. */
  dnsTcpIdleMs?: number;
  xdsAllowUnauthenticated: boolean;
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
  // Amazon VPC and PrivateLink
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  /** Security groups of all VPCs together, the default groups included. */
  securityGroupsPerRegion: number;
  /** Security groups on one network interface (an endpoint's groups are its interfaces' groups). */
  securityGroupsPerNetworkInterface: number;
  inboundRulesPerSecurityGroup: number;
  outboundRulesPerSecurityGroup: number;
  interfaceEndpointsPerVpc: number;
  // IAM
  usersPerAccount: number;
  accessKeysPerUser: number;
  /** Characters of all of a user's inline policies together, whitespace excluded. */
  userPolicySize: number;
  // Cloud Map
  namespacesPerRegion: number;
  /** Not an AWS quota (Cloud Map has none for services): appmeshd's own bound, so that nothing is unbounded. */
  servicesPerNamespace: number;
  instancesPerNamespace: number;
  instancesPerService: number;
  /** CloudWatch Logs: log groups per account (AWS: 1,000,000), streams per group, and the largest event (bytes, with 26 of overhead). */
  logGroupsPerAccount: number;
  logStreamsPerLogGroup: number;
  logEventSizeBytes: number;
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
  vpcsPerRegion: 5,
  subnetsPerVpc: 200,
  securityGroupsPerRegion: 2500,
  securityGroupsPerNetworkInterface: 5,
  inboundRulesPerSecurityGroup: 60,
  outboundRulesPerSecurityGroup: 60,
  interfaceEndpointsPerVpc: 50,
  usersPerAccount: 5000,
  accessKeysPerUser: 2,
  userPolicySize: 2048,
  namespacesPerRegion: 50,
  servicesPerNamespace: 2000,
  instancesPerNamespace: 2000,
  instancesPerService: 1000,
  logGroupsPerAccount: 1_000_000,
  logStreamsPerLogGroup: 1_000_000,
  logEventSizeBytes: 1_048_576,
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
  'dns-tcp-idle-ms': { type: 'string' },
  'xds-allow-unauthenticated': { type: 'boolean' },
  'xds-tls-cert': { type: 'string' },
  'xds-tls-key': { type: 'string' },
  quota: { type: 'string', multiple: true },
  'access-log-service': { type: 'boolean' },
  'access-log-address': { type: 'string' },
  'log-level': { type: 'string' },
  'headers-timeout-ms': { type: 'string' },
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
    if (!code || !(ENDPOINT_SERVICE_CODES as readonly string[]).includes(code) || !list) {
      throw new ConfigError(`--service-zones ${entry}: expected <service>=<zones>, services: ${ENDPOINT_SERVICE_CODES.join(', ')}`);
    }
    const offered = list.split(',').map((z) => z.trim()).filter(Boolean);
    for (const z of offered) if (!zones.includes(z)) throw new ConfigError(`--service-zones ${entry}: ${z} is not one of --zones`);
    serviceZones[code] = offered;
  }
  const settle = values['endpoint-settle-ms'] ?? '1000';
  if (!/^\d+$/.test(settle)) throw new ConfigError('--endpoint-settle-ms must be a number of milliseconds');
  const headersTimeout = values['headers-timeout-ms'] ?? '30000';
  if (!/^\d{1,9}$/.test(headersTimeout) || Number(headersTimeout) < 100) throw new ConfigError('--headers-timeout-ms must be a number of milliseconds (at least 100)');
  const dnsIdle = values['dns-tcp-idle-ms'];
  if (dnsIdle !== undefined && !/^[1-9]\d*$/.test(dnsIdle)) throw new ConfigError('--dns-tcp-idle-ms must be a positive number of milliseconds');
  const quotas = { ...defaultQuotas };
  for (const q of values.quota ?? []) {
    const [k, v] = q.split('=');
    if (!k || !Object.hasOwn(quotas, k) || !v || !/^\d+$/.test(v)) throw new ConfigError(`--quota ${q}: expected <name>=<number>, names: ${Object.keys(quotas).join(', ')}`);
    quotas[k as keyof Quotas] = Number(v);
  }
  let accessLogAddress: { address: string; port: number } | undefined;
  if (values['access-log-address'] !== undefined) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(values['access-log-address']);
    const p = m ? Number(m[2]) : 0;
    if (!m || p < 1 || p > 65535) throw new ConfigError('--access-log-address must be HOST:PORT');
    accessLogAddress = { address: m[1]!.replace(/^\[|\]$/g, ''), port: p };
  }
  if (accessLogAddress && !values['access-log-service']) throw new ConfigError('--access-log-address needs --access-log-service');
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
    ...(dnsIdle ? { dnsTcpIdleMs: Number(dnsIdle) } : {}),
    xdsAllowUnauthenticated: values['xds-allow-unauthenticated'] ?? false,
    ...(values['xds-tls-cert'] ? { xdsTlsCert: resolve(values['xds-tls-cert']) } : {}),
    ...(values['xds-tls-key'] ? { xdsTlsKey: resolve(values['xds-tls-key']) } : {}),
    accessLogService: values['access-log-service'] ?? false,
    ...(accessLogAddress ? { accessLogAddress } : {}),
    quotas,
    logLevel: values['log-level'] ?? env.APPMESHD_LOG_LEVEL ?? 'info',
    headersTimeoutMs: Number(headersTimeout),
    ...(values.console || values['console-port'] !== undefined ? {
      console: {
        onApiPort: values.console ?? false,
        ...(values['console-port'] !== undefined ? { port: port(values['console-port'], 0, 'console-port') } : {}),
      },
    } : {}),
  };
}

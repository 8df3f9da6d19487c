// The endpoint runtime as process components: the EC2 read model, the listener
// reconciler and (with --dns-listen) the DNS server. Other areas add DNS record sources
// (Cloud Map namespaces) through `dns.addSource`.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { reportEndpointListeners } from '../ec2/endpoint-health.js';
import type { Component } from '../runtime/component.js';
import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/types.js';
import type { CertificateAuthority } from './ca/authority.js';
import { EndpointRecordSource } from './dns/endpoint-records.js';
import type { DnsRecordSource } from './dns/record-source.js';
import { DnsServer, parseListenAddress } from './dns/server.js';
import type { EdgeEntry } from './handoff.js';
import { EndpointReconciler } from './reconciler.js';
import { Ec2View } from './view.js';

/** The `serve` settings the endpoint runtime reads. */
export interface EndpointSettings {
  host: string;
  region: string;
  dataDir: string;
  endpointPort: number;
  /** The xDS server's certificate: the Envoy management endpoint pins it when relaying. */
  xdsTlsCert?: string;
  dnsListen?: string;
  dnsTcpIdleMs?: number;
}

export interface EndpointRuntimeDeps {
  config: EndpointSettings;
  store: Store;
  log: Logger;
  ca: CertificateAuthority;
  /** API endpoints serve their requests through the edge. */
  edge: EdgeEntry;
  /** The port the xDS server bound: the Envoy management endpoint relays to it. */
  xdsPort: number;
}

export interface DnsComponent extends Component<{ dnsPort: number }> {
  addSource(source: DnsRecordSource): void;
}

export interface EndpointRuntime {
  /** The EC2 read model and the listener reconciler; started, it exposes the endpoint listeners' port. */
  endpoints: Component<{ endpointPort: number }>;
  /** The DNS server (--dns-listen); started, it exposes the port it bound. */
  dns?: DnsComponent;
  view: Ec2View;
}

const loopbackFor = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

export function createEndpointRuntime(deps: EndpointRuntimeDeps): EndpointRuntime {
  const { config, log, store, ca } = deps;
  const view = new Ec2View(store, log);
  const xdsFingerprint = config.xdsTlsCert
    ? new X509Certificate(readFileSync(config.xdsTlsCert)).fingerprint256
    : undefined;
  const xdsTarget = {
    host: loopbackFor(config.host),
    port: deps.xdsPort,
    ...(xdsFingerprint ? { tlsFingerprint256: xdsFingerprint } : {}),
  };
  // Stable across restarts of this server, so a failure it reported is its own to clear after a restart.
  const reporter = createHash('sha256').update(`${hostname()}\0${config.dataDir}`).digest('hex').slice(0, 16);
  const reconciler = new EndpointReconciler({
    view,
    ca,
    region: config.region,
    port: config.endpointPort,
    log,
    addressesShared: store.backend === 'postgres',
    reportListeners: async (endpoint, failure) => {
      if (await reportEndpointListeners(store, endpoint, reporter, failure)) {
        log[failure ? 'error' : 'info'](
          { vpcEndpointId: endpoint.vpcEndpointId, ...(failure ? { lastError: failure } : {}) },
          failure
            ? 'vpc endpoint failed: a listener could not bind'
            : 'vpc endpoint available again: its listeners bind',
        );
      }
    },
    reportedHere: (endpoint) => endpoint.lastError?.reportedBy === reporter,
    edge: deps.edge,
    xdsTarget: () => xdsTarget,
  });
  const endpoints: Component<{ endpointPort: number }> = {
    name: 'endpoints',
    async start() {
      await view.start();
      await reconciler.start();
      return { endpointPort: config.endpointPort };
    },
    async stop() {
      view.stop();
      await reconciler.stop();
    },
  };
  if (!config.dnsListen) return { endpoints, view };
  const server = new DnsServer(
    parseListenAddress(config.dnsListen),
    log,
    config.dnsTcpIdleMs ? { tcpIdleMs: config.dnsTcpIdleMs } : {},
  );
  server.addSource(new EndpointRecordSource(config.region, () => view.current));
  const dns: DnsComponent = {
    name: 'dns',
    addSource: (source) => server.addSource(source),
    start: async () => ({ dnsPort: await server.start() }),
    stop: () => server.stop(),
  };
  return { endpoints, dns, view };
}

// The endpoint runtime as process components: the EC2 read model, the listener
// reconciler and (with --dns-listen) the DNS server. Other areas add DNS record sources
// (Cloud Map namespaces) through `dns.addSource`.
import { createHash, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { reportEndpointListeners } from '../ec2/endpoint-health.js';
import { readFileSync } from 'node:fs';
import type { App, Component } from '../server/app.js';
import { EndpointRecordSource } from './dns/endpoint-records.js';
import { DnsServer, parseListenAddress } from './dns/server.js';
import { EndpointReconciler } from './reconciler.js';
import { Ec2View } from './view.js';

export interface EndpointRuntime {
  components: Component[];
  view: Ec2View;
  dns?: DnsServer;
}

const loopbackFor = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

export function createEndpointRuntime(app: App): EndpointRuntime {
  const { config, log } = app;
  const view = new Ec2View(app.store, log);
  const { ca } = app;
  const xdsFingerprint = config.xdsTlsCert
    ? new X509Certificate(readFileSync(config.xdsTlsCert)).fingerprint256
    : undefined;
  // Stable across restarts of this server, so a failure it reported is its own to clear after a restart.
  const reporter = createHash('sha256').update(`${hostname()}\0${config.dataDir}`).digest('hex').slice(0, 16);
  const reconciler = new EndpointReconciler({
    view,
    ca,
    region: config.region,
    port: config.endpointPort,
    log,
    addressesShared: app.store.backend === 'postgres',
    reportListeners: async (endpoint, failure) => {
      if (await reportEndpointListeners(app.store, endpoint, reporter, failure)) {
        log[failure ? 'error' : 'info'](
          { vpcEndpointId: endpoint.vpcEndpointId, ...(failure ? { lastError: failure } : {}) },
          failure
            ? 'vpc endpoint failed: a listener could not bind'
            : 'vpc endpoint available again: its listeners bind',
        );
      }
    },
    reportedHere: (endpoint) => endpoint.lastError?.reportedBy === reporter,
    edge: (req, res, via) => app.edge(req, res, via),
    xdsTarget: () =>
      app.ports.xdsPort
        ? {
            host: loopbackFor(config.host),
            port: app.ports.xdsPort,
            ...(xdsFingerprint ? { tlsFingerprint256: xdsFingerprint } : {}),
          }
        : undefined,
  });
  const components: Component[] = [
    {
      name: 'endpoints',
      async start() {
        app.ports.endpointPort = config.endpointPort;
        await view.start();
        await reconciler.start();
      },
      async stop() {
        view.stop();
        await reconciler.stop();
      },
    },
  ];
  if (!config.dnsListen) return { components, view };
  const dns = new DnsServer(
    parseListenAddress(config.dnsListen),
    log,
    config.dnsTcpIdleMs ? { tcpIdleMs: config.dnsTcpIdleMs } : {},
  );
  dns.addSource(new EndpointRecordSource(config.region, () => view.current));
  components.push({
    name: 'dns',
    async start() {
      app.ports.dnsPort = await dns.start();
    },
    stop: () => dns.stop(),
  });
  return { components, view, dns };
}

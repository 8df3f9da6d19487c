// Metrics of the endpoint runtime.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../server/metrics.js';

export const endpointConnections = new Counter({
  name: 'appmeshd_endpoint_connections_total',
  help: 'Connections to endpoint interfaces by endpoint and outcome (accepted, security_group_denied, tls_failed, upstream_failed)',
  labelNames: ['vpc_endpoint_id', 'outcome'] as const,
  registers: [registry],
});

export const endpointListeners = new Gauge({
  name: 'appmeshd_endpoint_listeners',
  help: 'Endpoint interface listeners currently bound',
  registers: [registry],
});

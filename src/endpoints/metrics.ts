// Metrics of the endpoint runtime.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../runtime/metrics.js';

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

export const dnsTcpConnections = new Gauge({
  name: 'appmeshd_dns_tcp_connections',
  help: 'Open DNS-over-TCP connections',
  registers: [registry],
});

export const dnsDropped = new Counter({
  name: 'appmeshd_dns_dropped_total',
  help: 'DNS messages dropped unanswered, by reason (not_a_query: QR set or shorter than a header; tcp_idle: connection closed by the idle timeout; tcp_unread: closed because its replies went unread for that long)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

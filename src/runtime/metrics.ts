// Prometheus metrics shared by the API edge, the store and the xDS server.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
// Event-loop lag sampled once a second rather than every 10 ms, so an idle server stays idle.
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });

export const apiRequests = new Counter({
  name: 'appmeshd_api_requests_total',
  help: 'API requests by service, operation and HTTP status',
  labelNames: ['service', 'operation', 'status'] as const,
  registers: [registry],
});

export const apiLatency = new Histogram({
  name: 'appmeshd_api_request_duration_seconds',
  help: 'API request latency by service and operation',
  labelNames: ['service', 'operation'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

type Child<M extends { labels(...v: string[]): unknown }> = ReturnType<M['labels']>;
const requestChildren = new Map<string, Child<typeof apiRequests>>();
const latencyChildren = new Map<string, Child<typeof apiLatency>>();

/**
 * Counts one answered API request and observes its latency. The labelled series are looked up once per
 * (service, operation, status) — a bounded set: services and operations come from the models — instead of hashing
 * the label object on every request.
 */
export function recordApiRequest(service: string, operation: string, status: number, seconds: number): void {
  const key = `${service}\0${operation}`;
  let latency = latencyChildren.get(key);
  if (!latency) latencyChildren.set(key, (latency = apiLatency.labels(service, operation)));
  latency.observe(seconds);
  const countKey = `${key}\0${status}`;
  let count = requestChildren.get(countKey);
  if (!count) requestChildren.set(countKey, (count = apiRequests.labels(service, operation, String(status))));
  count.inc();
}

export const authFailures = new Counter({
  name: 'appmeshd_api_auth_failures_total',
  help: 'Requests refused before reaching a service, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const storeErrors = new Counter({
  name: 'appmeshd_store_errors_total',
  help: 'Store operations that failed, by kind of failure',
  labelNames: ['kind'] as const,
  registers: [registry],
});

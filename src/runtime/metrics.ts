// The Prometheus registry every metric registers with (served at /metrics), with the process's default metrics.
import { Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
// Event-loop lag sampled once a second rather than every 10 ms, so an idle server stays idle.
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });

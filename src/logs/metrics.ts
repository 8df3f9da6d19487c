// Metrics of the CloudWatch Logs service.
import { Counter } from 'prom-client';
import { registry } from '../runtime/metrics.js';

export const logEvents = new Counter({
  name: 'appmeshd_log_events_total',
  help: 'Log events by source (put_log_events, access_log) and outcome (stored, rejected, dropped)',
  labelNames: ['source', 'outcome'] as const,
  registers: [registry],
});

export const logEventsExpired = new Counter({
  name: 'appmeshd_log_events_expired_total',
  help: 'Log events deleted by the retention job',
  registers: [registry],
});

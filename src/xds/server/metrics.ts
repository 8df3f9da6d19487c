// Prometheus metrics of the Envoy management service (registered in the process registry).
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../runtime/metrics.js';
import { TypeUrl, type TypeUrlValue } from '../translate/types.js';

export const SHORT_TYPE: Record<string, string> = {
  [TypeUrl.listener]: 'lds',
  [TypeUrl.route]: 'rds',
  [TypeUrl.cluster]: 'cds',
  [TypeUrl.endpoint]: 'eds',
  [TypeUrl.secret]: 'sds',
};
export const shortType = (typeUrl: string): string =>
  Object.hasOwn(SHORT_TYPE, typeUrl) ? SHORT_TYPE[typeUrl]! : 'other';
export type ShortTypes = Record<TypeUrlValue, string>;

export const xdsStreams = new Gauge({
  name: 'appmeshd_xds_streams',
  help: 'Connected, admitted xDS streams by service (ads, lds, rds, cds, eds) and variant (sotw, delta)',
  labelNames: ['service', 'variant'] as const,
  registers: [registry],
});

export const xdsPushes = new Counter({
  name: 'appmeshd_xds_pushes_total',
  help: 'Discovery responses sent, by resource type and variant',
  labelNames: ['type', 'variant'] as const,
  registers: [registry],
});

export const xdsPushToAck = new Histogram({
  name: 'appmeshd_xds_push_to_ack_seconds',
  help: 'Time from the store change that caused a push to the proxy ACKing it, by resource type',
  labelNames: ['type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const xdsNacks = new Counter({
  name: 'appmeshd_xds_nacks_total',
  help: 'Discovery responses rejected by proxies, by resource type',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const xdsAdmissionRefusals = new Counter({
  name: 'appmeshd_xds_admission_refusals_total',
  help: 'xDS streams refused at admission, by reason (unauthenticated, permission_denied, not_found, invalid_node, resource_exhausted)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const xdsConfigErrors = new Counter({
  name: 'appmeshd_xds_config_errors_total',
  help: 'Proxy configurations not published because translation, encoding or the consistency check failed',
  registers: [registry],
});

export const xdsTranslations = new Counter({
  name: 'appmeshd_xds_translations_total',
  help: 'Proxy configurations translated from a mesh snapshot (once per snapshot and proxy identity)',
  registers: [registry],
});

export const xdsDeferredPushes = new Counter({
  name: 'appmeshd_xds_pushes_deferred_total',
  help: 'Pushes held back because the stream had not read what it was sent; it gets the newest configuration once it does',
  registers: [registry],
});

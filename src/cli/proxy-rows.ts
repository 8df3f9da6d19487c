// The rows of the management service's /admin/proxies answer, checked before they are printed.
import { isRecord, optionalString } from '../runtime/guards.js';

export interface TypeState {
  ackedVersion?: string | undefined;
  sentVersion?: string | undefined;
  lastNack?: { message: string; at: string } | undefined;
}

export interface ProxyRow {
  nodeId: string;
  service: string;
  variant: string;
  peer: string;
  connectedSince: string;
  types: Record<string, TypeState>;
}

const typeState = (v: unknown): TypeState | undefined => {
  if (!isRecord(v)) return undefined;
  const nack = v.lastNack;
  const lastNack =
    isRecord(nack) && typeof nack.message === 'string' && typeof nack.at === 'string'
      ? { message: nack.message, at: nack.at }
      : undefined;
  return { ackedVersion: optionalString(v.ackedVersion), sentVersion: optionalString(v.sentVersion), lastNack };
};

/** One row, or undefined when `v` is not one. */
export function proxyRow(v: unknown): ProxyRow | undefined {
  if (!isRecord(v) || !isRecord(v.types)) return undefined;
  const { nodeId, service, variant, peer, connectedSince } = v;
  if (
    typeof nodeId !== 'string' ||
    typeof service !== 'string' ||
    typeof variant !== 'string' ||
    typeof peer !== 'string' ||
    typeof connectedSince !== 'string'
  )
    return undefined;
  const types: Record<string, TypeState> = {};
  for (const [type, s] of Object.entries(v.types)) {
    const state = typeState(s);
    if (!state) return undefined;
    types[type] = state;
  }
  return { nodeId, service, variant, peer, connectedSince, types };
}

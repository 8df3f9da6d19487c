// The "Connected Envoy processes per virtual node / virtual gateway" quotas, counted per replica: streams per identity
// and xDS service (one Envoy opens one stream per service).
import * as grpc from '@grpc/grpc-js';
import { defaultAppMeshQuotas } from '../../appmesh/quotas.js';
import { identityKey, type ParsedNodeId } from '../identity.js';
import { AdmissionError } from './admission.js';

export interface EnvoyQuotas {
  envoysPerVirtualNode: number;
  envoysPerVirtualGateway: number;
}

/**
 * Throws RESOURCE_EXHAUSTED (8) when `connected` streams of the proxy's identity (on the same xDS service) already reach
 * its quota, as App Mesh closes the stream of one Envoy too many.
 */
export function checkConnectedEnvoys(quotas: EnvoyQuotas, id: ParsedNodeId, connected: number): void {
  const [limit, what] =
    id.kind === 'virtualNode'
      ? [quotas.envoysPerVirtualNode, 'virtual node']
      : [quotas.envoysPerVirtualGateway, 'virtual gateway'];
  if (connected < limit) return;
  throw new AdmissionError(
    grpc.status.RESOURCE_EXHAUSTED,
    'resource_exhausted',
    `Cannot exceed quota for Connected Envoy processes per ${what}: ${limit} (${what} ${id.name} in mesh ${id.meshName})`,
  );
}

/** The streams connected per slot (identity and xDS service). */
export class ConnectedEnvoys {
  private readonly connected = new Map<string, number>();

  constructor(private readonly quotas: EnvoyQuotas = defaultAppMeshQuotas) {}

  static slot(id: ParsedNodeId, service: string): string {
    return `${identityKey(id)}|${service}`;
  }

  /** Throws AdmissionError (RESOURCE_EXHAUSTED) when the slot's quota is reached. */
  check(id: ParsedNodeId, slot: string): void {
    checkConnectedEnvoys(this.quotas, id, this.connected.get(slot) ?? 0);
  }

  add(slot: string): void {
    this.connected.set(slot, (this.connected.get(slot) ?? 0) + 1);
  }

  release(slot: string): void {
    const n = (this.connected.get(slot) ?? 1) - 1;
    if (n > 0) this.connected.set(slot, n);
    else this.connected.delete(slot);
  }
}

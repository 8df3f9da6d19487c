// What every xDS stream keeps, whatever its variant: who is connected, what was sent and
// acknowledged per type, the last rejection. Variants (state of the world, delta) decide
// what to send; this records it and feeds the metrics.
import type { EncodedConfig } from '../cache/encoded-config.js';
import { TypeUrl, type ProxyIdentity, type TypeUrlValue } from '../translate/types.js';
import { shortType, xdsNacks, xdsPushToAck, xdsPushes } from './metrics.js';

export type Variant = 'sotw' | 'delta';
/** The gRPC service a stream came in on. */
export type XdsService = 'ads' | 'lds' | 'rds' | 'cds' | 'eds' | 'sds';

export interface Nack {
  /** The version the proxy rejected. */
  version: string;
  nonce: string;
  message: string;
  code?: number;
  at: string;
}

export interface TypeStatus {
  subscribed: string[];
  wildcard: boolean;
  sentVersion?: string;
  sentAt?: string;
  ackedVersion?: string;
  ackedAt?: string;
  lastNack?: Nack;
  pushes: number;
  nacks: number;
}

export interface SessionStatus {
  streamId: string;
  nodeId: string;
  identity: ProxyIdentity;
  service: XdsService;
  variant: Variant;
  peer: string;
  principal?: string;
  connectedSince: string;
  configVersion?: string;
  types: Record<string, TypeStatus>;
}

export interface SessionInit {
  streamId: string;
  nodeId: string;
  identity: ProxyIdentity;
  service: XdsService;
  peer: string;
  principal?: string;
  /** Single-type services serve one type; ADS serves all. */
  fixedType?: TypeUrlValue;
  write: (message: Buffer) => void;
  /** The configuration for the listener names a proxyless gRPC client asked for (empty: an Envoy's). */
  resolveConfig: (apiListeners: readonly string[]) => EncodedConfig | undefined;
}

/** Error detail of a NACK as it arrives (google.rpc.Status). */
export interface ErrorDetail {
  code?: number;
  message?: string;
}

/** Listener and cluster subscriptions may be wildcard; the others name their resources. */
export const isWildcardType = (typeUrl: string) => typeUrl === TypeUrl.listener || typeUrl === TypeUrl.cluster;
/** State-of-the-world responses of these types carry every subscribed resource (a missing one is deleted). */
export const isFullStateType = isWildcardType;
export const KNOWN_TYPES = new Set<string>(Object.values(TypeUrl));

interface Sent {
  version: string;
  changedAt: number | undefined;
}

export abstract class Session {
  abstract readonly variant: Variant;
  readonly connectedSince = new Date();
  protected config: EncodedConfig | undefined;
  /** When the store change behind the current configuration was seen; undefined for the initial one. */
  protected changedAt: number | undefined;
  private nonceCounter = 0;
  private readonly statuses = new Map<string, TypeStatus>();
  private readonly sentByNonce = new Map<string, Sent>();

  /** The configuration this stream had before the current one, and when the current one was adopted. */
  private previousConfig: EncodedConfig | undefined;
  private configSince: Date | undefined;

  constructor(readonly init: SessionInit) {}

  /** Called by the variants before they switch to `next` (the console's "diff of the last push"). */
  protected remember(next: EncodedConfig): void {
    if (next === this.config) return;
    this.previousConfig = this.config;
    this.configSince = new Date();
  }

  /** The current and the previous configuration of this stream. */
  configs(): { current?: EncodedConfig; previous?: EncodedConfig; since?: Date } {
    return {
      ...(this.config ? { current: this.config } : {}),
      ...(this.previousConfig ? { previous: this.previousConfig } : {}),
      ...(this.configSince ? { since: this.configSince } : {}),
    };
  }

  abstract onRequest(request: unknown): void;
  /** Pushes what changed between the current configuration and `config`. */
  abstract applyConfig(config: EncodedConfig, changedAt: number | undefined): void;

  get identity(): ProxyIdentity {
    return this.init.identity;
  }

  /**
   * Listener names subscribed explicitly: a proxyless gRPC client's API listeners. Envoys
   * subscribe to all listeners (wildcard) and have none.
   */
  apiListeners: readonly string[] = [];

  /** Switches configuration when the explicit listener subscription changed; true when it did. */
  protected listenersSubscribed(names: Iterable<string>, wildcard: boolean): boolean {
    const next = wildcard ? [] : [...new Set(names)].sort();
    if (next.join('\0') === this.apiListeners.join('\0')) return false;
    this.apiListeners = next;
    const config = this.init.resolveConfig(next);
    if (config) this.applyConfig(config, undefined);
    return true;
  }

  protected typeStatus(typeUrl: string): TypeStatus {
    let s = this.statuses.get(typeUrl);
    if (!s) this.statuses.set(typeUrl, (s = { subscribed: [], wildcard: false, pushes: 0, nacks: 0 }));
    return s;
  }

  protected send(typeUrl: string, message: (nonce: string) => Buffer, version: string): string {
    const nonce = (++this.nonceCounter).toString(36);
    this.init.write(message(nonce));
    this.sentByNonce.set(`${typeUrl}\0${nonce}`, { version, changedAt: this.changedAt });
    const s = this.typeStatus(typeUrl);
    s.sentVersion = version;
    s.sentAt = new Date().toISOString();
    s.pushes++;
    xdsPushes.inc({ type: shortType(typeUrl), variant: this.variant });
    return nonce;
  }

  /** Records the answer to the response with `nonce`; false when no such response is outstanding. */
  protected answered(typeUrl: string, nonce: string, error: ErrorDetail | null | undefined): boolean {
    const key = `${typeUrl}\0${nonce}`;
    const sent = this.sentByNonce.get(key);
    if (!sent) return false;
    // Everything sent up to this nonce has now been answered.
    for (const k of this.sentByNonce.keys()) {
      if (!k.startsWith(`${typeUrl}\0`)) continue;
      this.sentByNonce.delete(k);
      if (k === key) break;
    }
    const s = this.typeStatus(typeUrl);
    const now = new Date();
    if (error) {
      s.nacks++;
      s.lastNack = {
        version: sent.version,
        nonce,
        message: error.message ?? '',
        ...(error.code !== undefined ? { code: error.code } : {}),
        at: now.toISOString(),
      };
      xdsNacks.inc({ type: shortType(typeUrl) });
    } else {
      s.ackedVersion = sent.version;
      s.ackedAt = now.toISOString();
      if (sent.changedAt !== undefined)
        xdsPushToAck.observe({ type: shortType(typeUrl) }, Math.max(0, now.getTime() - sent.changedAt) / 1000);
    }
    return true;
  }

  /** Responses of a type sent and not yet answered. */
  protected outstanding(typeUrl: string): boolean {
    for (const k of this.sentByNonce.keys()) if (k.startsWith(`${typeUrl}\0`)) return true;
    return false;
  }

  protected recordSubscription(typeUrl: string, names: Iterable<string>, wildcard: boolean): void {
    const s = this.typeStatus(typeUrl);
    s.subscribed = [...names].sort();
    s.wildcard = wildcard;
  }

  /** Marks a version as acknowledged without a response (a reconnecting proxy that already has it). */
  protected resumed(typeUrl: string, version: string): void {
    const s = this.typeStatus(typeUrl);
    s.sentVersion = version;
    s.ackedVersion = version;
    s.ackedAt = new Date().toISOString();
  }

  protected servesType(typeUrl: string): boolean {
    return KNOWN_TYPES.has(typeUrl) && (this.init.fixedType === undefined || this.init.fixedType === typeUrl);
  }

  status(): SessionStatus {
    const types: Record<string, TypeStatus> = {};
    for (const [t, s] of this.statuses) types[shortType(t)] = { ...s };
    return {
      streamId: this.init.streamId,
      nodeId: this.init.nodeId,
      identity: this.init.identity,
      service: this.init.service,
      variant: this.variant,
      peer: this.init.peer,
      ...(this.init.principal ? { principal: this.init.principal } : {}),
      connectedSince: this.connectedSince.toISOString(),
      ...(this.config ? { configVersion: this.config.version } : {}),
      types,
    };
  }
}

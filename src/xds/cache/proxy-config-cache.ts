// Translates and encodes once per (mesh snapshot, proxy identity): two thousand Envoys of one
// virtual node cost one translation per change — and a change costs nothing for an identity whose configuration
// read none of what it touched (`tracking.ts`): that identity keeps its configuration object, so its streams see
// that nothing changed. A configuration that fails to translate, encode or pass the consistency check is not
// published; proxies keep the last good one.
import type { MeshSnapshotEntry } from '../../mesh/feed.js';
import { type MeshSnapshot, SNAPSHOT_TRACKER } from '../../mesh/snapshot.js';
import { identityKey } from '../identity.js';
import type { ProxyConfig, ProxyIdentity } from '../translate/types.js';
import { consistencyErrors } from './consistency.js';
import { encodeConfig, type EncodedConfig, type Encoder } from './encoded-config.js';
import { stillValid, trackedView } from './tracking.js';

/**
 * `apiListeners`: the listener names a proxyless gRPC client asked for (`<vs>:<port>`); empty
 * for an Envoy, which subscribes to every listener and gets the sidecar or gateway configuration.
 */
export type Translate = (snapshot: MeshSnapshot, proxy: ProxyIdentity, apiListeners: readonly string[]) => ProxyConfig;

export type ConfigResult =
  | { kind: 'ok'; config: EncodedConfig }
  /** The proxy's virtual node or gateway (or its mesh) does not exist. */
  | { kind: 'missing'; message: string }
  /** Translation failed; `fallback` is the last configuration published for this identity. */
  | { kind: 'error'; message: string; fallback?: EncodedConfig };

export interface ProxyConfigCacheDeps {
  translate: Translate;
  encode: Encoder;
  onProblem?: (key: string, message: string) => void;
  /** A translation that carries warnings (once per snapshot and identity, as translations are). */
  onWarnings?: (key: string, warnings: readonly string[]) => void;
  /** Each translation (one per snapshot and identity). */
  onTranslate?: () => void;
}

export function proxyExists(snapshot: MeshSnapshot | undefined, id: ProxyIdentity): boolean {
  if (!snapshot) return false;
  if (id.meshOwner !== undefined && id.meshOwner !== snapshot.meshOwner) return false;
  return id.kind === 'virtualNode' ? snapshot.virtualNodes.has(id.name) : snapshot.virtualGateways.has(id.name);
}

export function describeIdentity(id: ProxyIdentity): string {
  const kind = id.kind === 'virtualNode' ? 'virtual node' : 'virtual gateway';
  return `${kind} ${id.name} in mesh ${id.meshName}${id.meshOwner ? `@${id.meshOwner}` : ''}`;
}

/** The last configuration computed for an identity key, what it was made from and what it read. */
interface Computed {
  snapshot: MeshSnapshot;
  deps: ReadonlySet<string>;
  result: ConfigResult & { kind: 'ok' };
}

export class ProxyConfigCache {
  private readonly memo = new WeakMap<MeshSnapshot, Map<string, ConfigResult>>();
  private readonly lastGood = new Map<string, EncodedConfig>();
  private readonly computed = new Map<string, Computed>();
  /** The newest snapshot translated per mesh, whose fragments the next snapshot's translations may carry over. */
  private readonly lastSnapshot = new Map<string, MeshSnapshot>();
  /** Translations run and translations avoided because nothing they read had changed (for metrics and tests). */
  readonly stats = { translated: 0, reused: 0 };

  constructor(private readonly deps: ProxyConfigCacheDeps) {}

  configFor(
    entry: MeshSnapshotEntry | undefined,
    id: ProxyIdentity,
    apiListeners: readonly string[] = [],
  ): ConfigResult {
    if (!entry || !proxyExists(entry.snapshot, id))
      return { kind: 'missing', message: `${describeIdentity(id)} not found` };
    const key =
      apiListeners.length === 0 ? identityKey(id) : `${identityKey(id)}|${[...apiListeners].sort().join(',')}`;
    let byIdentity = this.memo.get(entry.snapshot);
    if (!byIdentity) this.memo.set(entry.snapshot, (byIdentity = new Map()));
    const cached = byIdentity.get(key);
    if (cached) return cached;
    const result = this.reuse(key, entry.snapshot) ?? this.compute(entry.snapshot, id, apiListeners, key);
    byIdentity.set(key, result);
    return result;
  }

  /** The previous configuration of this key, when nothing it was made from differs in `snapshot`. */
  private reuse(key: string, snapshot: MeshSnapshot): ConfigResult | undefined {
    const before = this.computed.get(key);
    if (!before || !stillValid(before.deps, before.snapshot, snapshot)) return undefined;
    this.stats.reused++;
    this.computed.set(key, { ...before, snapshot });
    return before.result;
  }

  /** The translation alone, checked but not encoded (config dumps). */
  translate(snapshot: MeshSnapshot, id: ProxyIdentity, apiListeners: readonly string[] = []): ProxyConfig {
    return this.deps.translate(snapshot, id, apiListeners);
  }

  /** Forgets the fallbacks of an identity no stream uses any more. */
  forget(identity: string): void {
    for (const k of this.lastGood.keys()) if (k === identity || k.startsWith(`${identity}|`)) this.lastGood.delete(k);
    for (const k of this.computed.keys()) if (k === identity || k.startsWith(`${identity}|`)) this.computed.delete(k);
  }

  private compute(
    snapshot: MeshSnapshot,
    id: ProxyIdentity,
    apiListeners: readonly string[],
    key: string,
  ): ConfigResult {
    this.stats.translated++;
    try {
      this.deps.onTranslate?.();
      const before = this.lastSnapshot.get(snapshot.meshName);
      const view = trackedView(snapshot, before !== snapshot ? before : undefined);
      this.lastSnapshot.set(snapshot.meshName, snapshot);
      const tracker = view[SNAPSHOT_TRACKER];
      let config: ProxyConfig;
      let deps: ReadonlySet<string> | undefined;
      if (tracker) ({ value: config, deps } = tracker.capture(() => this.deps.translate(view, id, apiListeners)));
      else config = this.deps.translate(snapshot, id, apiListeners);
      if (config.warnings?.length) this.deps.onWarnings?.(key, config.warnings);
      const errors = consistencyErrors(config);
      if (errors.length > 0) throw new Error(`inconsistent configuration: ${errors.join('; ')}`);
      const encoded = encodeConfig(config, this.deps.encode);
      // Identical content keeps the same object, so streams see "nothing changed" cheaply.
      const previous = this.lastGood.get(key);
      const published = previous && previous.version === encoded.version ? previous : encoded;
      this.lastGood.set(key, published);
      const result = { kind: 'ok' as const, config: published };
      if (deps) this.computed.set(key, { snapshot, deps, result });
      else this.computed.delete(key);
      return result;
    } catch (err) {
      this.computed.delete(key);
      const message = err instanceof Error ? err.message : String(err);
      this.deps.onProblem?.(key, message);
      const fallback = this.lastGood.get(key);
      return { kind: 'error', message, ...(fallback ? { fallback } : {}) };
    }
  }
}

// Incremental (delta) xDS on one stream, per reference/xds.md §1.8: per-resource versions are
// content hashes; the proxy's `initial_resource_versions` seed what it holds, so a resuming
// proxy is sent only what changed; subscribed names that do not exist are reported in
// `removed_resources` at once. Subscription changes are honoured whatever their nonce.
import { configType, ORDERED_TYPES, type EncodedConfig, type EncodedResource } from '../cache/encoded-config.js';
import { referencedLoadAssignment } from '../cache/consistency.js';
import { deltaResponse } from '../cache/wire.js';
import { CONTROL_PLANE_ID } from '../cache/encoded-config.js';
import { TypeUrl } from '../translate/types.js';
import { deltaRequest } from './requests.js';
import { Session, isWildcardType } from './session.js';

interface TypeState {
  requested: boolean;
  subscribed: Set<string>;
  wildcard: boolean;
  /** name → version the proxy holds */
  known: Map<string, string>;
  /** Subscribed names already reported as not existing. */
  reportedMissing: Set<string>;
}

export class DeltaSession extends Session {
  readonly variant = 'delta' as const;
  private readonly states = new Map<string, TypeState>();
  private cleanupPending = false;

  onRequest(request: unknown): void {
    const req = deltaRequest(request);
    const typeUrl = this.init.fixedType ?? req.type_url ?? '';
    if (!this.servesType(typeUrl)) return;
    const st = this.state(typeUrl);
    const subscribe = req.resource_names_subscribe ?? [];
    const unsubscribe = req.resource_names_unsubscribe ?? [];
    const first = !st.requested;
    st.requested = true;
    if (first) {
      st.known = new Map(Object.entries(req.initial_resource_versions ?? {}));
      if (subscribe.length === 0 && unsubscribe.length === 0 && isWildcardType(typeUrl)) st.wildcard = true;
    }
    for (const n of subscribe) {
      if (n === '*') {
        st.wildcard = isWildcardType(typeUrl);
        continue;
      }
      st.subscribed.add(n);
      // Explicitly (re)subscribed names are always answered, except what a resuming proxy declared it holds.
      if (!first) {
        st.known.delete(n);
        st.reportedMissing.delete(n);
      }
    }
    for (const n of unsubscribe) {
      if (n === '*') {
        st.wildcard = false;
        continue;
      }
      st.subscribed.delete(n);
      st.known.delete(n);
      st.reportedMissing.delete(n);
    }
    this.recordSubscription(typeUrl, st.subscribed, st.wildcard);
    if (req.response_nonce) this.answered(typeUrl, req.response_nonce, req.error_detail);
    if (typeUrl === TypeUrl.listener) this.listenersSubscribed(st.subscribed, st.wildcard);
    this.push(typeUrl, typeUrl === TypeUrl.cluster && this.cleanupPending);
    this.maybeCleanup();
  }

  applyConfig(config: EncodedConfig, changedAt: number | undefined): void {
    if (config === this.config) return;
    const previous = this.config;
    this.remember(config);
    this.config = config;
    this.changedAt = changedAt;
    const routesChange = [TypeUrl.listener, TypeUrl.route].some((t) => this.diff(t, false)?.hasChanges);
    const clusters = this.diff(TypeUrl.cluster, routesChange);
    if (clusters?.deferred) this.cleanupPending = true;
    if (previous && clusters) this.refreshLoadAssignmentsOf(clusters.resources.map((r) => r.name));
    for (const typeUrl of ORDERED_TYPES) this.push(typeUrl, typeUrl === TypeUrl.cluster && this.cleanupPending);
    this.maybeCleanup();
  }

  /** Envoy finishes warming a changed EDS cluster only with a fresh load assignment. */
  private refreshLoadAssignmentsOf(clusterNames: string[]): void {
    const eds = this.states.get(TypeUrl.endpoint);
    if (!eds || clusterNames.length === 0) return;
    const wanted = new Set(clusterNames);
    for (const c of this.config!.source.clusters) {
      if (!wanted.has(c.name)) continue;
      const cla = referencedLoadAssignment(c.resource);
      if (cla !== undefined) eds.known.delete(cla);
    }
  }

  private maybeCleanup(): void {
    if (!this.cleanupPending || this.outstanding(TypeUrl.listener) || this.outstanding(TypeUrl.route)) return;
    this.cleanupPending = false;
    this.push(TypeUrl.cluster, false);
  }

  private state(typeUrl: string): TypeState {
    let st = this.states.get(typeUrl);
    if (!st) {
      st = { requested: false, subscribed: new Set(), wildcard: false, known: new Map(), reportedMissing: new Set() };
      this.states.set(typeUrl, st);
    }
    return st;
  }

  private diff(typeUrl: string, deferRemovals: boolean) {
    const st = this.states.get(typeUrl);
    const type = this.config ? configType(this.config, typeUrl) : undefined;
    if (!st?.requested || !type) return undefined;
    const resources: EncodedResource[] = [];
    const consider = (r: EncodedResource | undefined) => {
      if (r && st.known.get(r.name) !== r.version) resources.push(r);
    };
    if (st.wildcard) for (const r of type.byName.values()) consider(r);
    for (const n of st.subscribed) if (!st.wildcard || !type.byName.has(n)) consider(type.byName.get(n));
    const removed: string[] = [];
    const missing: string[] = [];
    for (const n of st.known.keys()) if (!type.byName.has(n) && (st.wildcard || st.subscribed.has(n))) removed.push(n);
    for (const n of st.subscribed)
      if (!type.byName.has(n) && !st.known.has(n) && !st.reportedMissing.has(n)) missing.push(n);
    const deferred = deferRemovals && removed.length > 0;
    const hasChanges = resources.length > 0 || removed.length > 0 || missing.length > 0;
    return { type, st, resources, removed: deferred ? [] : removed, missing, deferred, hasChanges };
  }

  private push(typeUrl: string, deferRemovals: boolean): boolean {
    const d = this.diff(typeUrl, deferRemovals);
    if (!d || (d.resources.length === 0 && d.removed.length === 0 && d.missing.length === 0)) return false;
    const { type, st, resources, removed, missing } = d;
    const entries = resources.map((r) => type.deltaEntry(r));
    const systemVersionInfo = this.config!.version;
    this.send(
      typeUrl,
      (nonce) =>
        deltaResponse({
          systemVersionInfo,
          typeUrl,
          entries,
          removed: [...removed, ...missing],
          nonce,
          controlPlaneId: CONTROL_PLANE_ID,
        }),
      type.version,
    );
    for (const r of resources) st.known.set(r.name, r.version);
    for (const n of removed) st.known.delete(n);
    for (const n of missing) st.reportedMissing.add(n);
    return true;
  }
}

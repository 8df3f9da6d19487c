// Dependency tracking for incremental pushes (the idea of Istio's push scoping, at the granularity of App Mesh
// resources): a translation runs against a view of the snapshot whose maps record each key read, so the cache knows
// which resources a proxy's configuration was made from, and after a change recomputes only the proxies that read
// something the change touched. The view answers exactly what the snapshot answers; only the reads are observed.
import {
  dependencyKey,
  type DependencyTracker,
  type MeshSnapshot,
  SNAPSHOT_TRACKER,
  snapshotFingerprints,
} from '../../mesh/snapshot.js';
import { memoized } from '../translate/model.js';

class Tracker implements DependencyTracker {
  private readonly open: Set<string>[] = [];
  /** The view of the mesh's previous snapshot, whose memoized fragments may carry over (one step back only). */
  previous: { view: MeshSnapshot; snapshot: MeshSnapshot } | undefined;

  constructor(private readonly snapshot: MeshSnapshot) {}

  carried(key: string): { value: unknown; deps: ReadonlySet<string> } | undefined {
    if (!this.previous) return undefined;
    const entry = memoized(this.previous.view, key);
    return entry && stillValid(entry.deps, this.previous.snapshot, this.snapshot) ? entry : undefined;
  }

  capture<T>(compute: () => T): { value: T; deps: ReadonlySet<string> } {
    const deps = new Set<string>();
    this.open.push(deps);
    try {
      const value = compute();
      return { value, deps };
    } finally {
      this.open.pop();
      // Whatever this computation read, the computations around it read too.
      const outer = this.open[this.open.length - 1];
      if (outer) for (const d of deps) outer.add(d);
    }
  }

  replay(deps: Iterable<string>): void {
    const current = this.open[this.open.length - 1];
    if (current) for (const d of deps) current.add(d);
  }

  read(dep: string): void {
    this.open[this.open.length - 1]?.add(dep);
  }
}

/** A map that reports `key(k)` for every lookup and `key('*')` for any scan. */
class TrackedMap<K, V> implements ReadonlyMap<K, V> {
  constructor(
    private readonly inner: ReadonlyMap<K, V>,
    private readonly key: (k: K | '*') => string,
    private readonly tracker: Tracker,
  ) {}

  get(k: K): V | undefined {
    this.tracker.read(this.key(k));
    return this.inner.get(k);
  }
  has(k: K): boolean {
    this.tracker.read(this.key(k));
    return this.inner.has(k);
  }
  get size(): number {
    this.tracker.read(this.key('*'));
    return this.inner.size;
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.tracker.read(this.key('*'));
    for (const [k, v] of this.inner) fn.call(thisArg, v, k, this);
  }
  entries(): MapIterator<[K, V]> {
    this.tracker.read(this.key('*'));
    return this.inner.entries();
  }
  keys(): MapIterator<K> {
    this.tracker.read(this.key('*'));
    return this.inner.keys();
  }
  values(): MapIterator<V> {
    this.tracker.read(this.key('*'));
    return this.inner.values();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}

const views = new WeakMap<MeshSnapshot, MeshSnapshot>();

/**
 * The tracking view of a snapshot: one per snapshot, so translation's per-snapshot memo is shared by every proxy.
 * With `previous` (the view of the same mesh's snapshot before this one), memoized fragments whose reads did not
 * change carry over as the same objects. Snapshots without the builder's fingerprints (hand-made ones) are returned
 * as they are: without fingerprints nothing could be reused safely, so there is nothing to track for.
 */
export function trackedView(snapshot: MeshSnapshot, previous?: MeshSnapshot): MeshSnapshot {
  if (snapshot[SNAPSHOT_TRACKER] || !snapshotFingerprints(snapshot)) return snapshot;
  let view = views.get(snapshot);
  if (!view) {
    const t = new Tracker(snapshot);
    const before = previous ? views.get(previous) : undefined;
    const beforeTracker = before?.[SNAPSHOT_TRACKER] as Tracker | undefined;
    if (before && previous) {
      t.previous = { view: before, snapshot: previous };
      // One step back only: the chain of snapshots behind would otherwise stay alive.
      if (beforeTracker) beforeTracker.previous = undefined;
    }
    const k = dependencyKey;
    const star = (prefix: string) => `${prefix}*`;
    view = Object.freeze({
      ...snapshot,
      virtualNodes: new TrackedMap(snapshot.virtualNodes, (n) => (n === '*' ? star('vn:') : k.virtualNode(n)), t),
      virtualServices: new TrackedMap(
        snapshot.virtualServices,
        (n) => (n === '*' ? star('vs:') : k.virtualService(n)),
        t,
      ),
      virtualRouters: new TrackedMap(snapshot.virtualRouters, (n) => (n === '*' ? star('vr:') : k.virtualRouter(n)), t),
      routes: new TrackedMap(snapshot.routes, (n) => (n === '*' ? star('routes:') : k.routesOf(n)), t),
      virtualGateways: new TrackedMap(
        snapshot.virtualGateways,
        (n) => (n === '*' ? star('vg:') : k.virtualGateway(n)),
        t,
      ),
      gatewayRoutes: new TrackedMap(snapshot.gatewayRoutes, (n) => (n === '*' ? star('gr:') : k.gatewayRoutesOf(n)), t),
      cloudMapInstances: new TrackedMap(
        snapshot.cloudMapInstances,
        (n) => (n === '*' ? star('cm:') : k.cloudMapInstances(n)),
        t,
      ),
      [SNAPSHOT_TRACKER]: t,
    });
    views.set(snapshot, view);
  }
  return view;
}

const changeSets = new WeakMap<MeshSnapshot, WeakMap<MeshSnapshot, ReadonlySet<string> | undefined>>();

/**
 * The dependency keys whose content differs between two snapshots of a mesh (a changed key also changes its
 * group's scan key, `vn:*` …); undefined when either snapshot has no fingerprints (nothing can be reused).
 */
export function changedBetween(before: MeshSnapshot, after: MeshSnapshot): ReadonlySet<string> | undefined {
  let byBefore = changeSets.get(after);
  if (!byBefore) changeSets.set(after, (byBefore = new WeakMap()));
  if (byBefore.has(before)) return byBefore.get(before);
  const a = snapshotFingerprints(before);
  const b = snapshotFingerprints(after);
  let changed: Set<string> | undefined;
  if (a && b) {
    changed = new Set();
    const mark = (key: string) => {
      changed!.add(key);
      const colon = key.indexOf(':');
      if (colon >= 0) changed!.add(`${key.slice(0, colon + 1)}*`);
    };
    for (const [key, value] of a) if (b.get(key) !== value) mark(key);
    for (const key of b.keys()) if (!a.has(key)) mark(key);
  }
  byBefore.set(before, changed);
  return changed;
}

/** Whether a configuration made from `before` with these dependencies holds for `after` unchanged. */
export function stillValid(deps: ReadonlySet<string>, before: MeshSnapshot, after: MeshSnapshot): boolean {
  const changed = changedBetween(before, after);
  if (!changed || changed.has(dependencyKey.mesh)) return false;
  for (const d of deps) if (changed.has(d)) return false;
  return true;
}

// Keeps the newest snapshot of every mesh someone asked for, rebuilt from the store's change
// feed: changes are collected for a short quiet window, then only the touched meshes are
// re-read. Listeners hear about a mesh only when its content hash changed.
import { Kind } from '../appmesh/kinds.js';
import { StoreUnavailableError, type Change, type Store } from '../store/types.js';
import { buildMeshSnapshot, type BuildContext, type BuiltSnapshot } from './build.js';
import { meshSnapshotBuilds } from './metrics.js';
import { cloudMapKey } from './snapshot.js';

export interface MeshSnapshotEntry extends BuiltSnapshot {
  /** When the earliest change folded into this snapshot was seen (epoch ms); for change-to-ACK latency. */
  changedAt: number;
}

/** `entry` undefined: the mesh no longer exists. */
export type MeshListener = (meshName: string, entry: MeshSnapshotEntry | undefined) => void;

export interface FeedOptions extends BuildContext {
  /** Quiet window before a rebuild. */
  debounceMs?: number;
  /** Longest a burst of changes may delay a rebuild. */
  maxDelayMs?: number;
  onError?: (err: unknown, meshName: string) => void;
}

const MESH_KINDS = new Set<string>(Object.values(Kind));
/** Meshes that do not exist, remembered so a later CreateMesh reaches their streams; past this the oldest are forgotten. */
const MAX_ABSENT_MESHES = 1024;

type BuildCause = 'change' | 'first_use' | 'unknown_proxy';
/** Delay before rebuilding a mesh whose rebuild failed because the store was unreachable. */
const RETRY_MS = 500;

/** The mesh a change of an App Mesh kind belongs to. */
export function meshOfChange(change: Change): string | undefined {
  if (!MESH_KINDS.has(change.kind)) return undefined;
  if (change.kind === Kind.mesh) return change.name;
  const slash = change.scope.indexOf('/');
  return slash < 0 ? change.scope : change.scope.slice(0, slash);
}

export class MeshSnapshotFeed {
  private readonly entries = new Map<string, MeshSnapshotEntry | undefined>();
  private readonly building = new Map<string, Promise<MeshSnapshotEntry | undefined>>();
  private readonly listeners = new Set<MeshListener>();
  /** mesh → when its first not-yet-rebuilt change was seen */
  private readonly dirty = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private burstStartedAt = 0;
  private unsubscribe: (() => void) | undefined;
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  /** mesh → the entry a confirming read returned; valid while it is still the current entry and no change is pending. */
  private readonly confirmed = new Map<string, MeshSnapshotEntry | undefined>();
  private readonly confirming = new Map<string, Promise<MeshSnapshotEntry | undefined>>();
  /** Names read as not existing, oldest first. */
  private readonly absent = new Set<string>();

  constructor(private readonly opts: FeedOptions) {
    this.debounceMs = opts.debounceMs ?? 20;
    this.maxDelayMs = opts.maxDelayMs ?? 250;
  }

  get store(): Store {
    return this.opts.store;
  }

  start(): void {
    this.unsubscribe ??= this.opts.store.subscribe((changes) => this.onChanges(changes));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  listen(listener: MeshListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest snapshot of a mesh, built on first use. */
  async current(meshName: string): Promise<MeshSnapshotEntry | undefined> {
    if (this.entries.has(meshName) && !this.building.has(meshName)) return this.entries.get(meshName);
    return this.building.get(meshName) ?? this.rebuild(meshName, Date.now(), 'first_use');
  }

  /**
   * The mesh as it is in the store now, for a proxy its current snapshot does not know
   * (it may have been created a moment ago, before the debounced rebuild). One read answers
   * every such proxy until the mesh changes: a stream naming a node that does not exist
   * costs no rebuild, however many arrive.
   */
  confirm(meshName: string): Promise<MeshSnapshotEntry | undefined> {
    const current = this.entries.get(meshName);
    if (
      this.confirmed.has(meshName) &&
      this.confirmed.get(meshName) === current &&
      this.entries.has(meshName) &&
      !this.dirty.has(meshName) &&
      !this.building.has(meshName)
    )
      return Promise.resolve(current);
    const pending = this.confirming.get(meshName);
    if (pending) return pending;
    const read = this.rebuild(meshName, Date.now(), 'unknown_proxy')
      .then((entry) => {
        this.confirmed.set(meshName, entry);
        return entry;
      })
      .finally(() => this.confirming.delete(meshName));
    this.confirming.set(meshName, read);
    return read;
  }

  private onChanges(changes: Change[]): void {
    const now = Date.now();
    for (const c of changes) {
      const mesh = meshOfChange(c);
      if (mesh !== undefined) {
        this.markDirty(mesh, now);
        continue;
      }
      const affected = this.opts.cloudMap.affects(c);
      if (!affected) continue;
      const key = affected === 'any' ? undefined : cloudMapKey(affected.namespaceName, affected.serviceName);
      for (const [name, entry] of this.entries) {
        if (!entry || entry.cloudMapServices.length === 0) continue;
        if (
          key === undefined ||
          entry.cloudMapServices.some((s) => cloudMapKey(s.namespaceName, s.serviceName) === key)
        )
          this.markDirty(name, now);
      }
    }
  }

  private markDirty(mesh: string, now: number): void {
    // Meshes nobody asked for are built on first use instead.
    if (!this.entries.has(mesh) && !this.building.has(mesh)) return;
    if (!this.dirty.has(mesh)) this.dirty.set(mesh, now);
    if (this.timer === undefined) this.burstStartedAt = now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.burstStartedAt + this.maxDelayMs - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private retryLater(meshName: string, changedAt: number): void {
    if (!this.unsubscribe) return;
    setTimeout(() => {
      if (this.unsubscribe) this.markDirty(meshName, changedAt);
    }, RETRY_MS).unref();
  }

  private flush(): void {
    this.timer = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const [mesh, changedAt] of batch) void this.rebuild(mesh, changedAt, 'change');
  }

  private noteAbsent(meshName: string, exists: boolean): void {
    this.absent.delete(meshName);
    if (exists) return;
    this.absent.add(meshName);
    if (this.absent.size <= MAX_ABSENT_MESHES) return;
    const oldest = this.absent.values().next().value!;
    this.absent.delete(oldest);
    if (!this.building.has(oldest) && this.entries.get(oldest) === undefined) {
      this.entries.delete(oldest);
      this.confirmed.delete(oldest);
      this.dirty.delete(oldest);
    }
  }

  private rebuild(meshName: string, changedAt: number, cause: BuildCause): Promise<MeshSnapshotEntry | undefined> {
    const previous = this.building.get(meshName) ?? Promise.resolve(undefined);
    const next = previous.then(async () => {
      try {
        meshSnapshotBuilds.inc({ cause });
        const built = await buildMeshSnapshot(this.opts, meshName);
        const before = this.entries.get(meshName);
        const had = this.entries.has(meshName);
        if (built && before && before.hash === built.hash) return before;
        const entry = built ? { ...built, changedAt } : undefined;
        this.entries.set(meshName, entry);
        this.noteAbsent(meshName, entry !== undefined);
        if (had || entry) for (const l of this.listeners) l(meshName, entry);
        return entry;
      } catch (err) {
        this.opts.onError?.(err, meshName);
        // Keep serving what we had. A store that could not be reached would otherwise leave
        // this mesh stale until its next change, so try again shortly; other errors wait
        // for the next change.
        if (err instanceof StoreUnavailableError) this.retryLater(meshName, changedAt);
        return this.entries.get(meshName);
      } finally {
        if (this.building.get(meshName) === next) this.building.delete(meshName);
      }
    });
    this.building.set(meshName, next);
    return next;
  }
}

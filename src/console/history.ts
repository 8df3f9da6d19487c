// Versions of App Mesh resources seen by this process. The store keeps only the newest
// version of a row, so the console records each version it sees on the change feed (and the
// first version it reads), up to KEEP per resource and MAX_BYTES of specs in all (the
// resources seen longest ago are forgotten first).
import { Kind } from '../appmesh/kinds.js';
import type { Change, Store } from '../store/types.js';

export interface VersionRecord {
  version: number;
  updatedAt: number;
  spec: unknown;
  op: 'put' | 'delete';
}

const sizeOf = (r: VersionRecord) => 64 + (r.spec === null || r.spec === undefined ? 0 : JSON.stringify(r.spec).length);

const KEEP = 20;
const MAX_BYTES = 32 * 1024 * 1024;
const MESH_KINDS = new Set<string>(Object.values(Kind));

export const historyKey = (kind: string, scope: string, name: string) => `${kind}\0${scope}\0${name}`;

export class VersionHistory {
  private readonly byKey = new Map<string, VersionRecord[]>();
  private bytes = 0;
  private unsubscribe: (() => void) | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((changes) => {
      const relevant = changes.filter((c) => MESH_KINDS.has(c.kind));
      if (relevant.length) this.pending = this.pending.then(() => this.record(relevant)).catch(() => undefined);
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Versions seen, newest first. */
  versions(kind: string, scope: string, name: string): VersionRecord[] {
    return [...(this.byKey.get(historyKey(kind, scope, name)) ?? [])].reverse();
  }

  /** Notes a version read directly (the first time a resource is shown). */
  note(kind: string, scope: string, name: string, rec: VersionRecord): void {
    const key = historyKey(kind, scope, name);
    const list = this.byKey.get(key) ?? [];
    if (list.some((r) => r.version === rec.version && r.op === rec.op && r.updatedAt === rec.updatedAt)) return;
    list.push(rec);
    this.bytes += sizeOf(rec);
    list.sort((a, b) => a.updatedAt - b.updatedAt || a.version - b.version);
    while (list.length > KEEP) this.bytes -= sizeOf(list.shift()!);
    // Most recently changed last, so eviction takes the resource left alone longest.
    this.byKey.delete(key);
    this.byKey.set(key, list);
    for (const [k, l] of this.byKey) {
      if (this.bytes <= MAX_BYTES || k === key) break;
      for (const r of l) this.bytes -= sizeOf(r);
      this.byKey.delete(k);
    }
  }

  private async record(changes: Change[]): Promise<void> {
    for (const c of changes) {
      if (c.op === 'delete') {
        const last = this.byKey.get(historyKey(c.kind, c.scope, c.name))?.at(-1);
        if (last)
          this.note(c.kind, c.scope, c.name, {
            version: last.version,
            updatedAt: Date.now(),
            spec: null,
            op: 'delete',
          });
        continue;
      }
      const row = await this.store.get(c.kind, c.scope, c.name);
      if (row)
        this.note(c.kind, c.scope, c.name, {
          version: row.version,
          updatedAt: row.updatedAt,
          spec: row.spec,
          op: 'put',
        });
    }
  }
}

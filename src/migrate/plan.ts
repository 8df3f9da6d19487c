// The plan: for every resource the source declares, create / update / unchanged against
// what the server has; with prune, delete for what the server has in those meshes and
// the source no longer declares. Specs are compared as the server stores them: empty
// lists and objects are the same as absent ones, and a mesh without an egress filter
// has DROP_ALL.
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { isRecord } from '../runtime/guards.js';
import type { Tag } from '../store/types.js';
import type { Actual } from './client.js';
import { APPLY_ORDER, type Desired, keyOf } from './resources.js';

export type ActionType = 'create' | 'update' | 'unchanged' | 'delete';

export interface Action {
  action: ActionType;
  kind: MeshKind;
  meshName: string;
  parentName?: string;
  name: string;
  /** What differs, for updates: 'spec', 'tags'. */
  changes?: string[];
  origin?: string;
  desired?: Desired;
  actual?: Actual;
}

/** The spec in a canonical form: keys sorted, empty values dropped, server defaults applied. */
export function canonicalSpec(kind: MeshKind, spec: unknown): unknown {
  const c = canonical(spec) ?? {};
  if (kind === Kind.mesh) {
    if (isRecord(c) && c.egressFilter === undefined) return canonical({ ...c, egressFilter: { type: 'DROP_ALL' } });
  }
  return c;
}

function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const items = v.map(canonical).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical(v[k]);
      if (c !== undefined) out[k] = c;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}

const sameSpec = (kind: MeshKind, a: unknown, b: unknown) =>
  JSON.stringify(canonicalSpec(kind, a)) === JSON.stringify(canonicalSpec(kind, b));

export function sameTags(a: Tag[], b: Tag[]): boolean {
  const norm = (t: Tag[]) =>
    JSON.stringify(
      [...t].map((x) => [x.key, x.value ?? '']).sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0)),
    );
  return norm(a) === norm(b);
}

const rank = (kind: MeshKind) => APPLY_ORDER.indexOf(kind);

export function makePlan(desired: Desired[], actual: Actual[], prune: boolean): Action[] {
  const have = new Map(actual.map((a) => [keyOf(a), a]));
  const want = new Set(desired.map(keyOf));
  const actions: Action[] = [];
  for (const d of [...desired].sort((x, y) => rank(x.kind) - rank(y.kind))) {
    const base = {
      kind: d.kind,
      meshName: d.meshName,
      name: d.name,
      origin: d.origin,
      desired: d,
      ...(d.parentName !== undefined ? { parentName: d.parentName } : {}),
    };
    const a = have.get(keyOf(d));
    if (!a) {
      actions.push({ ...base, action: 'create' });
      continue;
    }
    const changes: string[] = [];
    if (!sameSpec(d.kind, d.spec, a.spec)) changes.push('spec');
    if (d.tags !== undefined && !sameTags(d.tags, a.tags)) changes.push('tags');
    actions.push(
      changes.length ? { ...base, action: 'update', changes, actual: a } : { ...base, action: 'unchanged', actual: a },
    );
  }
  if (prune) {
    const gone = actual
      .filter((a) => a.kind !== Kind.mesh && !want.has(keyOf(a)))
      .sort((x, y) => rank(y.kind) - rank(x.kind));
    for (const a of gone) {
      actions.push({
        action: 'delete',
        kind: a.kind,
        meshName: a.meshName,
        name: a.name,
        actual: a,
        ...(a.parentName !== undefined ? { parentName: a.parentName } : {}),
      });
    }
  }
  return actions;
}

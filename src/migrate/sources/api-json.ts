// Sources already in the API's shapes: saved `aws appmesh describe-*` output (one object,
// a list of them, or several concatenated) and appmeshd's own export format.
import { Kind, type MeshKind } from '../../appmesh/kinds.js';
import { types } from '../../appmesh/resources.js';
import { isRecord } from '../../runtime/guards.js';
import { type Desired, type SourceResult, SPEC_SHAPE, userTags } from '../resources.js';
import { SourceError, toApiStructure } from '../shapes.js';

export const EXPORT_FORMAT = 'appmeshd-export';
export const EXPORT_VERSION = 1;

type Obj = Record<string, unknown>;

/** describe-* output wraps the resource in one key named after its type: {"virtualNode": {…}}. */
const WRAPPER: ReadonlyMap<string, MeshKind> = new Map(Object.values(types).map((t) => [t.kind, t.kind]));
const LIST_KEYS = new Set(Object.values(types).map((t) => t.listField));

export function isExport(doc: unknown): boolean {
  return isRecord(doc) && doc.format === EXPORT_FORMAT;
}

export function isCliJson(doc: unknown): boolean {
  const items = Array.isArray(doc) ? doc : [doc];
  return (
    items.length > 0 &&
    items.every((d) => isRecord(d) && Object.keys(d).some((k) => WRAPPER.has(k) || LIST_KEYS.has(k)))
  );
}

const name = (v: unknown, what: string, origin: string): string => {
  if (typeof v !== 'string' || v === '') throw new SourceError(`${origin}: ${what} is required`);
  return v;
};

function tagsOf(v: unknown, origin: string): Desired['tags'] {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new SourceError(`${origin}: tags must be a list of {key, value}`);
  return userTags(
    v.map((t, i) => {
      if (!isRecord(t) || typeof t.key !== 'string')
        throw new SourceError(`${origin}: tags[${i}] must be {key, value}`);
      return { key: t.key, value: typeof t.value === 'string' ? t.value : '' };
    }),
  );
}

/** One resource in API casing: names (meshName, own, parent), spec, and optionally tags. */
function resourceOf(kind: MeshKind, data: Obj, origin: string, withTags: boolean): Desired {
  const t = types[kind];
  const meshName = name(data.meshName, 'meshName', origin);
  const d: Desired = {
    kind,
    meshName,
    name: kind === Kind.mesh ? meshName : name(data[t.nameField], t.nameField, origin),
    spec: toApiStructure(data.spec ?? {}, SPEC_SHAPE[kind], 'api', `${origin}: spec`),
    origin,
  };
  if (t.parent) d.parentName = name(data[t.parent.nameField], t.parent.nameField, origin);
  if (withTags) d.tags = tagsOf(data.tags ?? [], origin) ?? [];
  const meta = isRecord(data.metadata) ? data.metadata : {};
  // A mesh shared from another account: keep its owner, so calls carry ?meshOwner=.
  const owner =
    typeof data.meshOwner === 'string'
      ? data.meshOwner
      : typeof meta.meshOwner === 'string'
        ? meta.meshOwner
        : undefined;
  if (owner && typeof meta.resourceOwner === 'string' && owner !== meta.resourceOwner) d.meshOwner = owner;
  return d;
}

export function readCliJson(docs: unknown[], file: string): SourceResult {
  const out: SourceResult = { resources: [], skipped: [] };
  const items = docs.flatMap((d) => (Array.isArray(d) ? d : [d]));
  for (const [i, item] of items.entries()) {
    const origin = items.length > 1 ? `${file}[${i}]` : file;
    if (!isRecord(item)) throw new SourceError(`${origin}: expected describe-* output`);
    for (const [key, value] of Object.entries(item)) {
      const kind = WRAPPER.get(key);
      if (kind && isRecord(value)) {
        out.resources.push(resourceOf(kind, value, `${origin} (${key})`, false));
      } else if (LIST_KEYS.has(key)) {
        out.skipped.push({
          origin,
          type: `list output (${key})`,
          reason: 'list-* output names resources but carries no spec; save describe-* output for each',
        });
      } else if (key !== 'nextToken') {
        out.skipped.push({ origin, type: key, reason: 'not an App Mesh describe-* result' });
      }
    }
  }
  return out;
}

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  resources: ExportedResource[];
}

/** One resource in the export: its type (API title), the API's name members, spec and tags. */
export type ExportedResource = { type: string; spec: unknown; tags: { key: string; value: string }[] } & Record<
  string,
  unknown
>;

export function readExport(doc: Obj, file: string): SourceResult {
  if (doc.version !== EXPORT_VERSION)
    throw new SourceError(
      `${file}: export version ${String(doc.version)} is not supported (expected ${EXPORT_VERSION})`,
    );
  if (!Array.isArray(doc.resources)) throw new SourceError(`${file}: resources must be a list`);
  const byTitle = new Map(Object.values(types).map((t) => [t.title, t.kind]));
  const out: SourceResult = { resources: [], skipped: [] };
  for (const [i, r] of doc.resources.entries()) {
    const origin = `${file}#resources[${i}]`;
    if (!isRecord(r)) throw new SourceError(`${origin}: expected an object`);
    const kind = typeof r.type === 'string' ? byTitle.get(r.type) : undefined;
    if (!kind) throw new SourceError(`${origin}: type ${String(r.type)} is not an App Mesh resource type`);
    out.resources.push(resourceOf(kind, r, origin, true));
  }
  return out;
}

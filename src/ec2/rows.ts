// Reading and writing EC2 rows: find by id (through the unique ARN), create, update,
// and tags from TagSpecifications.
import type { NewResource, StoreReader, StoreTx, StoredResource, Tag } from '../store/types.js';
import { transactRetryingConflicts } from '../store/retry.js';
import type { Ec2Deps } from './deps.js';
import { invalidParameterValue } from './errors.js';
import { type Ec2KindName, ec2Arn } from './records.js';
import { newResource } from '../store/new-resource.js';

export async function findById<S>(
  reader: StoreReader,
  deps: Ec2Deps,
  kind: Ec2KindName,
  id: string,
): Promise<StoredResource<S> | undefined> {
  const row = await reader.getByArn<S>(ec2Arn(deps.region, deps.accountId, kind, id));
  return row && row.kind === kind ? row : undefined;
}

/**
 * The rows a Describe call names by id, each looked up by its key (every one must exist),
 * or, when it names none, every row of the kind.
 */
export async function describedRows<S>(
  deps: Ec2Deps,
  kind: Ec2KindName,
  ids: string[] | undefined,
  notFound: (id: string) => Error,
): Promise<StoredResource<S>[]> {
  if (!ids?.length) return deps.store.listKind<S>(kind);
  const rows: StoredResource<S>[] = [];
  for (const id of new Set(ids)) {
    const row = await findById<S>(deps.store, deps, kind, id);
    if (!row) throw notFound(id);
    rows.push(row);
  }
  return rows;
}

export function newRow<S>(
  deps: Pick<Ec2Deps, 'region' | 'accountId'>,
  kind: Ec2KindName,
  scope: string,
  id: string,
  spec: S,
  status: string,
  tags: Tag[] = [],
): NewResource<S> {
  return newResource({
    kind,
    scope,
    name: id,
    arn: ec2Arn(deps.region, deps.accountId, kind, id),
    status,
    spec,
    tags,
  });
}

export async function createRow<S>(tx: StoreTx, row: NewResource<S>): Promise<StoredResource<S>> {
  return tx.put(row, { absent: true });
}

export async function updateRow<S>(
  tx: StoreTx,
  row: StoredResource<S>,
  changes: { spec?: S; status?: string; tags?: Tag[] },
): Promise<StoredResource<S>> {
  const { revision: _revision, ...rest } = row;
  return tx.put({ ...rest, ...changes, version: row.version + 1, updatedAt: Date.now() }, { version: row.version });
}

export interface TagSpecificationInput {
  ResourceType?: string;
  Tags?: { Key?: string; Value?: string }[];
}

export const MAX_TAGS = 50;

export function checkTags(tags: { Key?: string; Value?: string }[]): Tag[] {
  const out: Tag[] = [];
  for (const t of tags) {
    if (t.Key === undefined) throw invalidParameterValue('Tag keys must be specified');
    if (t.Key.toLowerCase().startsWith('aws:'))
      throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    if (t.Key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
    if ((t.Value ?? '').length > 256)
      throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
    out.push({ key: t.Key, value: t.Value ?? '' });
  }
  return out;
}

/** The tags a create call asks for, from the TagSpecifications of its resource type. */
export function tagsFromSpecifications(specs: TagSpecificationInput[] | undefined, resourceType: string): Tag[] {
  const tags: Tag[] = [];
  for (const spec of specs ?? []) {
    if (!spec.ResourceType) throw invalidParameterValue('The tag specification resource type must be specified');
    if (spec.ResourceType !== resourceType) {
      throw invalidParameterValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
    tags.push(...checkTags(spec.Tags ?? []));
  }
  return mergeTagsChecked([], tags);
}

/** Applies tags to an existing list (same key replaces), within the per-resource limit. */
export function mergeTagsChecked(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.key, t]));
  for (const t of added) byKey.set(t.key, t);
  if (byKey.size > MAX_TAGS) throw invalidParameterValue(`The maximum number of tags per resource is ${MAX_TAGS}`);
  return [...byKey.values()];
}

/** Runs one EC2 call's writes in a store transaction, again on a conflict. */
export const transact = <T>(deps: Ec2Deps, fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
  transactRetryingConflicts(deps.store, fn);

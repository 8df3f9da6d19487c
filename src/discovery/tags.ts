// Tags on namespaces and services: TagResource, UntagResource, ListTagsForResource.
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import type { StoreReader, StoredResource, Tag } from '../store/types.js';
import { resourceNotFound, tooManyTags } from './errors.js';
import { parseSdArn } from './ids.js';
import { SdKind } from './kinds.js';
import { type DiscoveryDeps, transact } from './records.js';

export const TAGS_PER_RESOURCE = 50;

interface WireTag {
  Key: string;
  Value: string;
}

export const fromWireTags = (tags: readonly WireTag[] | undefined): Tag[] =>
  (tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
export const toWireTags = (tags: Tag[]): WireTag[] => tags.map((t) => ({ Key: t.key, Value: t.value }));

/** Later duplicates of a key win, as with TagResource. */
export function checkTags(tags: Tag[], resourceName: string): Tag[] {
  const merged = new Map(tags.map((t) => [t.key, t.value]));
  if (merged.size > TAGS_PER_RESOURCE) throw tooManyTags(resourceName, TAGS_PER_RESOURCE);
  return [...merged].map(([key, value]) => ({ key, value }));
}

async function taggable(deps: DiscoveryDeps, reader: StoreReader, arn: string): Promise<StoredResource> {
  const parsed = parseSdArn(arn);
  const row =
    parsed && parsed.region === deps.region && parsed.accountId === deps.accountId
      ? await reader.getByArn(arn)
      : undefined;
  if (!row || (row.kind !== SdKind.namespace && row.kind !== SdKind.service)) throw resourceNotFound(arn);
  return row;
}

export type TagOperations = Pick<ServicediscoveryOperations, 'TagResource' | 'UntagResource' | 'ListTagsForResource'>;

export function tagHandlers(deps: DiscoveryDeps): TagOperations {
  const { store } = deps;
  return {
    async TagResource(input) {
      const arn = input.ResourceARN;
      await transact(deps, async (tx) => {
        const row = await taggable(deps, tx, arn);
        const tags = checkTags([...row.tags, ...fromWireTags(input.Tags)], arn);
        await tx.put({ ...row, tags }, { version: row.version });
      });
      return {};
    },

    async UntagResource(input) {
      const arn = input.ResourceARN;
      const keys = new Set(input.TagKeys);
      await transact(deps, async (tx) => {
        const row = await taggable(deps, tx, arn);
        await tx.put({ ...row, tags: row.tags.filter((t) => !keys.has(t.key)) }, { version: row.version });
      });
      return {};
    },

    async ListTagsForResource(input) {
      const row = await taggable(deps, store, input.ResourceARN);
      return { Tags: toWireTags(row.tags) };
    },
  };
}

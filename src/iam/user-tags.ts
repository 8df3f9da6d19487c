// User tags (TagUser, UntagUser, ListUserTags) and group membership (ListGroupsForUser).
// appmeshd keeps no IAM groups, so every user is in none; the call still checks the user.
import { ApiError } from '../api/errors.js';
import type { PageTokens } from '../api/page-tokens.js';
import type { IamOperations } from '../protocols/generated/iam-operations.js';
import type { Store, Tag } from '../store/types.js';
import { pageFields, pageOfSorted } from './paging.js';
import { requireUser } from './users.js';

export interface WireTag {
  Key: string;
  Value: string;
}

/** IAM's per-resource tag quota. */
export const TAGS_PER_USER = 50;

const invalidInput = (message: string) => new ApiError('InvalidInput', message, 400);

/** `existing` with `added` applied (same key replaces), refused when a reserved key or the quota is hit. */
export function mergeUserTags(existing: Tag[], added: WireTag[] | undefined): Tag[] {
  const byKey = new Map(existing.map((t) => [t.key, t]));
  for (const t of added ?? []) {
    if (t.Key.toLowerCase().startsWith('aws:'))
      throw invalidInput(`Tag keys starting with 'aws:' are reserved for AWS use: ${t.Key}`);
    byKey.set(t.Key, { key: t.Key, value: t.Value });
  }
  if (byKey.size > TAGS_PER_USER)
    throw new ApiError('LimitExceeded', `The number of tags has reached the maximum limit of ${TAGS_PER_USER}.`, 409);
  return [...byKey.values()];
}

export type UserTagOperations = Pick<IamOperations, 'TagUser' | 'UntagUser' | 'ListUserTags' | 'ListGroupsForUser'>;

export function userTagHandlers(store: Store, pageTokens: PageTokens): UserTagOperations {
  async function retag(userName: string, change: (tags: Tag[]) => Tag[]): Promise<void> {
    await store.transact(async (tx) => {
      const row = await requireUser(tx, userName);
      const { revision: _revision, ...rest } = row;
      await tx.put(
        { ...rest, tags: change(row.tags), version: row.version + 1, updatedAt: Date.now() },
        { version: row.version },
      );
    });
  }

  return {
    async TagUser(input) {
      await retag(input.UserName, (tags) => mergeUserTags(tags, input.Tags));
      return {};
    },

    async UntagUser(input) {
      await retag(input.UserName, (tags) => tags.filter((t) => !input.TagKeys.includes(t.key)));
      return {};
    },

    async ListUserTags(input) {
      const row = await requireUser(store, input.UserName);
      const sorted = [...row.tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const result = pageOfSorted(sorted, input, (t) => t.key, {
        tokens: pageTokens,
        context: `ListUserTags ${row.name}`,
      });
      return { Tags: result.items.map((t) => ({ Key: t.key, Value: t.value })), ...pageFields(result) };
    },

    async ListGroupsForUser(input) {
      await requireUser(store, input.UserName);
      const listing = { tokens: pageTokens, context: `ListGroupsForUser ${input.UserName}` };
      return { Groups: [], ...pageFields(pageOfSorted([], input, String, listing)) };
    },
  };
}

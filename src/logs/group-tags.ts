// Tags on log groups: the resource-ARN actions and the older log-group-name ones.
import type {} from '../api/service.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import type * as L from '../protocols/generated/logs-types.js';
import { groupNotFound, invalidParameter, resourceNotFound, tooManyTags } from './errors.js';
import { groupArn, groupNameOfArn } from './names.js';
import { type LogsDeps, requireGroup } from './deps.js';

function mergeTags(
  current: Record<string, string>,
  add: Record<string, string>,
  max: number,
  resourceName: string,
): Record<string, string> {
  const next: Record<string, string> = Object.assign(Object.create(null), current);
  for (const [k, v] of Object.entries(add)) next[k] = v;
  if (Object.keys(next).length > max) throw tooManyTags(resourceName, max);
  return { ...next };
}

function withoutTags(current: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const drop = new Set(keys);
  return Object.fromEntries(Object.entries(current).filter(([k]) => !drop.has(k)));
}

/** The group of a tagging ARN (without `:*`); anything else is not a resource here. */
function arnGroup(deps: LogsDeps, arn: string): string {
  if (arn.endsWith(':*')) throw invalidParameter('The resourceArn must not end with :*');
  const name = groupNameOfArn(deps, arn);
  if (name === undefined) throw resourceNotFound(`The specified resource does not exist: ${arn}`);
  return name;
}

export type GroupTagOperations = Pick<
  LogsOperations,
  'TagResource' | 'UntagResource' | 'ListTagsForResource' | 'TagLogGroup' | 'UntagLogGroup' | 'ListTagsLogGroup'
>;

export function groupTagHandlers(deps: LogsDeps): GroupTagOperations {
  const { logs, quotas } = deps;
  const tagGroup = async (name: string, tags: Record<string, string>) => {
    if (!(await logs.updateTags(name, (cur) => mergeTags(cur, tags, quotas.tagsPerResource, groupArn(deps, name)))))
      throw groupNotFound();
  };
  const untagGroup = async (name: string, keys: string[]) => {
    if (!(await logs.updateTags(name, (cur) => withoutTags(cur, keys)))) throw groupNotFound();
  };
  return {
    async TagResource(input: L.TagResourceRequest) {
      await tagGroup(arnGroup(deps, input.resourceArn), input.tags);
      return {};
    },

    async UntagResource(input: L.UntagResourceRequest) {
      await untagGroup(arnGroup(deps, input.resourceArn), input.tagKeys);
      return {};
    },

    async ListTagsForResource(input: L.ListTagsForResourceRequest) {
      return { tags: (await requireGroup(logs, arnGroup(deps, input.resourceArn))).tags };
    },

    async TagLogGroup(input: L.TagLogGroupRequest) {
      await tagGroup(input.logGroupName, input.tags);
      return {};
    },

    async UntagLogGroup(input: L.UntagLogGroupRequest) {
      await untagGroup(input.logGroupName, input.tags);
      return {};
    },

    async ListTagsLogGroup(input: L.ListTagsLogGroupRequest) {
      return { tags: (await requireGroup(logs, input.logGroupName)).tags };
    },
  };
}

// Log groups: create, delete, describe, retention and deletion protection.
import type { RequestContext } from '../api/service.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import type * as L from '../protocols/generated/logs-types.js';
import type { LogGroupRecord } from '../store/log-store.js';
import { groupExists, groupNotFound, invalidParameter, limitExceeded, tooManyTags, validation } from './errors.js';
import { groupArn, groupArnStar, groupNameOfArn, type LogsScope, RETENTION_DAYS, targetGroup } from './names.js';
import { decodeToken, encodeToken } from './tokens.js';
import { type LogsDeps, requireGroup } from './deps.js';

function groupOut(s: LogsScope, g: LogGroupRecord): L.LogGroup {
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionDays !== undefined ? { retentionInDays: g.retentionDays } : {}),
    metricFilterCount: 0,
    arn: groupArnStar(s, g.name),
    storedBytes: g.storedBytes,
    ...(g.kmsKeyId ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: groupClass(g.logGroupClass),
    logGroupArn: groupArn(s, g.name),
    deletionProtectionEnabled: g.deletionProtection,
  };
}

const GROUP_CLASSES: readonly L.LogGroupClass[] = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'];
/** Stored as the request gave it, which the model validated against the enum. */
const groupClass = (stored: string): L.LogGroupClass => GROUP_CLASSES.find((c) => c === stored) ?? 'STANDARD';

export type GroupOperations = Pick<
  LogsOperations,
  | 'CreateLogGroup'
  | 'DeleteLogGroup'
  | 'PutLogGroupDeletionProtection'
  | 'DescribeLogGroups'
  | 'PutRetentionPolicy'
  | 'DeleteRetentionPolicy'
>;

export function groupHandlers(deps: LogsDeps): GroupOperations {
  const { logs, quotas, pageTokens } = deps;
  return {
    async CreateLogGroup(input: L.CreateLogGroupRequest, ctx: RequestContext) {
      if (input.logGroupName.startsWith('aws/'))
        throw invalidParameter('Log group names starting with aws/ are reserved for AWS services.');
      const tags = input.tags ?? {};
      if (Object.keys(tags).length > quotas.tagsPerResource)
        throw tooManyTags(groupArn(deps, input.logGroupName), quotas.tagsPerResource);
      const outcome = await logs.createGroup(
        {
          name: input.logGroupName,
          createdAt: ctx.receivedAt,
          logGroupClass: input.logGroupClass ?? 'STANDARD',
          ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}),
          deletionProtection: input.deletionProtectionEnabled ?? false,
          tags: { ...tags },
        },
        quotas.logGroupsPerAccount,
      );
      if (outcome === 'exists') throw groupExists();
      if (outcome === 'limit')
        throw limitExceeded(`Resource limit exceeded: at most ${quotas.logGroupsPerAccount} log groups`);
      return {};
    },

    async DeleteLogGroup(input: L.DeleteLogGroupRequest) {
      const g = await requireGroup(logs, input.logGroupName);
      if (g.deletionProtection)
        throw validation(
          'Deletion protection is enabled for this log group; disable it before deleting the log group.',
        );
      if (!(await logs.deleteGroup(input.logGroupName))) throw groupNotFound();
      return {};
    },

    async PutLogGroupDeletionProtection(input: L.PutLogGroupDeletionProtectionRequest) {
      const name = targetGroup(deps, { logGroupIdentifier: input.logGroupIdentifier });
      if (!(await logs.setDeletionProtection(name, input.deletionProtectionEnabled))) throw groupNotFound();
      return {};
    },

    async DescribeLogGroups(input: L.DescribeLogGroupsRequest) {
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      }
      if (input.logGroupIdentifiers?.length && !input.includeLinkedAccounts) {
        throw invalidParameter('logGroupIdentifiers can only be used with includeLinkedAccounts');
      }
      const limit = input.limit ?? 50;
      const after =
        input.nextToken !== undefined
          ? decodeToken(pageTokens, 'DescribeLogGroups', input.nextToken, (v): v is string => typeof v === 'string')
          : undefined;
      if (input.logGroupIdentifiers?.length) {
        // Named groups of this account (there are no linked accounts here), in name order.
        const names = [
          ...new Set(input.logGroupIdentifiers.map((id) => (id.startsWith('arn:') ? groupNameOfArn(deps, id) : id))),
        ]
          .filter((n): n is string => n !== undefined)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const found = (await Promise.all(names.map((n) => logs.getGroup(n)))).filter(
          (g): g is LogGroupRecord => g !== undefined,
        );
        return { logGroups: found.map((g) => groupOut(deps, g)) };
      }
      const rows = await logs.listGroups({
        ...(input.logGroupNamePrefix !== undefined ? { prefix: input.logGroupNamePrefix } : {}),
        ...(input.logGroupNamePattern ? { contains: input.logGroupNamePattern } : {}),
        ...(input.logGroupClass ? { logGroupClass: input.logGroupClass } : {}),
        ...(after !== undefined ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const brief = input.logGroupNamePattern !== undefined;
      return {
        logGroups: page.map((g) =>
          brief
            ? { logGroupName: g.name, creationTime: g.createdAt, arn: groupArnStar(deps, g.name) }
            : groupOut(deps, g),
        ),
        ...(rows.length > limit
          ? { nextToken: encodeToken(pageTokens, 'DescribeLogGroups', page[page.length - 1]!.name) }
          : {}),
      };
    },

    async PutRetentionPolicy(input: L.PutRetentionPolicyRequest) {
      if (!RETENTION_DAYS.has(input.retentionInDays)) {
        throw invalidParameter(
          `1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${[...RETENTION_DAYS].join(', ')}]`,
        );
      }
      if (!(await logs.setRetention(input.logGroupName, input.retentionInDays))) throw groupNotFound();
      return {};
    },

    async DeleteRetentionPolicy(input: L.DeleteRetentionPolicyRequest) {
      if (!(await logs.setRetention(input.logGroupName, null))) throw groupNotFound();
      return {};
    },
  };
}

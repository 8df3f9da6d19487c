// CloudWatch Logs as a service of the edge: the generated model (whose metadata names the JSON 1.1 protocol and the
// target prefix Logs_20140328), the handlers implementing LogsOperations, and what each operation is authorized on.
import { defineService } from '../api/define-service.js';
import type { AuthorizationTarget, RequestContext, ServiceDefinition } from '../api/service.js';
import { logsModel } from '../protocols/generated/logs.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import { invalidParameter } from './errors.js';
import { groupArn, groupArnStar, groupNameOfArn, type LogsScope, streamArn } from './names.js';
import type { LogsDeps } from './deps.js';
import { eventHandlers } from './events.js';
import { groupTagHandlers } from './group-tags.js';
import { groupHandlers } from './groups.js';
import { streamHandlers } from './streams.js';

/** A PutLogEvents body may carry 1 MiB of messages plus JSON framing and escapes. */
export const LOGS_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Operations authorized on a log stream ARN rather than the group's. */
const ON_STREAM = new Set(['PutLogEvents', 'GetLogEvents', 'DeleteLogStream']);
/** Tagging actions name the group ARN without `:*`. */
const ON_BARE_ARN = new Set(['TagResource', 'UntagResource', 'ListTagsForResource']);

function groupOf(s: LogsScope, input: Record<string, unknown>): string | undefined {
  if (typeof input.logGroupName === 'string') return input.logGroupName;
  const id = input.logGroupIdentifier;
  if (typeof id !== 'string') return undefined;
  return id.startsWith('arn:') ? groupNameOfArn(s, id) : id;
}

/** The model's name patterns are unanchored; the service holds whole names to them. */
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]*$/;

function checkNames(_operation: string, input: Record<string, unknown>): void {
  const g = input.logGroupName;
  if (typeof g === 'string' && g.length > 0 && g.length <= 512 && !GROUP_NAME.test(g)) {
    throw invalidParameter(
      `1 validation error detected: Value '${g}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
  const s = input.logStreamName;
  if (typeof s === 'string' && s.length <= 512 && !STREAM_NAME.test(s)) {
    throw invalidParameter(
      `1 validation error detected: Value '${s}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
}

export function logsAuthorization(
  operation: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): AuthorizationTarget {
  const s = { region: ctx.region, accountId: ctx.accountId };
  const action = `logs:${operation}`;
  if (ON_BARE_ARN.has(operation))
    return { action, resource: typeof input.resourceArn === 'string' ? input.resourceArn : '*' };
  if (operation === 'DescribeLogGroups')
    return { action, resource: `arn:aws:logs:${s.region}:${s.accountId}:log-group:*` };
  const group = groupOf(s, input);
  if (group === undefined) return { action, resource: '*' };
  if (ON_STREAM.has(operation) && typeof input.logStreamName === 'string')
    return { action, resource: streamArn(s, group, input.logStreamName) };
  return {
    action,
    resource:
      operation.startsWith('Tag') || operation.startsWith('Untag') ? groupArn(s, group) : groupArnStar(s, group),
  };
}

export function createLogsService(deps: LogsDeps): ServiceDefinition<LogsOperations> {
  return defineService<LogsOperations>({
    signingName: 'logs',
    model: logsModel,
    handlers: {
      ...groupHandlers(deps),
      ...groupTagHandlers(deps),
      ...streamHandlers(deps),
      ...eventHandlers(deps),
    },
    maxBodyBytes: LOGS_MAX_BODY_BYTES,
    validationError: (message) => invalidParameter(message),
    beforeValidation: checkNames,
    authorization: logsAuthorization,
  });
}

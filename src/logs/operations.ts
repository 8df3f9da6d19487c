// Every CloudWatch Logs operation appmeshd serves, one handler each, over the LogStore.
import type { RequestContext } from '../api/service.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import type * as L from '../protocols/generated/logs-types.js';
import type { EventPosition, LogEventRecord, LogGroupRecord, LogStore, LogStreamRecord } from '../store/log-store.js';
import {
  groupExists,
  groupNotFound,
  invalidParameter,
  limitExceeded,
  resourceNotFound,
  streamExists,
  streamNotFound,
  tooManyTags,
  validation,
} from './errors.js';
import { compileFilterPattern, FilterPatternError, type MessageMatcher, requiredSubstrings } from './filter-pattern.js';
import {
  digits56,
  groupArn,
  groupArnStar,
  groupNameOfArn,
  type LogsScope,
  RETENTION_DAYS,
  streamArn,
  targetGroup,
} from './names.js';
import { logEvents } from './metrics.js';
import { checkBatch } from './put-events.js';
import { decodeToken, encodeToken, isPosition, parseStreamToken, streamToken } from './tokens.js';

export interface LogsQuotas {
  logGroupsPerAccount: number;
  logStreamsPerLogGroup: number;
  /** Largest event, counting 26 bytes of overhead (1 MiB since 2025). */
  logEventSizeBytes: number;
  tagsPerResource: number;
}

export interface LogsDeps extends LogsScope {
  logs: LogStore;
  quotas: LogsQuotas;
}

/** Bytes of messages one GetLogEvents / FilterLogEvents page carries at most. */
const PAGE_BYTES = 1_048_576;
const MAX_EVENTS = 10_000;
/** FilterLogEvents reads a group in chunks of this many rows ... */
const SCAN_CHUNK = 1_000;
/** ... and returns (with a nextToken) after scanning this many rows or this long, whatever it found. */
const SCAN_ROWS_PER_CALL = 200_000;
const SCAN_MS_PER_CALL = 200;

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

function streamOut(s: LogsScope, group: string, st: LogStreamRecord): L.LogStream {
  return {
    logStreamName: st.name,
    creationTime: st.createdAt,
    ...(st.firstEventTimestamp !== undefined ? { firstEventTimestamp: st.firstEventTimestamp } : {}),
    ...(st.lastEventTimestamp !== undefined ? { lastEventTimestamp: st.lastEventTimestamp } : {}),
    ...(st.lastIngestionTime !== undefined
      ? { lastIngestionTime: st.lastIngestionTime, uploadSequenceToken: digits56(st.lastIngestionTime, 0) }
      : {}),
    arn: streamArn(s, group, st.name),
    storedBytes: 0,
  };
}

const eventId = (e: LogEventRecord) => digits56(e.timestamp, e.id);

function compile(pattern: string | undefined): MessageMatcher {
  try {
    return compileFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern: ${err.message}`);
    throw err;
  }
}

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

export function logsHandlers(deps: LogsDeps): LogsOperations {
  const { logs, quotas } = deps;

  const requireGroup = async (name: string): Promise<LogGroupRecord> => {
    const g = await logs.getGroup(name);
    if (!g) throw groupNotFound();
    return g;
  };

  /** The group of a tagging ARN (without `:*`); anything else is not a resource here. */
  const arnGroup = (arn: string): string => {
    if (arn.endsWith(':*')) throw invalidParameter('The resourceArn must not end with :*');
    const name = groupNameOfArn(deps, arn);
    if (name === undefined) throw resourceNotFound(`The specified resource does not exist: ${arn}`);
    return name;
  };

  const tagGroup = async (name: string, tags: Record<string, string>) => {
    if (!(await logs.updateTags(name, (cur) => mergeTags(cur, tags, quotas.tagsPerResource, groupArn(deps, name)))))
      throw groupNotFound();
  };
  const untagGroup = async (name: string, keys: string[]) => {
    if (!(await logs.updateTags(name, (cur) => withoutTags(cur, keys)))) throw groupNotFound();
  };

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
      const g = await requireGroup(input.logGroupName);
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
          ? decodeToken(input.nextToken, (v): v is string => typeof v === 'string')
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
        ...(rows.length > limit ? { nextToken: encodeToken(page[page.length - 1]!.name) } : {}),
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

    async TagResource(input: L.TagResourceRequest) {
      await tagGroup(arnGroup(input.resourceArn), input.tags);
      return {};
    },

    async UntagResource(input: L.UntagResourceRequest) {
      await untagGroup(arnGroup(input.resourceArn), input.tagKeys);
      return {};
    },

    async ListTagsForResource(input: L.ListTagsForResourceRequest) {
      return { tags: (await requireGroup(arnGroup(input.resourceArn))).tags };
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
      return { tags: (await requireGroup(input.logGroupName)).tags };
    },

    async CreateLogStream(input: L.CreateLogStreamRequest, ctx: RequestContext) {
      const outcome = await logs.createStream(
        input.logGroupName,
        input.logStreamName,
        ctx.receivedAt,
        quotas.logStreamsPerLogGroup,
      );
      if (outcome === 'no-group') throw groupNotFound();
      if (outcome === 'exists') throw streamExists();
      if (outcome === 'limit')
        throw limitExceeded(
          `Resource limit exceeded: at most ${quotas.logStreamsPerLogGroup} log streams per log group`,
        );
      return {};
    },

    async DeleteLogStream(input: L.DeleteLogStreamRequest) {
      if (!(await logs.deleteStream(input.logGroupName, input.logStreamName))) {
        throw (await logs.getGroup(input.logGroupName)) ? streamNotFound() : groupNotFound();
      }
      return {};
    },

    async DescribeLogStreams(input: L.DescribeLogStreamsRequest) {
      const group = targetGroup(deps, input);
      const orderBy = input.orderBy === 'LastEventTime' ? 'lastEventTime' : 'name';
      if (orderBy === 'lastEventTime' && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      await requireGroup(group);
      const limit = input.limit ?? 50;
      const after =
        input.nextToken !== undefined
          ? decodeToken(
              input.nextToken,
              (v): v is { name: string; lastEventTimestamp: number } =>
                typeof v === 'object' &&
                v !== null &&
                'name' in v &&
                typeof v.name === 'string' &&
                'lastEventTimestamp' in v &&
                Number.isSafeInteger(v.lastEventTimestamp),
            )
          : undefined;
      const rows = await logs.listStreams(group, {
        ...(input.logStreamNamePrefix !== undefined ? { prefix: input.logStreamNamePrefix } : {}),
        orderBy,
        descending: input.descending ?? false,
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        logStreams: page.map((st) => streamOut(deps, group, st)),
        ...(rows.length > limit && last
          ? { nextToken: encodeToken({ name: last.name, lastEventTimestamp: last.lastEventTimestamp ?? -1 }) }
          : {}),
      };
    },

    async PutLogEvents(input: L.PutLogEventsRequest, ctx: RequestContext) {
      const group = await requireGroup(input.logGroupName);
      const now = ctx.receivedAt;
      const batch = checkBatch(input.logEvents, now, group.retentionDays, quotas.logEventSizeBytes);
      const outcome = await logs.appendEvents(input.logGroupName, input.logStreamName, batch.accepted, now);
      if (outcome === 'no-group') throw groupNotFound();
      if (outcome === 'no-stream') throw streamNotFound();
      logEvents.inc({ source: 'put_log_events', outcome: 'stored' }, batch.accepted.length);
      if (batch.accepted.length < input.logEvents.length) {
        logEvents.inc(
          { source: 'put_log_events', outcome: 'rejected' },
          input.logEvents.length - batch.accepted.length,
        );
      }
      return {
        nextSequenceToken: digits56(now, input.logEvents.length),
        ...(batch.rejected ? { rejectedLogEventsInfo: batch.rejected } : {}),
      };
    },

    async GetLogEvents(input: L.GetLogEventsRequest) {
      const group = targetGroup(deps, input);
      if (!(await logs.getStream(group, input.logStreamName))) {
        throw (await logs.getGroup(group)) ? streamNotFound() : groupNotFound();
      }
      const limit = Math.min(input.limit ?? MAX_EVENTS, MAX_EVENTS);
      const token = input.nextToken !== undefined ? parseStreamToken(input.nextToken) : undefined;
      const direction = token
        ? token.direction === 'f'
          ? 'forward'
          : 'backward'
        : input.startFromHead
          ? 'forward'
          : 'backward';
      const rows = await logs.readStream(group, input.logStreamName, {
        ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
        ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
        ...(token ? { from: token.position } : {}),
        direction,
        limit,
      });
      // What fits in one page of 1 MB, nearest the starting point first.
      let bytes = 0;
      let kept = 0;
      while (kept < rows.length) {
        bytes += Buffer.byteLength(rows[kept]!.message) + 26;
        if (bytes > PAGE_BYTES && kept > 0) break;
        kept++;
      }
      const page = rows.slice(0, kept);
      if (direction === 'backward') page.reverse();
      const first = page[0];
      const last = page[page.length - 1];
      let forward: string;
      let backward: string;
      if (first && last) {
        forward = streamToken('f', last);
        backward = streamToken('b', first);
      } else if (token) {
        // At the end in this direction: the same token comes back.
        const p = token.position;
        forward =
          token.direction === 'f'
            ? input.nextToken!
            : streamToken('f', { timestamp: p.timestamp, id: Math.max(0, p.id - 1) });
        backward =
          token.direction === 'b' ? input.nextToken! : streamToken('b', { timestamp: p.timestamp, id: p.id + 1 });
      } else {
        const start: EventPosition = { timestamp: -1, id: 0 };
        forward = streamToken('f', start);
        backward = streamToken('b', { timestamp: -1, id: 1 });
      }
      return {
        events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
        nextForwardToken: forward,
        nextBackwardToken: backward,
      };
    },

    async FilterLogEvents(input: L.FilterLogEventsRequest) {
      const group = targetGroup(deps, input);
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      }
      const match = compile(input.filterPattern);
      // Terms every match must contain are checked by the database too, so non-matching rows stay there.
      const contains = requiredSubstrings(input.filterPattern);
      await requireGroup(group);
      const limit = Math.min(input.limit ?? MAX_EVENTS, MAX_EVENTS);
      let after = input.nextToken !== undefined ? decodeToken(input.nextToken, isPosition) : undefined;
      const started = Date.now();
      const events: L.FilteredLogEvent[] = [];
      let bytes = 0;
      let scanned = 0;
      let more = true;
      while (events.length < limit) {
        if (scanned >= SCAN_ROWS_PER_CALL || Date.now() - started > SCAN_MS_PER_CALL) break;
        const chunk = await logs.scanGroup(group, {
          ...(input.logStreamNames ? { streams: input.logStreamNames } : {}),
          ...(input.logStreamNamePrefix !== undefined ? { streamPrefix: input.logStreamNamePrefix } : {}),
          ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
          ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
          ...(after ? { after } : {}),
          ...(contains.length ? { contains } : {}),
          limit: SCAN_CHUNK,
        });
        let full = false;
        for (const e of chunk) {
          scanned++;
          if (match(e.message)) {
            const size = Buffer.byteLength(e.message) + 26;
            if (events.length && bytes + size > PAGE_BYTES) {
              full = true;
              break;
            }
            bytes += size;
            events.push({
              logStreamName: e.stream,
              timestamp: e.timestamp,
              message: e.message,
              ingestionTime: e.ingestionTime,
              eventId: eventId(e),
            });
          }
          after = { timestamp: e.timestamp, id: e.id };
          if (events.length >= limit) {
            full = true;
            break;
          }
        }
        if (full) break;
        if (chunk.length < SCAN_CHUNK) {
          more = false;
          break;
        }
      }
      return {
        events,
        searchedLogStreams: [],
        ...(more && after ? { nextToken: encodeToken({ timestamp: after.timestamp, id: after.id }) } : {}),
      };
    },
  };
}

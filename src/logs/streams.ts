// Log streams: create, delete, describe.
import type { RequestContext } from '../api/service.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import type * as L from '../protocols/generated/logs-types.js';
import type { LogStreamRecord } from '../store/log-store.js';
import { groupNotFound, invalidParameter, limitExceeded, streamExists, streamNotFound } from './errors.js';
import { digits56, type LogsScope, streamArn, targetGroup } from './names.js';
import { decodeToken, encodeToken } from './tokens.js';
import { type LogsDeps, requireGroup } from './deps.js';

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

export type StreamOperations = Pick<LogsOperations, 'CreateLogStream' | 'DeleteLogStream' | 'DescribeLogStreams'>;

export function streamHandlers(deps: LogsDeps): StreamOperations {
  const { logs, quotas, pageTokens } = deps;
  return {
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
      const streamsListing = `DescribeLogStreams ${group} ${orderBy}`;
      if (orderBy === 'lastEventTime' && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      await requireGroup(logs, group);
      const limit = input.limit ?? 50;
      const after =
        input.nextToken !== undefined
          ? decodeToken(
              pageTokens,
              streamsListing,
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
          ? {
              nextToken: encodeToken(pageTokens, streamsListing, {
                name: last.name,
                lastEventTimestamp: last.lastEventTimestamp ?? -1,
              }),
            }
          : {}),
      };
    },
  };
}

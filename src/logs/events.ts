// Log events: PutLogEvents, GetLogEvents (one stream, either direction) and FilterLogEvents (a group).
import type { RequestContext } from '../api/service.js';
import type { LogsOperations } from '../protocols/generated/logs-operations.js';
import type * as L from '../protocols/generated/logs-types.js';
import type { EventPosition, LogEventRecord } from '../store/log-store.js';
import { groupNotFound, invalidParameter, streamNotFound } from './errors.js';
import { compileFilterPattern, FilterPatternError, type MessageMatcher, requiredSubstrings } from './filter-pattern.js';
import { digits56, targetGroup } from './names.js';
import { logEvents } from './metrics.js';
import { checkBatch } from './put-events.js';
import { decodeToken, encodeToken, isPosition, parseStreamToken, streamToken } from './tokens.js';
import { type LogsDeps, requireGroup } from './deps.js';

/** Bytes of messages one GetLogEvents / FilterLogEvents page carries at most. */
const PAGE_BYTES = 1_048_576;
const MAX_EVENTS = 10_000;
/** FilterLogEvents reads a group in chunks of this many rows ... */
const SCAN_CHUNK = 1_000;
/** ... and returns (with a nextToken) after scanning this many rows or this long, whatever it found. */
const SCAN_ROWS_PER_CALL = 200_000;
const SCAN_MS_PER_CALL = 200;

const eventId = (e: LogEventRecord) => digits56(e.timestamp, e.id);

function compile(pattern: string | undefined): MessageMatcher {
  try {
    return compileFilterPattern(pattern);
  } catch (err) {
    if (err instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern: ${err.message}`);
    throw err;
  }
}

export type EventOperations = Pick<LogsOperations, 'PutLogEvents' | 'GetLogEvents' | 'FilterLogEvents'>;

export function eventHandlers(deps: LogsDeps): EventOperations {
  const { logs, quotas, pageTokens } = deps;
  return {
    async PutLogEvents(input: L.PutLogEventsRequest, ctx: RequestContext) {
      const group = await requireGroup(logs, input.logGroupName);
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
      const eventsListing = `FilterLogEvents ${group}`;
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      }
      const match = compile(input.filterPattern);
      // Terms every match must contain are checked by the database too, so non-matching rows stay there.
      const contains = requiredSubstrings(input.filterPattern);
      await requireGroup(logs, group);
      const limit = Math.min(input.limit ?? MAX_EVENTS, MAX_EVENTS);
      let after =
        input.nextToken !== undefined ? decodeToken(pageTokens, eventsListing, input.nextToken, isPosition) : undefined;
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
        ...(more && after
          ? { nextToken: encodeToken(pageTokens, eventsListing, { timestamp: after.timestamp, id: after.id }) }
          : {}),
      };
    },
  };
}

// PutLogEvents' batch rules. Whole-call failures (size, order, span) are errors; events
// outside the accepted time window are left out and reported by index instead.
import type { InputLogEvent, RejectedLogEventsInfo } from '../protocols/generated/logs-types.js';
import { invalidParameter } from './errors.js';
import { DAY_MS } from './names.js';

export const MAX_BATCH_BYTES = 1_048_576;
/** What every event adds to the batch size besides its UTF-8 message bytes. */
export const EVENT_OVERHEAD_BYTES = 26;
export const TOO_OLD_MS = 14 * DAY_MS;
export const TOO_NEW_MS = 2 * 3_600_000;
export const MAX_SPAN_MS = DAY_MS;

export interface CheckedBatch {
  accepted: InputLogEvent[];
  rejected?: RejectedLogEventsInfo;
}

export function checkBatch(
  events: readonly InputLogEvent[],
  now: number,
  retentionDays: number | undefined,
  maxEventBytes: number,
): CheckedBatch {
  let total = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (size > maxEventBytes)
      throw invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${maxEventBytes}`);
    total += size;
    if (i > 0 && e.timestamp < events[i - 1]!.timestamp) {
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (total > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${total} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

  // Sorted input: too old and expired events come first, too new ones last.
  const oldCutoff = now - TOO_OLD_MS;
  const expiredCutoff = retentionDays !== undefined ? now - retentionDays * DAY_MS : undefined;
  const newCutoff = now + TOO_NEW_MS;
  let tooOldEnd = 0;
  while (tooOldEnd < events.length && events[tooOldEnd]!.timestamp < oldCutoff) tooOldEnd++;
  let expiredEnd = 0;
  if (expiredCutoff !== undefined)
    while (expiredEnd < events.length && events[expiredEnd]!.timestamp < expiredCutoff) expiredEnd++;
  let tooNewStart = events.length;
  while (tooNewStart > 0 && events[tooNewStart - 1]!.timestamp > newCutoff) tooNewStart--;
  const firstValid = Math.max(tooOldEnd, expiredEnd);
  const accepted = events.slice(firstValid, Math.max(firstValid, tooNewStart));
  if (accepted.length > 1 && accepted[accepted.length - 1]!.timestamp - accepted[0]!.timestamp > MAX_SPAN_MS) {
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const rejected: RejectedLogEventsInfo = {};
  if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd > 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  return Object.keys(rejected).length ? { accepted, rejected } : { accepted };
}

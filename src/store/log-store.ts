// The storage of the CloudWatch Logs service: log groups, log streams and an append-only
// table of events, indexed by (group, time) and (stream, time). Separate from the generic
// resource rows because events are written at a rate no change feed should carry, and read
// by time range in pages, never whole.

export interface LogGroupRecord {
  name: string;
  createdAt: number;
  /** Absent: events never expire. */
  retentionDays?: number;
  logGroupClass: string;
  kmsKeyId?: string;
  deletionProtection: boolean;
  tags: Record<string, string>;
  /** UTF-8 bytes of the messages kept in the group. */
  storedBytes: number;
}

export interface LogStreamRecord {
  name: string;
  createdAt: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
}

export interface LogEventRecord {
  /** Store-wide, increasing with ingestion: with the timestamp it orders and identifies an event. */
  id: number;
  stream: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
}

/** A place between events: events sort by (timestamp, id). */
export interface EventPosition {
  timestamp: number;
  id: number;
}

export interface NewLogGroup {
  name: string;
  createdAt: number;
  logGroupClass: string;
  kmsKeyId?: string;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export interface GroupListQuery {
  prefix?: string;
  /** Case-sensitive substring of the name. */
  contains?: string;
  logGroupClass?: string;
  /** Names strictly after this one. */
  after?: string;
  limit: number;
}

export interface StreamListQuery {
  prefix?: string;
  orderBy: 'name' | 'lastEventTime';
  descending: boolean;
  /** Cursor: the last stream of the previous page (its name and, for lastEventTime order, its last event time). */
  after?: { name: string; lastEventTimestamp: number };
  limit: number;
}

export interface StreamReadQuery {
  /** Inclusive lower bound of timestamps. */
  startTime?: number;
  /** Exclusive upper bound of timestamps. */
  endTime?: number;
  /** Only events after (forward) or before (backward) this position. */
  from?: EventPosition;
  direction: 'forward' | 'backward';
  limit: number;
}

export interface GroupScanQuery {
  /** Only these streams (names); undefined = every stream. */
  streams?: string[];
  streamPrefix?: string;
  /** Inclusive bounds of timestamps. */
  startTime?: number;
  endTime?: number;
  /** Events strictly after this position. */
  after?: EventPosition;
  /** Substrings every returned message contains (case-sensitive): a pre-filter the database applies. */
  contains?: string[];
  limit: number;
}

export type CreateGroupOutcome = 'created' | 'exists' | 'limit';
export type CreateStreamOutcome = 'created' | 'exists' | 'no-group' | 'limit';
export type AppendOutcome = 'appended' | 'no-group' | 'no-stream';

export interface LogStore {
  /** Creates the group unless it exists or `maxGroups` groups exist already. */
  createGroup(group: NewLogGroup, maxGroups: number): Promise<CreateGroupOutcome>;
  getGroup(name: string): Promise<LogGroupRecord | undefined>;
  /** Ordered by name (bytes). */
  listGroups(query: GroupListQuery): Promise<LogGroupRecord[]>;
  /** Sets (a number) or removes (null) the retention; false when the group does not exist. */
  setRetention(name: string, days: number | null): Promise<boolean>;
  /** Replaces the group's tags with what `update` returns for the current ones; false when the group does not exist. */
  updateTags(name: string, update: (current: Record<string, string>) => Record<string, string>): Promise<boolean>;
  setDeletionProtection(name: string, enabled: boolean): Promise<boolean>;
  /** Deletes the group with its streams and events; false when there was none. */
  deleteGroup(name: string): Promise<boolean>;

  createStream(group: string, name: string, createdAt: number, maxStreams: number): Promise<CreateStreamOutcome>;
  getStream(group: string, name: string): Promise<LogStreamRecord | undefined>;
  listStreams(group: string, query: StreamListQuery): Promise<LogStreamRecord[]>;
  deleteStream(group: string, name: string): Promise<boolean>;

  /**
   * Appends events (already validated, in timestamp order) to a stream in one transaction and
   * updates the stream's first/last event and ingestion times; durable when it resolves.
   */
  appendEvents(
    group: string,
    stream: string,
    events: readonly { timestamp: number; message: string }[],
    ingestionTime: number,
  ): Promise<AppendOutcome>;
  /** Events of one stream in (timestamp, id) order (forward) or its reverse (backward). */
  readStream(group: string, stream: string, query: StreamReadQuery): Promise<LogEventRecord[]>;
  /** The next chunk of a group's events in (timestamp, id) order, across the selected streams. */
  scanGroup(group: string, query: GroupScanQuery): Promise<LogEventRecord[]>;

  /** Deletes up to `limit` events older than their group's retention at `now`; returns how many went. */
  expireEvents(now: number, limit: number): Promise<number>;
}

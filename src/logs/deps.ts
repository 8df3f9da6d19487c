// What every CloudWatch Logs handler needs, and the lookup most of them start with.
import type { PageTokens } from '../api/page-tokens.js';
import type { LogGroupRecord, LogStore } from '../store/log-store.js';
import { groupNotFound } from './errors.js';
import type { LogsScope } from './names.js';

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
  /** Signs the nextToken of every listing but GetLogEvents. */
  pageTokens: PageTokens;
}

export async function requireGroup(logs: LogStore, name: string): Promise<LogGroupRecord> {
  const g = await logs.getGroup(name);
  if (!g) throw groupNotFound();
  return g;
}

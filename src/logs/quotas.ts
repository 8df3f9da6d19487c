// The CloudWatch Logs quotas' defaults (--quota): log groups per account (AWS: 1,000,000), streams per group, and
// the largest event (bytes, with 26 of overhead). Tags per resource is the quota App Mesh's resources share.
import type { LogsQuotas } from './deps.js';

export const defaultLogsQuotas: Omit<LogsQuotas, 'tagsPerResource'> = {
  logGroupsPerAccount: 1_000_000,
  logStreamsPerLogGroup: 1_000_000,
  logEventSizeBytes: 1_048_576,
};

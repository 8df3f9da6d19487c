// ARNs, identifiers and fixed values of CloudWatch Logs.
import { invalidParameter, resourceNotFound } from './errors.js';

/** The retention values PutRetentionPolicy accepts, in days. */
export const RETENTION_DAYS: ReadonlySet<number> = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);

export const DAY_MS = 86_400_000;

export interface LogsScope {
  region: string;
  accountId: string;
}

/** arn:aws:logs:<region>:<account>:log-group:<name> (the form tagging and logGroupIdentifier use). */
export const groupArn = (s: LogsScope, name: string) => `arn:aws:logs:${s.region}:${s.accountId}:log-group:${name}`;
/** The same with `:*`, as LogGroup.arn and IAM statements for most actions use it. */
export const groupArnStar = (s: LogsScope, name: string) => `${groupArn(s, name)}:*`;
export const streamArn = (s: LogsScope, group: string, stream: string) => `${groupArn(s, group)}:log-stream:${stream}`;

/** The group name in a group ARN of this region and account (with or without `:*`); undefined when it is not one. */
export function groupNameOfArn(s: LogsScope, arn: string): string | undefined {
  const prefix = `arn:aws:logs:${s.region}:${s.accountId}:log-group:`;
  if (!arn.startsWith(prefix)) return undefined;
  let name = arn.slice(prefix.length);
  if (name.endsWith(':*')) name = name.slice(0, -2);
  return name && !name.includes(':') ? name : undefined;
}

/**
 * The group an operation addresses: exactly one of logGroupName and logGroupIdentifier (a name or
 * an ARN without the trailing `*`).
 */
export function targetGroup(s: LogsScope, input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  const { logGroupName, logGroupIdentifier } = input;
  if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (logGroupName !== undefined) return logGroupName;
  if (logGroupIdentifier === undefined)
    throw invalidParameter('Either logGroupName or logGroupIdentifier must be given.');
  if (!logGroupIdentifier.startsWith('arn:')) return logGroupIdentifier;
  if (logGroupIdentifier.endsWith('*')) throw invalidParameter('logGroupIdentifier must not end with *');
  const name = groupNameOfArn(s, logGroupIdentifier);
  if (name === undefined) throw resourceNotFound('The specified log group does not exist.');
  return name;
}

/** AWS's 56-digit sequence and event ids. */
export const digits56 = (a: number, b: number) => `${String(a).padStart(20, '0')}${String(b).padStart(36, '0')}`;

// Resident memory of a server process, read from /proc (the tests run on Linux).
import { readFileSync } from 'node:fs';

export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

export const MiB = 1024 * 1024;

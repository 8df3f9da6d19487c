// The CPU time a server process has used, from /proc: for tests that compare what requests
// cost the server itself, independent of how loaded the machine is.
import { readFileSync } from 'node:fs';
import type { RunningServer } from './server.js';

export const hasProcStat: boolean = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** CPU seconds (user + system, all threads) the server process has used. */
export function serverCpu(server: RunningServer): number {
  const fields = readFileSync(`/proc/${server.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until the server has gone idle (its CPU time stops moving), so background work is counted too. */
export async function idleCpu(server: RunningServer): Promise<number> {
  let last = serverCpu(server);
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = serverCpu(server);
    if (now === last) return now;
    last = now;
  }
}

/** Server CPU milliseconds per call of `call`, made `count` times one after another once the server is idle. */
export async function cpuPerCall(
  server: RunningServer,
  count: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  const before = await idleCpu(server);
  for (let i = 0; i < count; i++) await call(i);
  return (((await idleCpu(server)) - before) * 1000) / count;
}

// Waiting on conditions and reading the server's metrics, for tests.
import type { RunningServer } from './server.js';

/** How often a condition is checked while waiting on it. */
const POLL_MS = 20;

/**
 * A pause that is the point of a test: the window in which something must NOT happen, the
 * time a lease needs to expire, or the pace of a load generator. Never wait with it for
 * something to happen; use `until` or `poll`.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface UntilOptions {
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  intervalMs?: number;
}

/** Waits until `condition` returns a truthy value and returns it; throws when `timeoutMs` run out. */
export async function until<T>(
  condition: () => T | Promise<T>,
  { timeoutMs, what, intervalMs = POLL_MS }: UntilOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface PollOptions<T> {
  /** Stops polling once this holds for the probed value. */
  until: (value: T) => boolean;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Probes until the value satisfies `until` or the time runs out, and returns the last value,
 * for the caller to assert on (so a timeout fails with the caller's own message).
 */
export async function poll<T>(
  probe: () => T | Promise<T>,
  { until: done, timeoutMs, intervalMs = POLL_MS }: PollOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

/**
 * Waits until `probe` returns the same value for `quietMs` in a row (a server that stopped
 * pushing, a counter that stopped moving) and returns it.
 */
export async function untilSettled<T>(
  probe: () => Promise<T>,
  { quietMs, timeoutMs, what }: { quietMs: number; timeoutMs: number; what: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  let since = Date.now();
  for (;;) {
    await sleep(POLL_MS);
    const value = await probe();
    if (value !== last) {
      last = value;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return value;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/** Retries `check` until it passes or `ms` have gone by (then its last failure is thrown). */
export async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

/** The sum of a metric over its label sets, or of one series when `name` carries labels ("x{a=\"b\"}"). */
export async function metric(server: RunningServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.endpoint}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const series = line.slice(0, at);
    if (series === name || (!name.includes('{') && series.replace(/\{.*\}$/, '') === name))
      sum += Number(line.slice(at + 1));
  }
  return sum;
}

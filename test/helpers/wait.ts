// Waiting on conditions and reading the server's metrics, for tests.
import type { RunningServer } from './server.js';

/** Retries `check` until it passes or `ms` have gone by (then its last failure is thrown). */
export async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
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

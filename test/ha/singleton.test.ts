// Singleton jobs: one holder at a time, hand-over on stop, stop on lost or unreachable lease,
// take-over after the expiry of a holder that went silent. Several holders share one store,
// as replicas share one database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { PG_SKIP_MESSAGE, startTestPostgres } from '../helpers/postgres.js';
import { StoreUnavailableError, type Store } from '../../src/store/types.js';
import { createLogger } from '../../src/runtime/logger.js';
import { periodicJob, Singleton } from '../../src/runtime/singleton.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = createLogger('silent');

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A store whose lease calls can be made to fail or hang, like a replica cut off from the database. */
function flaky(store: Store): { store: Store; mode: 'ok' | 'fail' | 'hang' } {
  const ctl = { mode: 'ok' as 'ok' | 'fail' | 'hang', store: undefined as unknown as Store };
  ctl.store = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'tryAcquireLease' || prop === 'releaseLease') {
        return (...args: unknown[]) => {
          if (ctl.mode === 'fail') return Promise.reject(new StoreUnavailableError('database unreachable'));
          if (ctl.mode === 'hang') return new Promise(() => undefined);
          return (target[prop] as (...a: unknown[]) => Promise<boolean>).apply(target, args);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return ctl;
}

/** Records when each holder's job ran, to check that runs never overlap. */
class Journal {
  readonly runs: { who: string; from: number; to?: number }[] = [];
  job(who: string) {
    return async (signal: AbortSignal) => {
      const run: { who: string; from: number; to?: number } = { who, from: Date.now() };
      this.runs.push(run);
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      run.to = Date.now();
    };
  }
  active(): string[] {
    return this.runs.filter((r) => r.to === undefined).map((r) => r.who);
  }
  assertNoOverlap(): void {
    const sorted = [...this.runs].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      assert.ok(
        prev.to !== undefined && prev.to <= sorted[i]!.from,
        `runs of ${prev.who} and ${sorted[i]!.who} overlap`,
      );
    }
  }
}

describe('singleton jobs', () => {
  let dir: string;
  let store: SqliteStore;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'appmeshd-singleton-'));
    store = new SqliteStore(join(dir, 'store.db'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on one holder at a time and hands over on stop', async () => {
    const journal = new Journal();
    const a = new Singleton({ store, log, lease: 't1', ttlMs: 300, holderId: 'a', job: journal.job('a') });
    const b = new Singleton({ store, log, lease: 't1', ttlMs: 300, holderId: 'b', job: journal.job('b') });
    await a.start();
    await until(() => a.leading, 1000, 'a to lead');
    await b.start();
    await sleep(400);
    assert.deepEqual(journal.active(), ['a']);
    assert.equal(b.leading, false);
    const stoppedAt = Date.now();
    await a.stop();
    await until(() => b.leading, 1000, 'b to take over');
    assert.ok(Date.now() - stoppedAt < 250, 'a released lease is taken before its expiry');
    await b.stop();
    journal.assertNoOverlap();
  });

  it('stops the job when renewals fail, and resumes when the store answers again', async () => {
    const journal = new Journal();
    const ctl = flaky(store);
    const a = new Singleton({ store: ctl.store, log, lease: 't2', ttlMs: 300, holderId: 'a', job: journal.job('a') });
    await a.start();
    await until(() => a.leading, 1000, 'a to lead');
    ctl.mode = 'fail';
    await until(() => !a.leading, 300, 'a to stop its job');
    ctl.mode = 'ok';
    await until(() => a.leading, 1000, 'a to lead again');
    await a.stop();
    journal.assertNoOverlap();
  });

  it('a holder whose renewals hang stops before its lease expires; another takes over after expiry', async () => {
    const journal = new Journal();
    const ctl = flaky(store);
    const a = new Singleton({ store: ctl.store, log, lease: 't3', ttlMs: 300, holderId: 'a', job: journal.job('a') });
    const b = new Singleton({ store, log, lease: 't3', ttlMs: 300, holderId: 'b', job: journal.job('b') });
    await a.start();
    await until(() => a.leading, 1000, 'a to lead');
    await b.start();
    ctl.mode = 'hang';
    await until(() => b.leading, 1500, 'b to take over');
    assert.equal(a.leading, false);
    journal.assertNoOverlap();
    await b.stop();
    await a.stop();
  });

  it('periodicJob runs passes that never overlap, on its interval and on kicks, until aborted', async () => {
    let passes = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    let kick: (() => void) | undefined;
    const controller = new AbortController();
    const job = periodicJob(
      50,
      async () => {
        passes++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(20);
        concurrent--;
      },
      (err) => {
        throw err;
      },
      (k) => {
        kick = k;
        return () => {
          kick = undefined;
        };
      },
    );
    const done = job(controller.signal);
    for (let i = 0; i < 5; i++) kick?.();
    await sleep(180);
    controller.abort();
    await done;
    const after = passes;
    await sleep(120);
    assert.equal(passes, after, 'no pass after abort');
    assert.ok(passes >= 3, `passes: ${passes}`);
    assert.equal(maxConcurrent, 1);
    assert.equal(kick, undefined, 'teardown ran');
  });
});

const pg = await startTestPostgres();

describe('singleton jobs across replicas on PostgreSQL (database clock)', {
  skip: pg ? false : PG_SKIP_MESSAGE,
}, () => {
  let url: string;
  let one: PostgresStore;
  let two: PostgresStore;
  before(async () => {
    url = await pg!.createDatabase();
    one = await PostgresStore.open(url);
    two = await PostgresStore.open(url);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await pg!.dropDatabase(url).catch(() => undefined);
    await pg!.close();
  });

  it('one replica runs the job; the other takes over after the holder goes silent, never overlapping', async () => {
    const journal = new Journal();
    const ctl = flaky(one);
    const a = new Singleton({ store: ctl.store, log, lease: 'pg1', ttlMs: 600, holderId: 'a', job: journal.job('a') });
    const b = new Singleton({ store: two, log, lease: 'pg1', ttlMs: 600, holderId: 'b', job: journal.job('b') });
    await a.start();
    await until(() => a.leading, 2000, 'a to lead');
    await b.start();
    await sleep(700);
    assert.deepEqual(journal.active(), ['a']);
    ctl.mode = 'hang';
    await until(() => b.leading, 3000, 'b to take over');
    assert.equal(a.leading, false);
    ctl.mode = 'ok';
    await a.stop();
    const stoppedAt = Date.now();
    await b.stop();
    // b released the lease on stop: a fresh holder gets it at once.
    const c = new Singleton({ store: one, log, lease: 'pg1', ttlMs: 600, holderId: 'c', job: journal.job('c') });
    await c.start();
    await until(() => c.leading, 1000, 'c to lead');
    assert.ok(Date.now() - stoppedAt < 500);
    await c.stop();
    journal.assertNoOverlap();
  });
});

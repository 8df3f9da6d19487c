import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open.js';
import { postgresMigrations } from '../../src/store/postgres/migrations.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import { type Change, type Store, StoreConflictError, StoreUnavailableError } from '../../src/store/types.js';
import { PG_SKIP_MESSAGE, startTestPostgres } from '../helpers/postgres.js';
import { put, resource, storeContract, waitFor } from './contract.js';

const server = await startTestPostgres();
after(async () => {
  await server?.close();
});

it('an unreachable database makes open() reject with StoreUnavailableError', async () => {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 1));
    });
  });
  await assert.rejects(
    PostgresStore.open(`postgres://postgres@127.0.0.1:${port}/nothing`, { connectTimeoutMs: 2000 }),
    StoreUnavailableError,
  );
});

if (!server) {
  it(PG_SKIP_MESSAGE, { skip: PG_SKIP_MESSAGE }, () => undefined);
} else {
  const pgServer = server;
  const open = async (url: string, opts: PostgresStoreOptions = {}) =>
    PostgresStore.open(url, { resyncIntervalMs: 200, ...opts });

  // The contract tests share one database; each starts from an empty schema (recreating
  // the schema is much cheaper than creating a database), so migrations run every time.
  let contractUrl: string | undefined;
  storeContract(
    'postgres',
    async () => {
      contractUrl ??= await pgServer.createDatabase();
      return open(contractUrl);
    },
    async (store) => {
      await store.close();
      const client = new pg.Client({ connectionString: contractUrl });
      await client.connect();
      try {
        await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      } finally {
        await client.end();
      }
    },
  );

  /** Two stores (two pools, like two replicas) on one fresh database. */
  async function withReplicas(
    fn: (a: PostgresStore, b: PostgresStore, url: string) => Promise<void>,
    optsA: PostgresStoreOptions = {},
    optsB: PostgresStoreOptions = {},
  ): Promise<void> {
    const url = await pgServer.createDatabase();
    const a = await open(url, optsA);
    const b = await open(url, optsB);
    try {
      await fn(a, b, url);
    } finally {
      await a.close();
      await b.close();
      if (pgServer.running) await pgServer.dropDatabase(url);
    }
  }

  describe('postgres store: replicas on one database', () => {
    it('replicas starting together apply the migrations exactly once', async () => {
      const url = await pgServer.createDatabase();
      const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
      try {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM appmeshd_schema_migrations ORDER BY version',
        );
        await client.end();
        assert.deepEqual(
          rows.map((r) => r.version),
          postgresMigrations.map((_, i) => i + 1),
        );
        await put(stores[0]!, resource('mesh', '', 'm'));
        assert.equal((await stores[3]!.get('mesh', '', 'm'))?.name, 'm');
      } finally {
        for (const s of stores) await s.close();
        await pgServer.dropDatabase(url);
      }
    });

    it("a change committed by one replica reaches the other's subscriber (NOTIFY)", async () => {
      await withReplicas(
        async (a, b) => {
          const seen: Change[] = [];
          b.subscribe((c) => seen.push(...c));
          // B's LISTEN connection is established once a probe written through A reaches it.
          const probes = new Set<number>();
          await waitFor(
            async () => {
              probes.add((await put(a, resource('probe', '', `p${probes.size}`))).revision);
              return seen.some((c) => probes.has(c.revision));
            },
            'the LISTEN connection',
            5000,
          );
          const started = Date.now();
          const w = await a.transact(async (tx) => [
            await tx.put(resource('virtualNode', 'm', 'x')),
            await tx.put(resource('virtualNode', 'm', 'y')),
          ]);
          await waitFor(() => seen.some((c) => c.revision === w[1]!.revision), 'the change on replica b', 2000);
          assert.ok(Date.now() - started < 2000);
          const mine = seen.filter((c) => c.kind === 'virtualNode');
          assert.deepEqual(
            mine.map((c) => [c.name, c.revision]),
            [
              ['x', w[0]!.revision],
              ['y', w[1]!.revision],
            ],
          );
          assert.deepEqual(await b.get('virtualNode', 'm', 'y'), w[1]);
        },
        {},
        { resyncIntervalMs: 60_000 },
      );
    });

    it('a lost notification is made up for by the resync poll', async () => {
      await withReplicas(
        async (_a, b, url) => {
          const seen: Change[] = [];
          b.subscribe((c) => seen.push(...c));
          // A change recorded without NOTIFY (as if the notification were lost).
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          const { rows } = await client.query<{ revision: string }>(
            "INSERT INTO changes (op, kind, scope, name) VALUES ('delete', 'virtualNode', 'm', 'silent') RETURNING revision",
          );
          await client.end();
          const revision = Number(rows[0]!.revision);
          await waitFor(
            () => seen.some((c) => c.revision === revision && c.name === 'silent'),
            'the resync poll',
            3000,
          );
        },
        {},
        { resyncIntervalMs: 100 },
      );
    });

    it('concurrent version-checked updates from both replicas cannot both succeed', async () => {
      await withReplicas(async (a, b) => {
        const base = await put(a, resource('virtualNode', 'm', 'contended', { spec: { by: 'nobody' } }));
        for (let round = 0; round < 5; round++) {
          const cur = await a.get<{ by: string }>('virtualNode', 'm', 'contended');
          assert.ok(cur);
          const update = (store: Store, by: string) =>
            store.transact(async (tx) => {
              const seen = await tx.get('virtualNode', 'm', 'contended');
              await new Promise((r) => setTimeout(r, 5));
              return tx.put({ ...cur, version: cur.version + 1, spec: { by } }, { version: seen ? cur.version : -1 });
            });
          const results = await Promise.allSettled([update(a, 'a'), update(b, 'b')]);
          const ok = results.filter((r) => r.status === 'fulfilled');
          const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          assert.equal(ok.length, 1, `round ${round}: exactly one update wins`);
          assert.ok(failed[0]!.reason instanceof StoreConflictError, String(failed[0]!.reason));
          const now = await b.get<{ by: string }>('virtualNode', 'm', 'contended');
          assert.equal(now?.version, cur.version + 1);
        }
        assert.equal((await a.get('virtualNode', 'm', 'contended'))?.version, base.version + 5);
      });
    });

    it('read-modify-write transactions from both replicas lose no update', async () => {
      await withReplicas(async (a, b) => {
        await put(a, resource('counter', '', 'c', { spec: { n: 0 } }));
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? a : b).transact(async (tx) => {
              const cur = await tx.get<{ n: number }>('counter', '', 'c');
              assert.ok(cur);
              await new Promise((r) => setTimeout(r, 1));
              await tx.put({ ...cur, version: cur.version + 1, spec: { n: cur.spec.n + 1 } });
            }),
          ),
        );
        assert.equal((await b.get<{ n: number }>('counter', '', 'c'))?.spec.n, 20);
      });
    });

    it('a lease is exclusive across replicas and taken over after expiry', async () => {
      await withReplicas(async (a, b) => {
        const [ra, rb] = await Promise.all([
          a.tryAcquireLease('reaper', 'a', 300),
          b.tryAcquireLease('reaper', 'b', 300),
        ]);
        assert.equal(Number(ra) + Number(rb), 1, 'exactly one replica gets the lease');
        const [holder, other, otherId] = ra ? ([a, b, 'b'] as const) : ([b, a, 'a'] as const);
        const holderId = ra ? 'a' : 'b';
        assert.equal(await holder.tryAcquireLease('reaper', holderId, 300), true);
        assert.equal(await other.tryAcquireLease('reaper', otherId, 300), false);
        await new Promise((r) => setTimeout(r, 450)); // the 300 ms lease expires: nothing but time ends it
        assert.equal(await other.tryAcquireLease('reaper', otherId, 60_000), true, 'takeover after expiry');
        assert.equal(await holder.tryAcquireLease('reaper', holderId, 60_000), false);
        assert.equal(await other.releaseLease('reaper', otherId), true);
        assert.equal(await holder.tryAcquireLease('reaper', holderId, 60_000), true, 'free after release');
      });
    });

    it('openStore picks PostgreSQL for postgres:// and postgresql:// URLs', async () => {
      const url = await pgServer.createDatabase();
      try {
        for (const u of [url, url.replace(/^postgres:/, 'postgresql:')]) {
          const store = await openStore(u, '/nonexistent-data-dir');
          assert.equal(store.backend, 'postgres');
          await store.ping();
          await store.close();
        }
      } finally {
        await pgServer.dropDatabase(url);
      }
    });
  });

  describe('postgres store: database outage', {
    skip: pgServer.controllable ? false : 'needs a local test server (not APPMESHD_TEST_DATABASE_URL)',
  }, () => {
    it('operations reject with StoreUnavailableError while the server is down and recover after it returns', async () => {
      await withReplicas(async (a, b) => {
        const seen: Change[] = [];
        b.subscribe((c) => seen.push(...c));
        await put(a, resource('mesh', '', 'before'));

        for (const mode of ['fast', 'immediate'] as const) {
          // A transaction open when the server goes away fails as unavailable.
          let inside!: () => void;
          const entered = new Promise<void>((r) => {
            inside = r;
          });
          let release!: () => void;
          const gate = new Promise<void>((r) => {
            release = r;
          });
          const pending = a.transact(async (tx) => {
            await tx.put(resource('mesh', '', `lost-${mode}`));
            inside();
            await gate;
            await tx.get('mesh', '', 'before');
          });
          await entered;
          await pgServer.stop(mode);
          release();
          await assert.rejects(pending, StoreUnavailableError);

          await assert.rejects(a.get('mesh', '', 'before'), StoreUnavailableError);
          await assert.rejects(a.list('mesh', ''), StoreUnavailableError);
          await assert.rejects(a.revision(), StoreUnavailableError);
          await assert.rejects(a.changesSince(0), StoreUnavailableError);
          await assert.rejects(a.ping(), StoreUnavailableError);
          await assert.rejects(a.tryAcquireLease('job', 'a', 1000), StoreUnavailableError);
          await assert.rejects(put(a, resource('mesh', '', `during-${mode}`)), StoreUnavailableError);
          await assert.rejects(b.get('mesh', '', 'before'), StoreUnavailableError);

          await pgServer.start();
          // The same store objects work again.
          await a.ping();
          assert.equal((await a.get('mesh', '', 'before'))?.name, 'before');
          assert.equal(
            await a.get('mesh', '', `lost-${mode}`),
            undefined,
            'the interrupted transaction did not commit',
          );
          const w = await put(a, resource('mesh', '', `after-${mode}`));
          assert.equal((await b.get('mesh', '', `after-${mode}`))?.revision, w.revision);
          // B's listener reconnects (or its resync catches up) and delivers the change.
          await waitFor(
            () => seen.some((c) => c.revision === w.revision),
            `replica b to see the change after a ${mode} restart`,
            10_000,
          );
        }
      });
    });
  });
}

// The store contract: every backend must pass these tests. A backend test file calls
// storeContract(name, makeStore, cleanup); each test gets a fresh, empty store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Change,
  type Expectation,
  type NewResource,
  type Store,
  type StoredResource,
  StoreConflictError,
  StoreInvalidValueError,
} from '../../src/store/types.js';
import { sleep, until } from '../helpers/wait.js';

let uidSeq = 0;

export function resource<S = unknown>(
  kind: string,
  scope: string,
  name: string,
  over: Partial<NewResource<S>> = {},
): NewResource<S> {
  return {
    kind,
    scope,
    name,
    arn: `arn:aws:test:eu-west-1:111122223333:${kind}/${scope ? `${scope}/` : ''}${name}`,
    uid: `uid-${++uidSeq}`,
    version: 1,
    status: 'ACTIVE',
    createdAt: 1_700_000_000_123,
    updatedAt: 1_700_000_000_456,
    spec: { name } as S,
    tags: [],
    ...over,
  };
}

export function put<S>(store: Store, r: NewResource<S>, expect?: Expectation): Promise<StoredResource<S>> {
  return store.transact((tx) => tx.put(r, expect));
}

/** Polls `check` until it returns true (changes from shared backends arrive asynchronously). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  await until(check, { timeoutMs, what, intervalMs: 10 });
}

/** Bytewise (UTF-8) order, as the stores sort. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

class Boom extends Error {}

export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup: (store: Store) => Promise<void> = (store) => store.close(),
): void {
  async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await makeStore();
    try {
      await fn(store);
    } finally {
      await cleanup(store);
    }
  }
  const test = (title: string, fn: (store: Store) => Promise<void>) => it(title, () => withStore(fn));

  describe(`store contract: ${name}`, () => {
    test('ping answers and a new store is empty', async (store) => {
      await store.ping();
      assert.equal(await store.revision(), 0);
      assert.deepEqual(await store.changesSince(0), []);
      assert.equal(await store.get('mesh', '', 'nope'), undefined);
      assert.deepEqual(await store.list('mesh', ''), []);
      assert.equal(await store.count('mesh', ''), 0);
    });

    test('put then get returns every field', async (store) => {
      const r = resource('virtualNode', 'mesh-a', 'vn-1', {
        version: 3,
        status: 'INACTIVE',
        createdAt: 1_600_000_000_001,
        updatedAt: 1_800_000_000_002,
        clientToken: 'tok-1',
        tags: [{ key: 'team', value: 'blue' }],
      });
      const written = await put(store, r);
      assert.ok(written.revision > 0);
      assert.deepEqual(written, { ...r, revision: written.revision });
      const got = await store.get('virtualNode', 'mesh-a', 'vn-1');
      assert.deepEqual(got, { ...r, revision: written.revision });
      assert.equal(await store.get('virtualNode', 'mesh-b', 'vn-1'), undefined);
      // Without a client token too, put returns what get returns.
      const bare = await put(store, resource('virtualNode', 'mesh-a', 'vn-2'));
      assert.deepEqual(await store.get('virtualNode', 'mesh-a', 'vn-2'), bare);
      assert.equal(await store.get('virtualRouter', 'mesh-a', 'vn-1'), undefined);
    });

    test('JSON spec round-trips exactly, including unicode and key order', async (store) => {
      const spec = {
        zeta: 1,
        alpha: 2,
        ключ: 'значение',
        text: 'ünïcödé — 网格服务 — שלום — 🦄👩‍💻 — e\u0301',
        escapes: 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007',
        loneSurrogate: '\ud800x',
        numbers: [0, -1, 2.5, 1e21, 123456789012345, Number.MAX_SAFE_INTEGER, -1.5e-7],
        literals: [true, false, null],
        nested: { empty: {}, list: [], deep: { deeper: { deepest: ['x', { y: 'z' }] } } },
        emptyString: '',
      };
      await put(store, resource('mesh', '', 'ünï-🦄', { spec, arn: 'arn:unicode:ünï-🦄' }));
      const got = await store.get<typeof spec>('mesh', '', 'ünï-🦄');
      assert.ok(got);
      assert.deepEqual(got.spec, spec);
      assert.equal(JSON.stringify(got.spec), JSON.stringify(spec));
      assert.equal(got.name, 'ünï-🦄');
      assert.equal((await store.getByArn('arn:unicode:ünï-🦄'))?.name, 'ünï-🦄');
      // Non-object specs too.
      for (const [i, s] of ['plain', 42, null, [1, 'two'], true].entries()) {
        await put(store, resource('scalar', '', `s${i}`, { spec: s }));
        assert.deepEqual((await store.get('scalar', '', `s${i}`))?.spec, s);
      }
    });

    test('tags round-trip in order, including empty lists and unicode', async (store) => {
      const tags = [
        { key: 'z', value: '1' },
        { key: 'a', value: '' },
        { key: 'ключ', value: '🦄' },
      ];
      await put(store, resource('mesh', '', 'tagged', { tags }));
      await put(store, resource('mesh', '', 'untagged', { tags: [] }));
      assert.deepEqual((await store.get('mesh', '', 'tagged'))?.tags, tags);
      assert.deepEqual((await store.get('mesh', '', 'untagged'))?.tags, []);
    });

    test('clientToken round-trips, and is undefined when absent or cleared', async (store) => {
      await put(store, resource('mesh', '', 'with', { clientToken: 'c0ffee-✓' }));
      await put(store, resource('mesh', '', 'without'));
      assert.equal((await store.get('mesh', '', 'with'))?.clientToken, 'c0ffee-✓');
      const without = await store.get('mesh', '', 'without');
      assert.ok(without);
      assert.equal(without.clientToken, undefined);
      await put(store, resource('mesh', '', 'with', { version: 2, clientToken: undefined }));
      assert.equal((await store.get('mesh', '', 'with'))?.clientToken, undefined);
    });

    test('list is ordered by name (bytewise), filtered by kind and scope', async (store) => {
      const names = ['b', 'a', 'c', 'a1', 'B', '_x', 'z', 'a-b', 'é', 'Z9', '0'];
      for (const n of names) await put(store, resource('virtualNode', 'm1', n));
      await put(store, resource('virtualNode', 'm2', 'aa'));
      await put(store, resource('virtualNode', 'm1/x', 'aa'));
      await put(store, resource('virtualService', 'm1', 'aa'));
      const listed = await store.list('virtualNode', 'm1');
      assert.deepEqual(
        listed.map((r) => r.name),
        [...names].sort(byteOrder),
      );
      assert.ok(listed.every((r) => r.kind === 'virtualNode' && r.scope === 'm1'));
      assert.deepEqual(
        (await store.list('virtualNode', 'm2')).map((r) => r.name),
        ['aa'],
      );
      assert.deepEqual(await store.list('virtualNode', 'nope'), []);
    });

    test('list paginates with after/limit', async (store) => {
      const names = Array.from({ length: 13 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
      for (const n of [...names].reverse()) await put(store, resource('virtualNode', 'm', n));
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list('virtualNode', 'm', { limit: 5, ...(after !== undefined ? { after } : {}) });
        if (page.length === 0) break;
        pages.push(page.map((r) => r.name));
        after = page[page.length - 1]!.name;
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 3],
      );
      assert.deepEqual(pages.flat(), names);
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { after: 'node-05' })).map((r) => r.name),
        names.slice(6),
      );
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { after: 'node-05x', limit: 2 })).map((r) => r.name),
        ['node-06', 'node-07'],
      );
      assert.deepEqual(await store.list('virtualNode', 'm', { after: 'node-12' }), []);
      assert.deepEqual(await store.list('virtualNode', 'm', { limit: 0 }), []);
      assert.equal((await store.list('virtualNode', 'm', { limit: 100 })).length, 13);
    });

    test('listKind orders by scope then name and filters by scope prefix on path boundaries', async (store) => {
      const rows: [string, string][] = [
        ['m1/r2', 'b'],
        ['m1/r1', 'b'],
        ['m1/r1', 'a'],
        ['m1', 'x'],
        ['m10/r1', 'a'],
        ['m2/r1', 'a'],
        ['', 'top'],
        ['m1/r1/deep', 'a'],
      ];
      for (const [scope, n] of rows) await put(store, resource('route', scope, n));
      await put(store, resource('gatewayRoute', 'm1/r1', 'other-kind'));
      const key = (r: StoredResource) => `${r.scope}|${r.name}`;
      const all = await store.listKind('route');
      const expected = [...rows]
        .sort((a, b) => byteOrder(a[0], b[0]) || byteOrder(a[1], b[1]))
        .map(([s, n]) => `${s}|${n}`);
      assert.deepEqual(all.map(key), expected);
      assert.deepEqual((await store.listKind('route', 'm1')).map(key), [
        'm1|x',
        'm1/r1|a',
        'm1/r1|b',
        'm1/r1/deep|a',
        'm1/r2|b',
      ]);
      assert.deepEqual((await store.listKind('route', 'm1/r1')).map(key), ['m1/r1|a', 'm1/r1|b', 'm1/r1/deep|a']);
      assert.deepEqual((await store.listKind('route', 'm3')).map(key), []);
      assert.deepEqual(await store.listKind('nothing'), []);
    });

    test('a listing reflects every commit to its kind and scope, and repeated listings agree', async (store) => {
      await put(store, resource('virtualNode', 'm', 'a'));
      const first = await store.list('virtualNode', 'm', { limit: 10 });
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { limit: 10 })).map((r) => r.name),
        ['a'],
      );
      await put(store, resource('virtualNode', 'm', 'b'));
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { limit: 10 })).map((r) => r.name),
        ['a', 'b'],
      );
      await put(store, { ...resource('virtualNode', 'm', 'a'), version: 2 });
      assert.equal((await store.list('virtualNode', 'm', { limit: 10 }))[0]?.version, 2);
      await store.transact((tx) => tx.delete('virtualNode', 'm', 'b'));
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { limit: 10 })).map((r) => r.name),
        ['a'],
      );
      await put(store, resource('virtualNode', 'other', 'z'));
      assert.deepEqual(
        (await store.list('virtualNode', 'm', { limit: 10 })).map((r) => r.name),
        ['a'],
      );
      assert.deepEqual(
        first.map((r) => [r.name, r.version]),
        [['a', 1]],
        'an earlier result is never changed',
      );
    });

    test('count counts one kind in one scope', async (store) => {
      for (const n of ['a', 'b', 'c']) await put(store, resource('virtualNode', 'm', n));
      await put(store, resource('virtualNode', 'other', 'a'));
      await put(store, resource('virtualRouter', 'm', 'a'));
      assert.equal(await store.count('virtualNode', 'm'), 3);
      assert.equal(await store.count('virtualNode', 'other'), 1);
      assert.equal(await store.count('virtualNode', 'none'), 0);
      assert.equal(await store.count('virtualNode'), 4, 'every scope when none is given');
      await store.transact((tx) => tx.delete('virtualNode', 'm', 'b'));
      assert.equal(await store.count('virtualNode', 'm'), 2);
    });

    test('count is unchanged by updates and by deleting nothing, and follows rolled-back writes', async (store) => {
      await put(store, resource('virtualNode', 'm', 'a'));
      await put(store, { ...resource('virtualNode', 'm', 'a'), version: 2 });
      assert.equal(await store.count('virtualNode', 'm'), 1);
      assert.equal(await store.transact((tx) => tx.delete('virtualNode', 'm', 'missing')), false);
      assert.equal(await store.count('virtualNode', 'm'), 1);
      await assert.rejects(
        store.transact(async (tx) => {
          await tx.put(resource('virtualNode', 'm', 'b'));
          assert.equal(await tx.count('virtualNode', 'm'), 2);
          throw new Boom('undo');
        }),
        Boom,
      );
      assert.equal(await store.count('virtualNode', 'm'), 1);
      await store.transact((tx) => tx.delete('virtualNode', 'm', 'a'));
      assert.equal(await store.count('virtualNode', 'm'), 0);
    });

    test('concurrent transactions commit or fail each on its own', async (store) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          store.transact(async (tx) => {
            await tx.put(resource('virtualNode', 'm', `n${String(i).padStart(2, '0')}`));
            if (i % 3 === 0) throw new Boom(`fail ${i}`);
            // A conflict the body catches leaves its transaction usable.
            if (i % 3 === 1)
              await tx
                .put(resource('virtualNode', 'm', `n${String(i).padStart(2, '0')}`), { absent: true })
                .catch(() => undefined);
            return i;
          }),
        ),
      );
      outcomes.forEach((o, i) => {
        if (i % 3 === 0) assert.equal(o.status, 'rejected', `transaction ${i}`);
        else assert.deepEqual(o, { status: 'fulfilled', value: i }, `transaction ${i}`);
      });
      const names = (await store.list('virtualNode', 'm')).map((r) => r.name);
      assert.deepEqual(
        names,
        Array.from({ length: 30 }, (_, i) => i)
          .filter((i) => i % 3 !== 0)
          .map((i) => `n${String(i).padStart(2, '0')}`),
      );
      assert.equal(await store.count('virtualNode', 'm'), 20);
    });

    test('getByArn finds the row; an arn belongs to one row at a time', async (store) => {
      const a = resource('virtualNode', 'm', 'a', { arn: 'arn:x:a' });
      await put(store, a);
      assert.equal((await store.getByArn('arn:x:a'))?.name, 'a');
      assert.equal(await store.getByArn('arn:x:none'), undefined);
      // Another row cannot take the arn; nothing is written.
      await assert.rejects(put(store, resource('virtualNode', 'm', 'b', { arn: 'arn:x:a' })), StoreConflictError);
      await assert.rejects(put(store, resource('virtualRouter', 'm', 'a', { arn: 'arn:x:a' })), StoreConflictError);
      assert.equal(await store.get('virtualNode', 'm', 'b'), undefined);
      assert.equal((await store.getByArn('arn:x:a'))?.name, 'a');
      // The same row may keep or change its arn.
      await put(store, { ...a, version: 2 });
      await put(store, { ...a, version: 3, arn: 'arn:x:a2' });
      assert.equal(await store.getByArn('arn:x:a'), undefined);
      assert.equal((await store.getByArn('arn:x:a2'))?.version, 3);
      // Once deleted, the arn is free again.
      await store.transact((tx) => tx.delete('virtualNode', 'm', 'a'));
      assert.equal(await store.getByArn('arn:x:a2'), undefined);
      await put(store, resource('virtualNode', 'm', 'c', { arn: 'arn:x:a2' }));
      assert.equal((await store.getByArn('arn:x:a2'))?.name, 'c');
    });

    test('expectations: absent and version raise StoreConflictError and write nothing', async (store) => {
      const r = resource('mesh', '', 'm', { spec: { v: 1 } });
      await put(store, r, { absent: true });
      const rev = await store.revision();
      await assert.rejects(put(store, { ...r, spec: { v: 'dup' } }, { absent: true }), StoreConflictError);
      await assert.rejects(put(store, { ...r, version: 2, spec: { v: 'stale' } }, { version: 7 }), StoreConflictError);
      await assert.rejects(put(store, resource('mesh', '', 'missing'), { version: 1 }), StoreConflictError);
      assert.equal(await store.revision(), rev);
      assert.deepEqual((await store.get('mesh', '', 'm'))?.spec, { v: 1 });
      assert.equal(await store.get('mesh', '', 'missing'), undefined);
      const updated = await put(store, { ...r, version: 2, spec: { v: 2 } }, { version: 1 });
      assert.equal(updated.version, 2);
      assert.deepEqual((await store.get('mesh', '', 'm'))?.spec, { v: 2 });
      await assert.rejects(put(store, { ...r, version: 3 }, { version: 1 }), StoreConflictError);
      // Without an expectation, put replaces whatever is there.
      await put(store, { ...r, version: 9, spec: { v: 9 } });
      assert.equal((await store.get('mesh', '', 'm'))?.version, 9);
      // A conflict caught inside a transaction does not spoil the transaction.
      await store.transact(async (tx) => {
        await assert.rejects(tx.put({ ...r, version: 10 }, { absent: true }), StoreConflictError);
        await tx.put({ ...r, version: 10, spec: { v: 10 } }, { version: 9 });
      });
      assert.deepEqual((await store.get('mesh', '', 'm'))?.spec, { v: 10 });
    });

    test('transactions see their own writes and return the body result', async (store) => {
      await put(store, resource('virtualNode', 'm', 'old'));
      const out = await store.transact(async (tx) => {
        await tx.put(resource('virtualNode', 'm', 'new'));
        assert.equal((await tx.get('virtualNode', 'm', 'new'))?.name, 'new');
        assert.equal(await tx.count('virtualNode', 'm'), 2);
        assert.equal(await tx.delete('virtualNode', 'm', 'old'), true);
        assert.deepEqual(
          (await tx.list('virtualNode', 'm')).map((r) => r.name),
          ['new'],
        );
        assert.deepEqual(
          (await tx.listKind('virtualNode', 'm')).map((r) => r.name),
          ['new'],
        );
        assert.equal((await tx.getByArn(resource('virtualNode', 'm', 'new').arn))?.name, 'new');
        return 'result';
      });
      assert.equal(out, 'result');
    });

    test('a throwing transaction rolls back every write and emits no change', async (store) => {
      await put(store, resource('virtualNode', 'm', 'keep', { spec: { v: 'original' } }));
      const rev = await store.revision();
      const seen: Change[] = [];
      const unsubscribe = store.subscribe((c) => seen.push(...c));
      const boom = new Boom('boom');
      await assert.rejects(
        store.transact(async (tx) => {
          await tx.put(resource('virtualNode', 'm', 'n1'));
          await tx.put(resource('virtualNode', 'm', 'n2'));
          await tx.put({ ...resource('virtualNode', 'm', 'keep'), version: 2, spec: { v: 'changed' } });
          assert.equal(await tx.delete('virtualNode', 'm', 'keep'), true);
          throw boom;
        }),
        (err) => err === boom,
      );
      // A conflict after earlier writes rolls them back too.
      await assert.rejects(
        store.transact(async (tx) => {
          await tx.put(resource('virtualNode', 'm', 'n3'));
          await tx.put(resource('virtualNode', 'm', 'keep'), { absent: true });
        }),
        StoreConflictError,
      );
      assert.equal(await store.revision(), rev);
      assert.deepEqual(await store.changesSince(rev), []);
      assert.deepEqual(
        (await store.list('virtualNode', 'm')).map((r) => r.name),
        ['keep'],
      );
      assert.deepEqual((await store.get('virtualNode', 'm', 'keep'))?.spec, { v: 'original' });
      // A later commit is delivered; nothing of the rolled-back ones ever is.
      const ok = await put(store, resource('virtualNode', 'm', 'after'));
      await waitFor(() => seen.some((c) => c.revision === ok.revision), 'the committed change');
      unsubscribe();
      assert.deepEqual(
        seen.map((c) => c.name),
        ['after'],
      );
    });

    test('reads outside an open transaction never see its uncommitted writes', async (store) => {
      let written!: () => void;
      const wrote = new Promise<void>((r) => {
        written = r;
      });
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const txDone = store.transact(async (tx) => {
        await tx.put(resource('virtualNode', 'm', 'dirty'));
        written();
        await gate;
        throw new Boom('abort after the outside read started');
      });
      await wrote;
      const outside = Promise.all([
        store.get('virtualNode', 'm', 'dirty'),
        store.count('virtualNode', 'm'),
        store.list('virtualNode', 'm'),
        store.revision(),
      ]);
      setTimeout(release, 30); // the transaction stays open while the outside reads run
      await assert.rejects(txDone, Boom);
      const [got, n, listed, rev] = await outside;
      assert.equal(got, undefined);
      assert.equal(n, 0);
      assert.deepEqual(listed, []);
      assert.equal(rev, 0);
    });

    test('20 concurrent read-modify-write transactions lose no update', async (store) => {
      await put(store, resource('counter', '', 'c', { spec: { n: 0 } }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transact(async (tx) => {
            const cur = await tx.get<{ n: number }>('counter', '', 'c');
            assert.ok(cur);
            // Yield so that transactions would interleave if they were not serialized.
            await new Promise((r) => setTimeout(r, i % 3));
            await tx.put({ ...cur, version: cur.version + 1, spec: { n: cur.spec.n + 1 } }, { version: cur.version });
            return cur.spec.n;
          }),
        ),
      );
      const final = await store.get<{ n: number }>('counter', '', 'c');
      assert.equal(final?.spec.n, 20);
      assert.equal(final?.version, 21);
      assert.deepEqual(
        [...results].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    test('revisions increase strictly, per write, and revision() is the newest committed', async (store) => {
      let last = await store.revision();
      for (let i = 0; i < 5; i++) {
        const w = await put(store, resource('virtualNode', 'm', `n${i}`));
        assert.ok(w.revision > last, `revision ${w.revision} after ${last}`);
        assert.equal((await store.get('virtualNode', 'm', `n${i}`))?.revision, w.revision);
        assert.equal(await store.revision(), w.revision);
        last = w.revision;
      }
      const inOne = await store.transact(async (tx) => [
        (await tx.put(resource('virtualNode', 'm', 'x'))).revision,
        (await tx.put(resource('virtualNode', 'm', 'y'))).revision,
        (await tx.put({ ...resource('virtualNode', 'm', 'x'), version: 2 })).revision,
      ]);
      assert.ok(inOne[0]! > last && inOne[1]! > inOne[0]! && inOne[2]! > inOne[1]!);
      assert.equal(await store.revision(), inOne[2]);
      assert.equal((await store.get('virtualNode', 'm', 'x'))?.revision, inOne[2]);
      await assert.rejects(
        store.transact(async (tx) => {
          await tx.put(resource('virtualNode', 'm', 'ghost'));
          throw new Boom();
        }),
        Boom,
      );
      assert.equal(await store.revision(), inOne[2]);
      const after = await put(store, resource('virtualNode', 'm', 'z'));
      assert.ok(after.revision > inOne[2]!);
    });

    test('changesSince lists committed puts and deletes in order, with a limit', async (store) => {
      const r0 = await store.revision();
      const a = await put(store, resource('virtualNode', 'm', 'a'));
      const b = await put(store, resource('virtualNode', 'm', 'b'));
      await store.transact(async (tx) => {
        await tx.delete('virtualNode', 'm', 'a');
        await tx.put({ ...resource('virtualNode', 'm', 'b'), version: 2 });
      });
      const changes = await store.changesSince(r0);
      assert.deepEqual(
        changes.map(({ op, kind, scope, name }) => ({ op, kind, scope, name })),
        [
          { op: 'put', kind: 'virtualNode', scope: 'm', name: 'a' },
          { op: 'put', kind: 'virtualNode', scope: 'm', name: 'b' },
          { op: 'delete', kind: 'virtualNode', scope: 'm', name: 'a' },
          { op: 'put', kind: 'virtualNode', scope: 'm', name: 'b' },
        ],
      );
      assert.equal(changes[0]!.revision, a.revision);
      assert.equal(changes[1]!.revision, b.revision);
      for (let i = 1; i < changes.length; i++) assert.ok(changes[i]!.revision > changes[i - 1]!.revision);
      assert.equal(changes[3]!.revision, await store.revision());
      assert.equal((await store.get('virtualNode', 'm', 'b'))?.revision, changes[3]!.revision);
      assert.deepEqual(await store.changesSince(r0, 2), changes.slice(0, 2));
      assert.deepEqual(await store.changesSince(changes[1]!.revision), changes.slice(2));
      assert.deepEqual(await store.changesSince(changes[3]!.revision), []);
    });

    test('subscribe delivers committed changes in order; unsubscribe stops delivery', async (store) => {
      const a: Change[] = [];
      const b: Change[] = [];
      const offA = store.subscribe((c) => a.push(...c));
      const offB = store.subscribe((c) => b.push(...c));
      const w1 = await store.transact(async (tx) => [
        await tx.put(resource('virtualNode', 'm', 'one')),
        await tx.put(resource('virtualNode', 'm', 'two')),
      ]);
      await store.transact((tx) => tx.delete('virtualNode', 'm', 'one'));
      const last = await store.revision();
      await waitFor(() => a.some((c) => c.revision === last), 'listener a to get the delete');
      await waitFor(() => b.some((c) => c.revision === last), 'listener b to get the delete');
      const expected = [
        { revision: w1[0]!.revision, op: 'put', kind: 'virtualNode', scope: 'm', name: 'one' },
        { revision: w1[1]!.revision, op: 'put', kind: 'virtualNode', scope: 'm', name: 'two' },
        { revision: last, op: 'delete', kind: 'virtualNode', scope: 'm', name: 'one' },
      ];
      assert.deepEqual(a, expected);
      assert.deepEqual(b, expected);
      // A throwing listener does not stop the others.
      const offBad = store.subscribe(() => {
        throw new Error('listener bug');
      });
      offA();
      const w3 = await put(store, resource('virtualNode', 'm', 'three'));
      await waitFor(() => b.some((c) => c.revision === w3.revision), 'listener b to get the later put');
      assert.equal(a.length, 3);
      offB();
      offBad();
    });

    test('delete removes the row and records a change; deleting nothing changes nothing', async (store) => {
      const r = resource('virtualNode', 'm', 'gone', { arn: 'arn:x:gone' });
      await put(store, r);
      await put(store, resource('virtualNode', 'm', 'stays'));
      const before = await store.revision();
      assert.equal(await store.transact((tx) => tx.delete('virtualNode', 'm', 'gone')), true);
      assert.equal(await store.get('virtualNode', 'm', 'gone'), undefined);
      assert.equal(await store.getByArn('arn:x:gone'), undefined);
      assert.equal(await store.count('virtualNode', 'm'), 1);
      const changes = await store.changesSince(before);
      assert.equal(changes.length, 1);
      assert.equal(changes[0]!.op, 'delete');
      assert.equal(changes[0]!.name, 'gone');
      const rev = await store.revision();
      assert.equal(await store.transact((tx) => tx.delete('virtualNode', 'm', 'gone')), false);
      assert.equal(await store.transact((tx) => tx.delete('virtualNode', 'other', 'stays')), false);
      assert.equal(await store.revision(), rev);
      // Re-creating after a delete is a create.
      const again = await put(store, { ...r, uid: 'uid-new' }, { absent: true });
      assert.equal((await store.get('virtualNode', 'm', 'gone'))?.uid, 'uid-new');
      assert.ok(again.revision > rev);
    });

    test('a NUL character or an unpaired surrogate in a key column is refused the same way, and nothing is written', async (store) => {
      const bad = ['with\u0000nul', 'lone\ud800', 'low\udc00first'];
      for (const s of bad) {
        const cases: NewResource[] = [
          resource('mesh', '', s),
          resource('virtualNode', s, 'vn'),
          resource('mesh', '', 'ok', { arn: `arn:x:${s}` }),
          resource('mesh', '', 'ok', { clientToken: s }),
          resource('mesh', '', 'ok', { uid: s }),
        ];
        for (const r of cases)
          await assert.rejects(put(store, r), StoreInvalidValueError, `${JSON.stringify(r).slice(0, 200)}`);
      }
      assert.equal(await store.revision(), 0, 'nothing was written');
      assert.deepEqual(await store.list('mesh', ''), []);
      // A surrogate pair (a character outside the BMP) is fine, and so is any string in the spec or tags.
      const spec = { [bad[0]!]: bad, tags: bad };
      const tags = bad.map((value) => ({ key: value, value }));
      await put(store, resource('mesh', '', 'pair\ud83d\ude00', { spec, tags }));
      const got = await store.get('mesh', '', 'pair\ud83d\ude00');
      assert.deepEqual(got?.spec, spec);
      assert.deepEqual(got?.tags, tags);
    });

    test('looking up a name no row can have finds nothing, on every backend', async (store) => {
      await put(store, resource('mesh', '', 'ls\ufffd'));
      await put(store, resource('mesh', '', 'ls'));
      for (const s of ['ls\ud800', 'ls\u0000', '\u0000']) {
        assert.equal(await store.get('mesh', '', s), undefined);
        assert.equal(await store.getByArn(`arn:aws:test:eu-west-1:111122223333:mesh/${s}`), undefined);
        assert.equal(await store.transact((tx) => tx.get('mesh', '', s)), undefined);
        assert.equal(await store.transact((tx) => tx.delete('mesh', '', s)), false);
        await assert.rejects(store.list('mesh', s), StoreInvalidValueError);
        await assert.rejects(store.list('mesh', '', { after: s }), StoreInvalidValueError);
        await assert.rejects(store.count('mesh', s), StoreInvalidValueError);
        await assert.rejects(store.listKind('mesh', s), StoreInvalidValueError);
      }
      assert.equal((await store.list('mesh', '')).length, 2, 'the rows that could be stored are untouched');
    });

    test('leases: one holder at a time, renewable, releasable, taken over after expiry', async (store) => {
      assert.equal(await store.tryAcquireLease('job', 'h1', 60_000), true);
      assert.equal(await store.tryAcquireLease('job', 'h1', 60_000), true, 'renewal by the holder');
      assert.equal(await store.tryAcquireLease('job', 'h2', 60_000), false);
      assert.equal(await store.tryAcquireLease('other-job', 'h2', 60_000), true, 'leases are per name');
      assert.equal(await store.releaseLease('job', 'h2'), false, 'only the holder releases');
      assert.equal(await store.tryAcquireLease('job', 'h2', 60_000), false);
      assert.equal(await store.releaseLease('job', 'h1'), true);
      assert.equal(await store.tryAcquireLease('job', 'h2', 150), true);
      assert.equal(await store.tryAcquireLease('job', 'h1', 60_000), false);
      await sleep(300); // the 150 ms lease expires: nothing but time ends it
      assert.equal(await store.tryAcquireLease('job', 'h1', 60_000), true, 'takeover after expiry');
      assert.equal(await store.tryAcquireLease('job', 'h2', 60_000), false);
      // Leases are not resources: no change, no revision.
      assert.equal(await store.revision(), 0);
    });
  });
}

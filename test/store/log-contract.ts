// The LogStore contract (CloudWatch Logs tables): every backend must pass these tests. Each
// test uses its own group names, so backends may share one database between tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/types.js';

let seq = 0;
const unique = (what: string) => `/contract/${process.pid}-${Date.now()}-${++seq}/${what}`;
const group = (name: string) => ({
  name,
  createdAt: 1_700_000_000_000,
  logGroupClass: 'STANDARD',
  deletionProtection: false,
  tags: {},
});
const DAY = 86_400_000;

export function logStoreContract(
  name: string,
  open: () => Promise<Store>,
  close: (store: Store) => Promise<void> = (s) => s.close(),
): void {
  async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await close(store);
    }
  }

  describe(`log store contract: ${name}`, () => {
    it('groups: create once, list by prefix, substring and class in byte order, retention, tags, protection', () =>
      withStore(async (store) => {
        const logs = store.logs;
        const base = unique('g');
        assert.equal(await logs.createGroup({ ...group(`${base}/b`), tags: { k: 'v' } }, 1_000_000), 'created');
        assert.equal(await logs.createGroup(group(`${base}/b`), 1_000_000), 'exists');
        assert.equal(
          await logs.createGroup(
            { ...group(`${base}/A`), logGroupClass: 'INFREQUENT_ACCESS', kmsKeyId: 'arn:k' },
            1_000_000,
          ),
          'created',
        );
        assert.equal(await logs.createGroup(group(`${base}/c-Data`), 1_000_000), 'created');
        const listed = await logs.listGroups({ prefix: `${base}/`, limit: 10 });
        assert.deepEqual(
          listed.map((g) => g.name),
          [`${base}/A`, `${base}/b`, `${base}/c-Data`],
        );
        assert.deepEqual(listed[1], {
          name: `${base}/b`,
          createdAt: 1_700_000_000_000,
          logGroupClass: 'STANDARD',
          deletionProtection: false,
          tags: { k: 'v' },
          storedBytes: 0,
        });
        assert.equal(listed[0]!.kmsKeyId, 'arn:k');
        assert.deepEqual(
          (await logs.listGroups({ prefix: `${base}/`, after: `${base}/A`, limit: 1 })).map((g) => g.name),
          [`${base}/b`],
        );
        assert.deepEqual(
          (await logs.listGroups({ contains: `${base.slice(1)}/c-D`, limit: 10 })).map((g) => g.name),
          [`${base}/c-Data`],
        );
        assert.deepEqual(await logs.listGroups({ contains: `${base.slice(1)}/c-d`, limit: 10 }), [], 'case-sensitive');
        assert.deepEqual(
          (await logs.listGroups({ prefix: `${base}/`, logGroupClass: 'INFREQUENT_ACCESS', limit: 10 })).map(
            (g) => g.name,
          ),
          [`${base}/A`],
        );

        assert.equal(await logs.setRetention(`${base}/b`, 30), true);
        assert.equal((await logs.getGroup(`${base}/b`))?.retentionDays, 30);
        assert.equal(await logs.setRetention(`${base}/b`, null), true);
        assert.equal((await logs.getGroup(`${base}/b`))?.retentionDays, undefined);
        assert.equal(await logs.setRetention(`${base}/none`, 1), false);
        assert.equal(await logs.updateTags(`${base}/b`, (t) => ({ ...t, x: 'y' })), true);
        assert.deepEqual((await logs.getGroup(`${base}/b`))?.tags, { k: 'v', x: 'y' });
        assert.equal(await logs.updateTags(`${base}/none`, (t) => t), false);
        assert.equal(await logs.setDeletionProtection(`${base}/b`, true), true);
        assert.equal((await logs.getGroup(`${base}/b`))?.deletionProtection, true);

        const total = (await logs.listGroups({ limit: 1_000_000 })).length;
        assert.equal(await logs.createGroup(group(`${base}/over`), total), 'limit');
        assert.equal(await logs.getGroup(`${base}/over`), undefined);
      }));

    it('streams: create in a group, list by name and by last event time both ways, delete with their events', () =>
      withStore(async (store) => {
        const logs = store.logs;
        const g = unique('s');
        assert.equal(await logs.createStream(g, 'x', 1, 10), 'no-group');
        await logs.createGroup(group(g), 1_000_000);
        for (const s of ['b', 'a', 'c']) assert.equal(await logs.createStream(g, s, 5, 10), 'created');
        assert.equal(await logs.createStream(g, 'a', 5, 10), 'exists');
        assert.equal(await logs.createStream(g, 'd', 5, 3), 'limit');
        await logs.appendEvents(g, 'c', [{ timestamp: 100, message: 'c1' }], 1000);
        await logs.appendEvents(
          g,
          'a',
          [
            { timestamp: 200, message: 'a1' },
            { timestamp: 300, message: 'a2' },
          ],
          2000,
        );
        await logs.appendEvents(g, 'a', [{ timestamp: 50, message: 'a0' }], 3000);

        const names = (q: Parameters<typeof logs.listStreams>[1]) =>
          logs.listStreams(g, q).then((r) => r.map((s) => s.name));
        assert.deepEqual(await names({ orderBy: 'name', descending: false, limit: 10 }), ['a', 'b', 'c']);
        assert.deepEqual(await names({ orderBy: 'name', descending: true, limit: 10 }), ['c', 'b', 'a']);
        assert.deepEqual(
          await names({ orderBy: 'name', descending: true, after: { name: 'c', lastEventTimestamp: 0 }, limit: 1 }),
          ['b'],
        );
        assert.deepEqual(await names({ orderBy: 'name', descending: false, prefix: 'b', limit: 10 }), ['b']);
        assert.deepEqual(await names({ orderBy: 'lastEventTime', descending: false, limit: 10 }), ['b', 'c', 'a']);
        assert.deepEqual(await names({ orderBy: 'lastEventTime', descending: true, limit: 10 }), ['a', 'c', 'b']);
        assert.deepEqual(
          await names({
            orderBy: 'lastEventTime',
            descending: false,
            after: { name: 'c', lastEventTimestamp: 100 },
            limit: 10,
          }),
          ['a'],
        );
        const a = await logs.getStream(g, 'a');
        assert.deepEqual(a, {
          name: 'a',
          createdAt: 5,
          firstEventTimestamp: 50,
          lastEventTimestamp: 300,
          lastIngestionTime: 3000,
        });
        assert.deepEqual(await logs.getStream(g, 'b'), { name: 'b', createdAt: 5 });
        assert.equal((await logs.getGroup(g))?.storedBytes, 8);

        assert.equal(await logs.deleteStream(g, 'a'), true);
        assert.equal(await logs.deleteStream(g, 'a'), false);
        assert.deepEqual(
          (await logs.scanGroup(g, { limit: 10 })).map((e) => e.message),
          ['c1'],
        );
        assert.equal((await logs.getGroup(g))?.storedBytes, 2);
        assert.equal(await logs.appendEvents(g, 'a', [{ timestamp: 1, message: 'x' }], 1), 'no-stream');
        assert.equal(await logs.appendEvents(`${g}-none`, 'a', [{ timestamp: 1, message: 'x' }], 1), 'no-group');
        assert.equal(await logs.deleteGroup(g), true);
        assert.equal(await logs.deleteGroup(g), false);
        assert.equal(await logs.getStream(g, 'c'), undefined);
        assert.deepEqual(await logs.scanGroup(g, { limit: 10 }), []);
      }));

    it('events: one stream forward and backward from a position, with start (inclusive) and end (exclusive) times', () =>
      withStore(async (store) => {
        const logs = store.logs;
        const g = unique('e');
        await logs.createGroup(group(g), 1_000_000);
        await logs.createStream(g, 's', 1, 10);
        await logs.appendEvents(
          g,
          's',
          [10, 20, 20, 30, 40].map((t, i) => ({ timestamp: t, message: `m${i}` })),
          7,
        );
        const fwd = await logs.readStream(g, 's', { direction: 'forward', limit: 10 });
        assert.deepEqual(
          fwd.map((e) => e.message),
          ['m0', 'm1', 'm2', 'm3', 'm4'],
        );
        assert.deepEqual(
          fwd.map((e) => [e.stream, e.timestamp, e.ingestionTime]),
          [
            ['s', 10, 7],
            ['s', 20, 7],
            ['s', 20, 7],
            ['s', 30, 7],
            ['s', 40, 7],
          ],
        );
        assert.ok(fwd[1]!.id < fwd[2]!.id, 'equal timestamps keep ingestion order');
        const after = await logs.readStream(g, 's', {
          direction: 'forward',
          from: { timestamp: fwd[1]!.timestamp, id: fwd[1]!.id },
          limit: 2,
        });
        assert.deepEqual(
          after.map((e) => e.message),
          ['m2', 'm3'],
        );
        const back = await logs.readStream(g, 's', { direction: 'backward', limit: 2 });
        assert.deepEqual(
          back.map((e) => e.message),
          ['m4', 'm3'],
        );
        const before = await logs.readStream(g, 's', {
          direction: 'backward',
          from: { timestamp: fwd[2]!.timestamp, id: fwd[2]!.id },
          limit: 10,
        });
        assert.deepEqual(
          before.map((e) => e.message),
          ['m1', 'm0'],
        );
        const ranged = await logs.readStream(g, 's', { direction: 'forward', startTime: 20, endTime: 40, limit: 10 });
        assert.deepEqual(
          ranged.map((e) => e.message),
          ['m1', 'm2', 'm3'],
        );
        assert.deepEqual(await logs.readStream(g, 'missing', { direction: 'forward', limit: 10 }), []);
      }));

    it('events: a group scan interleaves streams in time order, by stream list, prefix, inclusive times and cursor', () =>
      withStore(async (store) => {
        const logs = store.logs;
        const g = unique('scan');
        await logs.createGroup(group(g), 1_000_000);
        for (const s of ['web-1', 'web-2', 'db']) await logs.createStream(g, s, 1, 10);
        await logs.appendEvents(
          g,
          'web-1',
          [
            { timestamp: 1, message: 'w1a' },
            { timestamp: 4, message: 'w1b' },
          ],
          9,
        );
        await logs.appendEvents(
          g,
          'web-2',
          [
            { timestamp: 2, message: 'w2a' },
            { timestamp: 5, message: 'w2b' },
          ],
          9,
        );
        await logs.appendEvents(g, 'db', [{ timestamp: 3, message: 'db' }], 9);
        const msgs = (q: Parameters<typeof logs.scanGroup>[1]) =>
          logs.scanGroup(g, q).then((r) => r.map((e) => e.message));
        assert.deepEqual(await msgs({ limit: 10 }), ['w1a', 'w2a', 'db', 'w1b', 'w2b']);
        assert.deepEqual(await msgs({ streams: ['db', 'web-2'], limit: 10 }), ['w2a', 'db', 'w2b']);
        assert.deepEqual(await msgs({ streamPrefix: 'web', limit: 10 }), ['w1a', 'w2a', 'w1b', 'w2b']);
        assert.deepEqual(await msgs({ startTime: 2, endTime: 4, limit: 10 }), ['w2a', 'db', 'w1b']);
        assert.deepEqual(await msgs({ contains: ['w', 'b'], limit: 10 }), ['w1b', 'w2b']);
        assert.deepEqual(await msgs({ contains: ['W'], limit: 10 }), [], 'case-sensitive');
        const first = await logs.scanGroup(g, { limit: 2 });
        const last = first[first.length - 1]!;
        assert.deepEqual(await msgs({ after: { timestamp: last.timestamp, id: last.id }, limit: 10 }), [
          'db',
          'w1b',
          'w2b',
        ]);
        assert.deepEqual(
          (await logs.scanGroup(g, { limit: 10 })).map((e) => e.stream),
          ['web-1', 'web-2', 'db', 'web-1', 'web-2'],
        );
        // A cursor inside a run of equal timestamps continues after it, without repeats or gaps.
        await logs.appendEvents(
          g,
          'db',
          [
            { timestamp: 9, message: 't1' },
            { timestamp: 9, message: 't2' },
            { timestamp: 9, message: 't3' },
          ],
          9,
        );
        const equal = await logs.scanGroup(g, { startTime: 9, limit: 2 });
        const cursor = equal[1]!;
        assert.deepEqual(
          await msgs({ startTime: 9, after: { timestamp: cursor.timestamp, id: cursor.id }, limit: 10 }),
          ['t3'],
        );
      }));

    it("retention: expiry deletes only events past their group's retention, in bounded batches", () =>
      withStore(async (store) => {
        const logs = store.logs;
        const kept = unique('keep');
        const expiring = unique('expire');
        const now = 100 * DAY;
        for (const g of [kept, expiring]) {
          await logs.createGroup(group(g), 1_000_000);
          await logs.createStream(g, 's', 1, 10);
          await logs.appendEvents(
            g,
            's',
            [
              { timestamp: now - 10 * DAY, message: 'old1' },
              { timestamp: now - 9 * DAY, message: 'old2' },
              { timestamp: now - DAY / 2, message: 'new' },
            ],
            now,
          );
        }
        await logs.setRetention(expiring, 1);
        let removed = 0;
        for (let i = 0; i < 10; i++) {
          const n = await logs.expireEvents(now, 1);
          removed += n;
          if (n === 0) break;
        }
        assert.ok(removed >= 2);
        assert.deepEqual(
          (await logs.scanGroup(expiring, { limit: 10 })).map((e) => e.message),
          ['new'],
        );
        assert.deepEqual(
          (await logs.scanGroup(kept, { limit: 10 })).map((e) => e.message),
          ['old1', 'old2', 'new'],
        );
        assert.equal((await logs.getGroup(expiring))?.storedBytes, 3);
      }));

    it('appends: concurrent batches to one and to several streams all land, each whole', () =>
      withStore(async (store) => {
        const logs = store.logs;
        const g = unique('conc');
        await logs.createGroup(group(g), 1_000_000);
        for (const s of ['a', 'b']) await logs.createStream(g, s, 1, 10);
        const batch = (tag: string) =>
          Array.from({ length: 50 }, (_, i) => ({ timestamp: 1000 + i, message: `${tag}-${i}` }));
        await Promise.all(
          Array.from({ length: 12 }, (_, i) => logs.appendEvents(g, i % 3 === 0 ? 'b' : 'a', batch(`b${i}`), 5)),
        );
        const all = await logs.scanGroup(g, { limit: 10_000 });
        assert.equal(all.length, 600);
        for (let i = 0; i < 12; i++) assert.equal(all.filter((e) => e.message.startsWith(`b${i}-`)).length, 50);
      }));
  });
}

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { put, resource, storeContract } from './contract.js';

const root = mkdtempSync(join(tmpdir(), 'appmeshd-sqlite-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const tempFile = () => join(root, `t${++n}`, 'appmeshd.db');

const files = new Map<Store, string>();
storeContract(
  'sqlite (file)',
  async () => {
    const file = tempFile();
    const store = new SqliteStore(file);
    files.set(store, file);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(join(files.get(store)!, '..'), { recursive: true, force: true });
    files.delete(store);
  },
);

storeContract('sqlite (:memory:)', async () => new SqliteStore(':memory:'));

describe('sqlite store', () => {
  it('keeps committed data and the revision sequence across close and reopen', async () => {
    const file = tempFile();
    const first = new SqliteStore(file);
    const a = await put(
      first,
      resource('mesh', '', 'durable', { spec: { x: 'ü' }, tags: [{ key: 'k', value: 'v' }], clientToken: 't' }),
    );
    await first.transact(async (tx) => {
      await tx.put(resource('mesh', '', 'deleted'));
      await tx.delete('mesh', '', 'deleted');
    });
    const rev = await first.revision();
    await first.close();

    const second = new SqliteStore(file);
    try {
      assert.deepEqual(await second.get('mesh', '', 'durable'), a);
      assert.equal(await second.get('mesh', '', 'deleted'), undefined);
      assert.equal(await second.revision(), rev);
      assert.equal((await second.changesSince(0)).length, 3);
      const b = await put(second, resource('mesh', '', 'next'));
      assert.ok(b.revision > rev);
    } finally {
      await second.close();
    }
  });

  it('migrates an older schema forward without losing rows, and only once', async () => {
    const file = tempFile();
    mkdirSync(join(file, '..'), { recursive: true });
    // A database as the first release left it: schema step 1 only.
    const old = new Database(file);
    old.exec(sqliteMigrations[0]!);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO resources VALUES ('mesh', '', 'legacy', 'arn:legacy', 'u1', 4, 'ACTIVE', 1, 2, '{"a":1}', '[]', NULL, 1)`,
      )
      .run();
    old.prepare(`INSERT INTO changes (op, kind, scope, name) VALUES ('put', 'mesh', '', 'legacy')`).run();
    old.close();

    const store = new SqliteStore(file);
    try {
      const legacy = await store.get('mesh', '', 'legacy');
      assert.equal(legacy?.version, 4);
      assert.deepEqual(legacy?.spec, { a: 1 });
      assert.equal(await store.revision(), 1);
      assert.equal(await store.tryAcquireLease('job', 'me', 1000), true, 'the leases table exists');
      await put(store, resource('mesh', '', 'new'));
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), sqliteMigrations.length);
    check.close();
    // Reopening an up-to-date file runs nothing again.
    const again = new SqliteStore(file);
    try {
      assert.equal(await again.count('mesh', ''), 2);
    } finally {
      await again.close();
    }
  });

  it('forgets leases of a previous process on open', async () => {
    const file = tempFile();
    const first = new SqliteStore(file);
    assert.equal(await first.tryAcquireLease('job', 'old-process', 60_000), true);
    await first.close();
    const second = new SqliteStore(file);
    try {
      assert.equal(await second.tryAcquireLease('job', 'new-process', 60_000), true);
    } finally {
      await second.close();
    }
  });

  it('rejects transact() nested in a transaction body instead of deadlocking', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await assert.rejects(
        store.transact(() => store.transact(async () => 1)),
        /inside a transaction body/,
      );
      // Store reads inside a body do not wait for the body itself.
      await store.transact(async (tx) => {
        await tx.put(resource('mesh', '', 'a'));
        assert.equal((await store.get('mesh', '', 'a'))?.name, 'a');
      });
    } finally {
      await store.close();
    }
  });

  it('openStore picks SQLite at <dataDir>/appmeshd.db without a postgres URL', async () => {
    const dir = join(root, 'open');
    for (const url of [undefined, '']) {
      const store = await openStore(url, dir);
      assert.equal(store.backend, 'sqlite');
      await store.close();
    }
    assert.ok(existsSync(join(dir, 'appmeshd.db')));
    await assert.rejects(openStore('mysql://localhost/db', dir), /unsupported store URL/);
  });
});

// The LogStore contract on SQLite (file and in-memory), and durability across a reopen.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { logStoreContract } from './log-contract.js';

const root = mkdtempSync(join(tmpdir(), 'appmeshd-logs-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
const file = join(root, 'appmeshd.db');

logStoreContract('sqlite (file)', async () => new SqliteStore(file));
logStoreContract('sqlite (:memory:)', async () => new SqliteStore(':memory:'));

it('an acknowledged append survives closing and reopening the database', async () => {
  const path = join(root, 'durable', 'appmeshd.db');
  const first = new SqliteStore(path);
  await first.logs.createGroup(
    { name: '/d', createdAt: 1, logGroupClass: 'STANDARD', deletionProtection: false, tags: {} },
    10,
  );
  await first.logs.createStream('/d', 's', 1, 10);
  assert.equal(await first.logs.appendEvents('/d', 's', [{ timestamp: 5, message: 'kept' }], 6), 'appended');
  await first.close();
  const second = new SqliteStore(path);
  try {
    assert.deepEqual(
      (await second.logs.readStream('/d', 's', { direction: 'forward', limit: 10 })).map((e) => e.message),
      ['kept'],
    );
  } finally {
    await second.close();
  }
});

// A mesh snapshot whose rebuild fails because the store became unreachable (a change was
// seen, then the database went away before it could be read) is rebuilt once the store
// answers again, without waiting for another change to that mesh.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind } from '../../src/appmesh/kinds.js';
import { noCloudMap } from '../../src/mesh/cloud-map.js';
import { MeshSnapshotFeed, type MeshSnapshotEntry } from '../../src/mesh/feed.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { StoreUnavailableError, type Store } from '../../src/store/types.js';
import { poll, until } from '../helpers/wait.js';

let dir: string;
let store: SqliteStore;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'appmeshd-feed-retry-'));
  store = new SqliteStore(join(dir, 'store.db'));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The store as a replica sees it: reads fail while `down` (counted), the change feed still arrives. */
function unreachable(target: Store): { store: Store; down: boolean; failedReads: number } {
  const ctl = { down: false, failedReads: 0, store: undefined as unknown as Store };
  const reads = new Set(['get', 'getByArn', 'list', 'listKind', 'count', 'revision']);
  ctl.store = new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function') return v;
      if (reads.has(String(prop))) {
        return (...args: unknown[]) => {
          if (!ctl.down) return v.apply(t, args);
          ctl.failedReads++;
          return Promise.reject(new StoreUnavailableError('database unreachable'));
        };
      }
      return v.bind(t);
    },
  });
  return ctl;
}

async function putMesh(egress: 'ALLOW_ALL' | 'DROP_ALL', version: number): Promise<void> {
  const now = Date.now();
  await store.transact((tx) =>
    tx.put({
      kind: Kind.mesh,
      scope: '',
      name: 'm',
      arn: 'arn:aws:appmesh:us-east-1:111122223333:mesh/m',
      uid: 'u',
      version,
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      spec: { egressFilter: { type: egress } },
      tags: [],
    }),
  );
}

it('a rebuild that failed on an unreachable store is retried when it answers again', async () => {
  await putMesh('DROP_ALL', 1);
  const ctl = unreachable(store);
  const feed = new MeshSnapshotFeed({
    store: ctl.store,
    region: 'us-east-1',
    accountId: '111122223333',
    cloudMap: noCloudMap,
    debounceMs: 5,
  });
  feed.start();
  try {
    const first = await feed.current('m');
    assert.ok(first);
    const seen: (MeshSnapshotEntry | undefined)[] = [];
    feed.listen((_mesh, entry) => seen.push(entry));
    ctl.down = true;
    await putMesh('ALLOW_ALL', 2);
    await until(() => ctl.failedReads > 0, { timeoutMs: 3000, what: 'the rebuild to read the unreachable store' });
    assert.equal(seen.length, 0);
    ctl.down = false;
    await poll(() => seen.length, { until: (n) => n > 0, timeoutMs: 3000 });
    assert.equal(seen.length, 1, 'the snapshot was not rebuilt after the store came back');
    assert.notEqual(seen[0]?.hash, first.hash);
  } finally {
    feed.stop();
  }
});

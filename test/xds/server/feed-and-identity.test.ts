// Mesh snapshots follow the change feed (only touched meshes, content-hashed), and node ids
// parse in every form App Mesh accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceArn } from '../../../src/appmesh/arn.js';
import { Kind, type MeshKind } from '../../../src/appmesh/kinds.js';
import { noCloudMap } from '../../../src/mesh/cloud-map.js';
import { MeshSnapshotFeed, type MeshSnapshotEntry } from '../../../src/mesh/feed.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/types.js';
import { parseNodeId } from '../../../src/xds/identity.js';
import { poll, sleep, until } from '../../helpers/wait.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';

async function put(
  store: Store,
  kind: MeshKind,
  mesh: string,
  name: string,
  spec: unknown,
  version = 1,
): Promise<void> {
  const scope = kind === Kind.mesh ? '' : mesh;
  await store.transact(async (tx) => {
    const existing = await tx.get(kind, scope, name);
    await tx.put({
      kind,
      scope,
      name,
      arn: resourceArn(REGION, ACCOUNT, kind, mesh, name),
      uid: existing?.uid ?? `${kind}-${name}`,
      version,
      status: 'ACTIVE',
      createdAt: 1,
      updatedAt: 1,
      spec,
      tags: [],
    });
  });
}

test('the feed rebuilds only touched meshes, once per burst, and only when content changed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'appmeshd-feed-'));
  const store = await openStore(undefined, dir);
  const feed = new MeshSnapshotFeed({
    store,
    region: REGION,
    accountId: ACCOUNT,
    cloudMap: noCloudMap,
    debounceMs: 10,
  });
  try {
    feed.start();
    for (const m of ['a', 'b']) await put(store, Kind.mesh, m, m, {});
    const a0 = (await feed.current('a'))!;
    const b0 = (await feed.current('b'))!;
    assert.equal(a0.snapshot.meshName, 'a');
    assert.equal(await feed.current('missing'), undefined);
    const heard: [string, MeshSnapshotEntry | undefined][] = [];
    feed.listen((mesh, entry) => heard.push([mesh, entry]));

    await put(store, Kind.virtualNode, 'a', 'vn1', { listeners: [] });
    await put(store, Kind.virtualNode, 'a', 'vn2', { listeners: [] });
    await until(() => heard.length > 0, { timeoutMs: 5000, what: 'the rebuild of mesh a' });
    // A few debounce intervals more, in which a second rebuild (of a or of b) must not come.
    await sleep(50);
    assert.deepEqual(
      heard.map(([m]) => m),
      ['a'],
      'one rebuild for the burst, none for mesh b',
    );
    const a1 = heard[0]![1]!;
    assert.notEqual(a1.hash, a0.hash);
    assert.ok(a1.revision > a0.revision);
    assert.deepEqual([...a1.snapshot.virtualNodes.keys()], ['vn1', 'vn2']);
    assert.equal((await feed.current('b'))!.hash, b0.hash);
    assert.ok(Object.isFrozen(a1.snapshot));

    await put(store, Kind.virtualNode, 'a', 'vn1', { listeners: [] }, 2);
    await poll(() => heard.length, { until: (n) => n >= 2, timeoutMs: 5000 });
    assert.equal(heard.length, 2, 'a new version of a row is a new snapshot');
  } finally {
    feed.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('node ids: short form, ARN, shared mesh, and what is refused', () => {
  assert.deepEqual(parseNodeId('mesh/m/virtualNode/vn'), { kind: 'virtualNode', meshName: 'm', name: 'vn' });
  assert.deepEqual(parseNodeId('mesh/m/virtualGateway/gw'), { kind: 'virtualGateway', meshName: 'm', name: 'gw' });
  assert.deepEqual(parseNodeId('arn:aws:appmesh:eu-west-1:123456789012:mesh/m/virtualNode/vn'), {
    kind: 'virtualNode',
    meshName: 'm',
    name: 'vn',
    meshOwner: '123456789012',
    region: 'eu-west-1',
  });
  assert.deepEqual(parseNodeId('mesh/m@123456789012/virtualNode/vn'), {
    kind: 'virtualNode',
    meshName: 'm',
    name: 'vn',
    meshOwner: '123456789012',
  });
  for (const bad of [
    '',
    'vn',
    'mesh/m/virtualService/vs',
    'mesh/m/virtualNode',
    'mesh/m/virtualNode/a/b',
    'mesh/m@owner/virtualNode/vn',
  ]) {
    assert.equal(parseNodeId(bad), undefined, bad);
  }
});

// Durability: SIGKILL during concurrent writes loses no acknowledged write; SIGTERM stops cleanly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppMesh } from '@aws-sdk/client-app-mesh';
import { startServer } from '../helpers/server.js';
import { httpNode, meshClient } from './fixtures.js';

const WRITERS = 8;
const KILL_AFTER_ACKS = 160;

test('every write acknowledged before SIGKILL is there after restart', async () => {
  const room = ['--quota', 'virtualNodesPerMesh=100000'];
  const first = await startServer({ args: room });
  const dataDir = first.dataDir;
  let mesh: AppMesh | undefined = meshClient(first);
  try {
    await mesh.createMesh({ meshName: 'crash' });
    // Acknowledged writes: node name → the version the server confirmed.
    const acked = new Map<string, number>();
    let killing: Promise<void> | undefined;
    const failures: unknown[] = [];

    const writer = async (w: number) => {
      for (let i = 0; ; i++) {
        const name = `w${w}-n${i}`;
        try {
          const created = await mesh!.createVirtualNode({
            meshName: 'crash',
            virtualNodeName: name,
            spec: httpNode(`${name}.local`),
          });
          acked.set(name, created.virtualNode!.metadata!.version!);
          if (i % 3 === 0) {
            const updated = await mesh!.updateVirtualNode({
              meshName: 'crash',
              virtualNodeName: name,
              spec: httpNode(`${name}.local`, 9000),
            });
            acked.set(name, updated.virtualNode!.metadata!.version!);
          }
        } catch (err) {
          if (!killing) failures.push(err);
          return; // the server is gone: this write was not acknowledged
        }
        if (acked.size >= KILL_AFTER_ACKS && !killing) killing = first.kill();
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await killing;
    assert.deepEqual(failures, [], 'no write failed before the kill');
    assert.equal(first.process.signalCode, 'SIGKILL');
    assert.ok(acked.size >= KILL_AFTER_ACKS);
    mesh.destroy();

    const second = await startServer({ dataDir, args: room });
    mesh = meshClient(second);
    try {
      const missing: string[] = [];
      const reader = mesh;
      for (const [name, version] of acked) {
        const vn = await reader
          .describeVirtualNode({ meshName: 'crash', virtualNodeName: name })
          .catch(() => undefined);
        if (!vn) {
          missing.push(name);
          continue;
        }
        // A write in flight at the kill may also have landed, so the version is at least the acknowledged one.
        assert.ok(
          vn.virtualNode!.metadata!.version! >= version,
          `${name}: version ${vn.virtualNode!.metadata!.version} < acknowledged ${version}`,
        );
        if (version === 2) assert.equal(vn.virtualNode!.spec!.listeners![0]!.portMapping!.port, 9000);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged writes were lost`);
      // The store is still writable and consistent after recovery.
      const listed: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await mesh.listVirtualNodes({
          meshName: 'crash',
          limit: 100,
          ...(nextToken ? { nextToken } : {}),
        });
        listed.push(...(page.virtualNodes ?? []).map((n) => n.virtualNodeName!));
        nextToken = page.nextToken;
      } while (nextToken);
      for (const name of acked.keys()) assert.ok(listed.includes(name), `${name} is listed`);
      await mesh.createVirtualNode({ meshName: 'crash', virtualNodeName: 'after-restart', spec: {} });
    } finally {
      mesh.destroy();
      await second.stop();
    }
  } finally {
    mesh?.destroy();
    await first.kill();
    first.cleanup();
  }
});

test('SIGTERM with an open keep-alive connection exits 0 and logs that it stopped', async () => {
  const server = await startServer();
  const mesh = meshClient(server);
  try {
    await mesh.createMesh({ meshName: 'term' });
    // stop() sends SIGTERM and escalates to SIGKILL only after 10 s, so exit code 0 means it stopped by itself.
    const code = await server.stop();
    assert.equal(code, 0);
    assert.equal(server.process.signalCode, null);
    const messages = server.logs.map((l) => l.msg);
    assert.ok(messages.includes('shutting down'), messages.join(', '));
    assert.ok(messages.includes('stopped'), messages.join(', '));
    assert.ok(server.logs.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
  } finally {
    mesh.destroy();
    await server.kill();
    server.cleanup();
  }
});

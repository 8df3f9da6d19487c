// A replica cut off from the database by a silent network partition (packets vanish, no
// connection is refused or reset) must answer 503 in bounded time, not hang, and recover by
// itself when the network heals. A TCP relay between the replica and PostgreSQL plays the
// network: frozen, it forwards nothing and accepts connections it never serves.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { CreateMeshCommand, DescribeMeshCommand } from '@aws-sdk/client-app-mesh';
import { PG_SKIP_MESSAGE, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { poll } from '../helpers/wait.js';
import { startReplica, stopReplica, type Replica } from './cluster.js';

class Relay {
  private server: Server | undefined;
  private readonly pairs = new Set<[Socket, Socket | undefined]>();
  frozen = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((down) => {
      const pair: [Socket, Socket | undefined] = [down, undefined];
      this.pairs.add(pair);
      down.on('error', () => undefined);
      down.on('close', () => {
        pair[1]?.destroy();
        this.pairs.delete(pair);
      });
      down.pause();
      const open = () => {
        const up = connect(this.target.port, this.target.host);
        pair[1] = up;
        up.on('error', () => down.destroy());
        up.on('close', () => down.destroy());
        this.wire(pair);
      };
      if (this.frozen) down.once('thaw', open);
      else open();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  private wire([down, up]: [Socket, Socket | undefined]): void {
    if (!up || this.frozen) return;
    down.on('data', (b) => {
      if (!up.write(b)) down.pause();
    });
    up.on('data', (b) => {
      if (!down.write(b)) up.pause();
    });
    up.on('drain', () => {
      if (!this.frozen) down.resume();
    });
    down.on('drain', () => {
      if (!this.frozen) up.resume();
    });
    down.resume();
    up.resume();
  }

  freeze(): void {
    this.frozen = true;
    for (const [down, up] of this.pairs) {
      down.pause();
      up?.pause();
    }
  }

  thaw(): void {
    this.frozen = false;
    for (const pair of this.pairs) {
      const [down, up] = pair;
      if (!up) {
        down.emit('thaw');
        continue;
      }
      if (down.listenerCount('data') === 0) this.wire(pair);
      down.resume();
      up.resume();
    }
  }

  async close(): Promise<void> {
    for (const [down, up] of this.pairs) {
      down.destroy();
      up?.destroy();
    }
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const pg: TestPostgres | undefined = await startTestPostgres();
let url: string;
let relay: Relay;
let replica: Replica;

before(async () => {
  if (!pg) return;
  url = await pg.createDatabase();
  const u = new URL(url);
  relay = new Relay({ host: u.hostname, port: Number(u.port || 5432) });
  await relay.start();
  u.host = `127.0.0.1:${relay.port}`;
  replica = await startReplica(u.toString());
});

after(async () => {
  if (replica) await stopReplica(replica);
  await relay?.close();
  if (pg) {
    await pg.dropDatabase(url).catch(() => undefined);
    await pg.close();
  }
});

async function outcome(p: Promise<unknown>): Promise<{ name: string; ms: number }> {
  const start = Date.now();
  try {
    await p;
    return { name: 'ok', ms: Date.now() - start };
  } catch (err) {
    return { name: (err as Error).name, ms: Date.now() - start };
  }
}

it('a replica behind a silent partition answers 503 in bounded time and recovers when it heals', {
  skip: pg ? false : PG_SKIP_MESSAGE,
  timeout: 80_000,
}, async (t) => {
  const { mesh, server } = replica;
  await mesh.send(new CreateMeshCommand({ meshName: 'before' }));
  relay.freeze();
  try {
    const [write, read, ready] = await Promise.all([
      outcome(mesh.send(new CreateMeshCommand({ meshName: 'during' }))),
      outcome(mesh.send(new DescribeMeshCommand({ meshName: 'before' }))),
      fetch(`${server.endpoint}/readyz`).then((r) => r.status),
    ]);
    const seen = `write ${write.name} after ${write.ms} ms, read ${read.name} after ${read.ms} ms, readyz ${ready}`;
    t.diagnostic(seen);
    assert.equal(write.name, 'ServiceUnavailableException', seen);
    assert.equal(read.name, 'ServiceUnavailableException', seen);
    assert.equal(ready, 503, seen);
    assert.ok(Math.max(write.ms, read.ms) < 20_000, `requests hung on the partitioned database: ${seen}`);
  } finally {
    relay.thaw();
  }
  const r = await poll(() => outcome(mesh.send(new CreateMeshCommand({ meshName: 'after' }))), {
    until: (o) => o.name === 'ok',
    timeoutMs: 20_000,
    intervalMs: 200,
  });
  assert.equal(r.name, 'ok', `no recovery after the partition healed (last: ${r.name})`);
  const described = await mesh.send(new DescribeMeshCommand({ meshName: 'before' }));
  assert.equal(described.mesh?.meshName, 'before');
});

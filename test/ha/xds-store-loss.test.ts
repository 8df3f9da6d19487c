// A replica that loses its database does not keep proxies on stale configuration: once the
// store has been unreachable for the grace period (--xds-store-grace-ms, short here) its ADS streams end with
// UNAVAILABLE (14), new streams are refused with 14 while the store is down, and streams are
// admitted (and configured) again as soon as it is back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateMeshCommand, CreateVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import { PG_SKIP_MESSAGE, type TestPostgres } from '../helpers/postgres.js';
import { AdsWatcher, CDS, LDS } from './ads.js';
import { startControllablePostgres, startReplica, stopReplica, type Replica } from './cluster.js';

const pg = await startControllablePostgres();
const GRACE_MS = 2000;
const NODE = 'mesh/lost/virtualNode/app';

describe('xDS streams of a replica without its database', {
  skip: !pg
    ? PG_SKIP_MESSAGE
    : pg.controllable
      ? false
      : 'needs a PostgreSQL server the test can stop (server binaries)',
}, () => {
  const db = pg as TestPostgres;
  let url: string;
  let replica: Replica;
  const watchers: AdsWatcher[] = [];
  const watch = () => {
    const s = replica.server;
    const w = new AdsWatcher(replica.xdsPort, NODE, { ...s.credentials, region: s.region });
    watchers.push(w);
    return w;
  };
  const configured = (w: AdsWatcher) => w.version(CDS) !== undefined && w.version(LDS) !== undefined;

  before(async () => {
    url = await db.createDatabase();
    replica = await startReplica(url, ['--xds-store-grace-ms', String(GRACE_MS)]);
    await replica.mesh.send(new CreateMeshCommand({ meshName: 'lost' }));
    await replica.mesh.send(
      new CreateVirtualNodeCommand({
        meshName: 'lost',
        virtualNodeName: 'app',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: 'app.lost.local' } },
        },
      }),
    );
  });
  after(async () => {
    for (const w of watchers) w.close();
    if (replica) await stopReplica(replica);
    if (db?.running) await db.dropDatabase(url).catch(() => undefined);
    await db?.close();
  });

  it('closes open streams with UNAVAILABLE after the grace period, refuses new ones, admits again when the store is back', async (t) => {
    const open = watch();
    await open.until(configured, 15_000, 'configuration');
    let closedAt: number | undefined;
    void open.status.then(() => {
      closedAt = Date.now();
    });

    const stoppedAt = Date.now();
    await db.stop('fast');
    try {
      const status = await Promise.race([
        open.status,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the stream was still open after grace + 5 s')), GRACE_MS + 5000),
        ),
      ]);
      const after = (closedAt ?? Date.now()) - stoppedAt;
      t.diagnostic(`stream closed ${after} ms after the database stopped: ${status.code} ${status.details}`);
      assert.equal(status.code, 14, `UNAVAILABLE, not ${status.code} ${status.details}`);
      assert.ok(after >= GRACE_MS - 1000, `closed after ${after} ms, before the grace period`);

      const refused = watch();
      const again = await Promise.race([
        refused.status,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a new stream was not refused')), 5000)),
      ]);
      assert.equal(again.code, 14, `a new stream while the store is down: ${again.code} ${again.details}`);
      assert.equal(refused.version(CDS), undefined, 'no configuration while the store is down');
    } finally {
      await db.start();
    }

    // Back: a new stream is admitted and configured (retrying as Envoy does until the replica sees the store).
    const deadline = Date.now() + 15_000;
    for (;;) {
      const w = watch();
      const outcome = await Promise.race([
        w.until(configured, 3000, 'configuration').then(
          () => 'configured' as const,
          () => 'waiting' as const,
        ),
        w.status.then((s) => s),
      ]);
      if (outcome === 'configured') break;
      if (outcome !== 'waiting') assert.equal(outcome.code, 14, `refused with ${outcome.code} ${outcome.details}`);
      w.close();
      assert.ok(Date.now() < deadline, 'no stream admitted within 15 s of the database coming back');
      await new Promise((r) => setTimeout(r, 250));
    }
  });
});

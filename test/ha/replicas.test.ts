// Three appmeshd replicas on one PostgreSQL database behave like one control plane:
// writes through any replica are seen through all; client tokens, name uniqueness and
// references hold across replicas; an ADS client on one replica sees a change made through
// another within a second, and all replicas serve the same versions; losing the database
// turns requests into 503s until it is back; a replica SIGKILLed under write load loses no
// acknowledged write and its proxy fails over to a survivor without a version change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  DeleteMeshCommand,
  DescribeMeshCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  ListVirtualNodesCommand,
  UpdateVirtualNodeCommand,
  type VirtualNodeSpec,
} from '@aws-sdk/client-app-mesh';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AppMeshClient, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { CertificateAuthority } from '../../src/endpoints/ca/authority.js';
import { PG_SKIP_MESSAGE, type TestPostgres } from '../helpers/postgres.js';
import { poll, sleep, until } from '../helpers/wait.js';
import { AdsWatcher, CDS, LDS } from './ads.js';
import { startControllablePostgres, startReplica, stopReplica, type Replica } from './cluster.js';

const pg = await startControllablePostgres();
const errorName = (p: PromiseSettledResult<unknown>) => (p.status === 'rejected' ? (p.reason as Error).name : 'ok');

const MESH = 'ha';
const CLIENT_NODE = `mesh/${MESH}/virtualNode/client`;
const clientSpec = (port: number): VirtualNodeSpec => ({
  listeners: [{ portMapping: { port, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: 'client.ha.local' } },
});

async function expect503(p: Promise<unknown>, what: string): Promise<void> {
  const r = await Promise.allSettled([p]);
  const err =
    r[0]!.status === 'rejected' ? (r[0].reason as Error & { $metadata?: { httpStatusCode?: number } }) : undefined;
  assert.ok(err, `${what} succeeded while the database was down`);
  assert.equal(err.name, 'ServiceUnavailableException', `${what}: ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, 503);
}

async function allNodeNames(client: AppMeshClient, meshName: string): Promise<Set<string>> {
  const names = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListVirtualNodesCommand({ meshName, limit: 100, nextToken }));
    for (const n of page.virtualNodes ?? []) names.add(n.virtualNodeName!);
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

describe('three replicas on one PostgreSQL database', { skip: pg ? false : PG_SKIP_MESSAGE }, () => {
  const db = pg as TestPostgres;
  let url: string;
  let replicas: Replica[] = [];
  const watchers: AdsWatcher[] = [];
  let port = 9000;
  const r = (i: number) => replicas[i]!;
  const watch = (i: number) => {
    const s = r(i).server;
    const w = new AdsWatcher(r(i).xdsPort, CLIENT_NODE, { ...s.credentials, region: s.region });
    watchers.push(w);
    return w;
  };
  /**
   * A watcher that connects again, as Envoy does, while the replica refuses streams with UNAVAILABLE (14): right after
   * its database comes back, a replica refuses new streams until its own store health check has succeeded again.
   */
  const admittedWatch = async (i: number, ms = 30_000): Promise<AdsWatcher> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const w = watch(i);
      const configured = w
        .until(
          (x) => x.version(CDS) !== undefined && x.version(LDS) !== undefined,
          Math.max(1, deadline - Date.now()),
          'configuration',
        )
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      const outcome = await Promise.race([
        configured.then((err) => ({ err })),
        w.status.then((status) => ({ status })),
      ]);
      if ('err' in outcome) {
        if (outcome.err) throw outcome.err;
        return w;
      }
      assert.equal(
        outcome.status.code,
        14,
        `replica ${i} ended the stream with ${outcome.status.code}: ${outcome.status.details}`,
      );
      assert.ok(Date.now() < deadline, `replica ${i} kept refusing streams for ${ms} ms`);
      await sleep(100); // the reconnect backoff of a proxy
    }
  };
  const converged = (ws: AdsWatcher[]) =>
    ws.every((w) => w.version(CDS) && w.version(LDS) && w.fingerprint() === ws[0]!.fingerprint());

  before(async () => {
    url = await db.createDatabase();
    // Started together, so they also race to apply the migrations.
    replicas = await Promise.all([0, 1, 2].map(() => startReplica(url)));
    for (const rep of replicas) assert.ok(rep.xdsPort > 0, 'the ready line carries xdsPort');
  });

  after(async () => {
    for (const w of watchers) w.close();
    await Promise.all(replicas.map((rep) => stopReplica(rep)));
    if (db?.running) await db.dropDatabase(url).catch(() => undefined);
    await db?.close();
  });

  it('writes through each replica are visible through the others', async () => {
    await r(0).mesh.send(new CreateMeshCommand({ meshName: MESH }));
    await r(1).mesh.send(
      new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client', spec: clientSpec(port) }),
    );
    await r(2).mesh.send(
      new CreateVirtualRouterCommand({
        meshName: MESH,
        virtualRouterName: 'router',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    for (const rep of replicas) {
      assert.equal((await rep.mesh.send(new DescribeMeshCommand({ meshName: MESH }))).mesh?.status?.status, 'ACTIVE');
      const node = await rep.mesh.send(new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client' }));
      assert.equal(node.virtualNode?.spec?.listeners?.[0]?.portMapping?.port, port);
      await rep.mesh.send(new DescribeVirtualRouterCommand({ meshName: MESH, virtualRouterName: 'router' }));
    }
  });

  it('an access key created through one replica works through the others, and stops working everywhere once deleted', async () => {
    const s0 = r(0).server;
    const iam = new IAMClient({
      endpoint: s0.endpoint,
      region: s0.region,
      credentials: s0.credentials,
      maxAttempts: 1,
    });
    try {
      await iam.send(new CreateUserCommand({ UserName: 'ha-operator' }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: 'ha-operator',
          PolicyName: 'appmesh',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'appmesh:*', Resource: '*' }],
          }),
        }),
      );
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ha-operator' }))).AccessKey!;
      const as = (i: number) =>
        new AppMeshClient({
          endpoint: r(i).server.endpoint,
          region: s0.region,
          maxAttempts: 1,
          credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
        });
      const clients = [as(1), as(2)];
      for (const c of clients) await c.send(new ListMeshesCommand({}));
      await iam.send(new DeleteAccessKeyCommand({ UserName: 'ha-operator', AccessKeyId: key.AccessKeyId! }));
      for (const c of clients) {
        const res = await poll(() => Promise.allSettled([c.send(new ListMeshesCommand({}))]), {
          until: (settled) => settled[0]!.status === 'rejected',
          timeoutMs: 2000,
        });
        assert.ok(res[0]!.status === 'rejected', 'a deleted access key still works through another replica after 2 s');
        assert.equal(errorName(res[0]!), 'UnrecognizedClientException');
        c.destroy();
      }
    } finally {
      iam.destroy();
    }
  });

  it('every replica issues endpoint certificates from the one CA kept in the store', () => {
    const pems = replicas.map((rep) => CertificateAuthority.readPem(rep.server.dataDir));
    assert.ok(pems[0]?.includes('BEGIN CERTIFICATE'));
    assert.deepEqual(new Set(pems).size, 1, 'replicas disagree on the endpoint CA');
  });

  it('client tokens, name uniqueness and references hold across replicas', async () => {
    const spec = clientSpec(7000);
    const same = await Promise.all(
      replicas.map((rep) =>
        rep.mesh.send(
          new CreateVirtualNodeCommand({
            meshName: MESH,
            virtualNodeName: 'idem',
            spec,
            clientToken: 'token-1',
          }),
        ),
      ),
    );
    assert.equal(new Set(same.map((o) => o.virtualNode?.metadata?.uid)).size, 1, 'one resource for one client token');
    await assert.rejects(
      r(2).mesh.send(
        new CreateVirtualNodeCommand({
          meshName: MESH,
          virtualNodeName: 'idem',
          spec: clientSpec(7001),
          clientToken: 'token-1',
        }),
      ),
      { name: 'ConflictException' },
    );

    const race = await Promise.allSettled(
      replicas.map((rep) =>
        rep.mesh.send(
          new CreateVirtualNodeCommand({
            meshName: MESH,
            virtualNodeName: 'race',
            spec,
          }),
        ),
      ),
    );
    assert.deepEqual(race.map(errorName).sort(), ['ConflictException', 'ConflictException', 'ok']);

    for (let i = 0; i < 3; i++) {
      const meshName = `ri-${i}`;
      await r(0).mesh.send(new CreateMeshCommand({ meshName }));
      const [del, create] = await Promise.allSettled([
        r(1).mesh.send(new DeleteMeshCommand({ meshName })),
        r(2).mesh.send(new CreateVirtualNodeCommand({ meshName, virtualNodeName: 'orphan', spec })),
      ]);
      if (del.status === 'fulfilled') {
        assert.equal(errorName(create), 'NotFoundException', 'a node was created in a mesh being deleted');
        await assert.rejects(r(0).mesh.send(new DescribeVirtualNodeCommand({ meshName, virtualNodeName: 'orphan' })), {
          name: 'NotFoundException',
        });
      } else {
        assert.equal(errorName(del), 'ResourceInUseException');
        assert.equal(create.status, 'fulfilled');
      }
    }
  });

  it('an ADS client on one replica sees a change made through another within one second; versions agree', async (t) => {
    const ws = [watch(0), watch(1), watch(2)];
    const t0 = Date.now();
    await ws[0]!.until(() => converged(ws), 10_000, 'first configuration on every replica');
    t.diagnostic(`first configuration on all three after ${Date.now() - t0} ms`);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = ws[1]!.version(LDS);
      const sentAt = Date.now();
      await r(0).mesh.send(
        new UpdateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client', spec: clientSpec(++port) }),
      );
      await ws[1]!.until((w) => w.version(LDS) !== before, 3000, 'the change on replica B');
      latencies.push(ws[1]!.latest.get(LDS)!.at - sentAt);
      await ws[0]!.until(() => converged(ws), 3000, 'the same versions on every replica');
    }
    t.diagnostic(`write on A → push on B: ${latencies.join(', ')} ms`);
    assert.ok(Math.max(...latencies) < 1000, `write on A → push on B took ${latencies.join(', ')} ms`);
  });

  it('without the database, writes and reads answer 503 on every replica; all recover by themselves', {
    skip: pg?.controllable ? false : 'needs a PostgreSQL server the test can stop (server binaries)',
  }, async () => {
    const w = watch(1);
    await w.until((x) => x.version(LDS) !== undefined, 30_000, 'configuration');
    await db.stop('fast');
    try {
      for (const rep of replicas) {
        await expect503(
          rep.mesh.send(
            new UpdateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client', spec: clientSpec(port + 1) }),
          ),
          'a write',
        );
        await expect503(rep.mesh.send(new DescribeMeshCommand({ meshName: MESH })), 'a read');
        assert.equal((await fetch(`${rep.server.endpoint}/readyz`)).status, 503);
      }
    } finally {
      await db.start();
    }
    for (const rep of replicas) {
      await until(
        async () => {
          const res = await Promise.allSettled([rep.mesh.send(new DescribeMeshCommand({ meshName: MESH }))]);
          if (res[0]!.status === 'fulfilled') return true;
          assert.equal(errorName(res[0]!), 'ServiceUnavailableException');
          return false;
        },
        { timeoutMs: 15_000, what: 'a replica to recover', intervalMs: 100 },
      );
      assert.equal((await fetch(`${rep.server.endpoint}/readyz`)).status, 200);
    }
    // Writes work again everywhere, and the change feed (LISTEN or the resync poll) is back.
    for (const rep of replicas) {
      const before = w.version(LDS);
      await rep.mesh.send(
        new UpdateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client', spec: clientSpec(++port) }),
      );
      await w.until((x) => x.version(LDS) !== before, 2500, 'a change after the database came back');
    }
  });

  it('SIGKILL of a replica under write load: no acknowledged write is lost, its ADS client fails over to the same versions', async (t) => {
    const victim = await admittedWatch(1);
    const acked: string[] = [];
    let lastPort = port;
    let stop = false;
    const loop = async (i: number) => {
      for (let n = 0; !stop && n < 40; n++) {
        const name = `load-${i}-${n}`;
        try {
          await r(i).mesh.send(
            new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: name, spec: clientSpec(6000 + n) }),
          );
          acked.push(name);
          if (i === 0 && n % 4 === 0) {
            const p = ++port;
            await r(0).mesh.send(
              new UpdateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client', spec: clientSpec(p) }),
            );
            lastPort = p;
          }
        } catch (err) {
          if (i === 1) return; // the killed replica: outcome unknown, not acknowledged
          throw err;
        }
        await sleep(15); // the pace of the write load
      }
    };
    const load = Promise.all([0, 1, 2].map(loop));
    await until(() => acked.length >= 10, { timeoutMs: 20_000, what: 'writes before the kill' });
    await r(1).server.kill();
    const atKill = acked.length;
    const status = await victim.status;
    assert.notEqual(status.code, 0, 'the stream of the killed replica ended with an error');
    // The proxy reconnects to a survivor while writes go on.
    const reconnecting = admittedWatch(2);
    reconnecting.catch(() => undefined); // awaited below; a refusal must not count as unhandled meanwhile
    await until(() => acked.length >= atKill + 10, { timeoutMs: 20_000, what: 'writes after the kill' });
    stop = true;
    await load;
    const failedOver = await reconnecting;
    const fresh = await admittedWatch(0);
    await failedOver.until(() => converged([failedOver, fresh]), 30_000, 'survivors to agree');
    t.diagnostic(`${acked.length} writes acknowledged, ${acked.length - atKill} after the kill`);

    for (const i of [0, 2]) {
      const names = await allNodeNames(r(i).mesh, MESH);
      const missing = acked.filter((n) => !names.has(n));
      assert.deepEqual(missing, [], `acknowledged writes missing through replica ${i}`);
      const client = await r(i).mesh.send(
        new DescribeVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'client' }),
      );
      assert.equal(client.virtualNode?.spec?.listeners?.[0]?.portMapping?.port, lastPort);
    }
  });
});

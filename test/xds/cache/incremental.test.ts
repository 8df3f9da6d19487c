// Incremental pushes: after a change, only the identities whose configuration read something the change touched
// are translated again, and every identity's configuration is exactly what a translation from scratch gives.
// A seeded random walk of mutations checks the second claim against a cache that never reuses anything.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Kind } from '../../../src/appmesh/kinds.js';
import { buildMeshSnapshot } from '../../../src/mesh/build.js';
import { noCloudMap } from '../../../src/mesh/cloud-map.js';
import type { MeshSnapshotEntry } from '../../../src/mesh/feed.js';
import type { MeshSnapshot } from '../../../src/mesh/snapshot.js';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/types.js';
import { encodeConfig } from '../../../src/xds/cache/encoded-config.js';
import { describeIdentity, ProxyConfigCache } from '../../../src/xds/cache/proxy-config-cache.js';
import { translateProxy } from '../../../src/xds/server/component.js';
import type { ProxyIdentity } from '../../../src/xds/translate/types.js';

const MESH = 'inc';
const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const NODES = 12;
const SERVICES = 6;

const encode = (_typeUrl: string, json: Record<string, unknown>) => Buffer.from(JSON.stringify(json));
const newCache = () => new ProxyConfigCache({ translate: translateProxy, encode });

async function put(store: Store, kind: string, scope: string, name: string, spec: unknown): Promise<void> {
  await store.transact(async (tx) => {
    const existing = await tx.get(kind, scope, name);
    const now = Date.now();
    await tx.put({
      kind,
      scope,
      name,
      arn: `arn:aws:appmesh:${REGION}:${ACCOUNT}:mesh/${MESH}/${kind}/${scope}/${name}`,
      uid: existing?.uid ?? randomUUID(),
      version: (existing?.version ?? 0) + 1,
      status: 'ACTIVE',
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      spec,
      tags: [],
    });
  });
}

const remove = (store: Store, kind: string, scope: string, name: string) =>
  store.transact((tx) => tx.delete(kind, scope, name));

const node = (i: number, backends: number[], port = 8080, host = `n${i}.inc.local`, healthy = 2) => ({
  listeners: [
    {
      portMapping: { port, protocol: 'http' },
      healthCheck: {
        protocol: 'http',
        path: '/health',
        healthyThreshold: healthy,
        unhealthyThreshold: 2,
        intervalMillis: 5000,
        timeoutMillis: 2000,
      },
    },
  ],
  serviceDiscovery: { dns: { hostname: host } },
  backends: backends.map((b) => ({ virtualService: { virtualServiceName: `s${b}.inc.local` } })),
});
const byRouter = (r: number) => ({ provider: { virtualRouter: { virtualRouterName: `r${r}` } } });
const byNode = (n: number) => ({ provider: { virtualNode: { virtualNodeName: `n${n}` } } });
const router = { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] };
const route = (a: number, b: number, wa: number) => ({
  httpRoute: {
    match: { prefix: '/' },
    action: {
      weightedTargets: [
        { virtualNode: `n${a}`, weight: wa },
        { virtualNode: `n${b}`, weight: 100 - wa },
      ],
    },
  },
});

/** Node i calls services i mod 6 and (i + 1) mod 6; services 0–2 go through routers, 3–5 straight to a node. */
async function seed(store: Store): Promise<void> {
  await put(store, Kind.mesh, '', MESH, { egressFilter: { type: 'DROP_ALL' } });
  for (let i = 0; i < NODES; i++)
    await put(store, Kind.virtualNode, MESH, `n${i}`, node(i, [i % SERVICES, (i + 1) % SERVICES]));
  for (let r = 0; r < 3; r++) {
    await put(store, Kind.virtualRouter, MESH, `r${r}`, router);
    await put(store, Kind.route, `${MESH}/r${r}`, 'main', route(r, r + 3, 50));
    await put(store, Kind.virtualService, MESH, `s${r}.inc.local`, byRouter(r));
  }
  for (let s = 3; s < SERVICES; s++) await put(store, Kind.virtualService, MESH, `s${s}.inc.local`, byNode(s + 3));
}

const identities: ProxyIdentity[] = Array.from({ length: NODES }, (_, i) => ({
  kind: 'virtualNode' as const,
  meshName: MESH,
  name: `n${i}`,
}));

async function entry(store: Store): Promise<MeshSnapshotEntry> {
  const built = await buildMeshSnapshot({ store, region: REGION, accountId: ACCOUNT, cloudMap: noCloudMap }, MESH);
  assert.ok(built);
  return { ...built, changedAt: Date.now() };
}

/**
 * What a translation from scratch gives: the plain snapshot, not the cache's tracking view (whose per-snapshot memo
 * holds what was carried over), encoded the same way.
 */
function reference(e: MeshSnapshotEntry): string[] {
  return identities.map((id) => {
    if (!e.snapshot.virtualNodes.has(id.name)) return `missing: ${describeIdentity(id)} not found`;
    return encodeConfig(translateProxy(e.snapshot, id, []), encode).version;
  });
}

function versions(cache: ProxyConfigCache, e: MeshSnapshotEntry): string[] {
  return identities.map((id) => {
    const r = cache.configFor(e, id);
    return r.kind === 'ok' ? r.config.version : `${r.kind}: ${r.message}`;
  });
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('incremental xDS configuration', () => {
  it('a change to one route re-translates only the identities that call its service', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await seed(store);
      const cache = newCache();
      const first = await entry(store);
      const before = versions(cache, first);
      const translated = cache.stats.translated;
      assert.equal(translated, NODES);
      // s1 (router r1) is called by nodes 0 and 1 only (i mod 6 = 1, (i + 1) mod 6 = 1, …): 1, 0, 7, 6.
      await put(store, Kind.route, `${MESH}/r1`, 'main', route(1, 4, 80));
      const second = await entry(store);
      const after = versions(cache, second);
      const callers = identities.map((_, i) => i).filter((i) => i % SERVICES === 1 || (i + 1) % SERVICES === 1);
      assert.deepEqual(callers, [0, 1, 6, 7]);
      assert.equal(cache.stats.translated - translated, callers.length, 'only the callers of s1 are translated again');
      assert.equal(cache.stats.reused, NODES - callers.length);
      for (let i = 0; i < NODES; i++) {
        if (callers.includes(i)) assert.notEqual(after[i], before[i], `n${i} calls s1: its routes change`);
        else assert.equal(after[i], before[i], `n${i} does not call s1`);
        const reused = cache.configFor(second, identities[i]!);
        const earlier = cache.configFor(first, identities[i]!);
        if (!callers.includes(i) && reused.kind === 'ok' && earlier.kind === 'ok') {
          assert.equal(reused.config, earlier.config, `n${i} keeps the very same configuration object`);
        }
      }
      assert.deepEqual(after, reference(second), 'the same as translating from scratch');
    } finally {
      await store.close();
    }
  });

  it('a mesh-wide change (the egress filter) re-translates everyone', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await seed(store);
      const cache = newCache();
      versions(cache, await entry(store));
      await put(store, Kind.mesh, '', MESH, { egressFilter: { type: 'ALLOW_ALL' } });
      const translated = cache.stats.translated;
      const e = await entry(store);
      assert.deepEqual(versions(cache, e), reference(e));
      assert.equal(cache.stats.translated - translated, NODES);
    } finally {
      await store.close();
    }
  });

  it("a node's new address reaches the proxies that call it", async () => {
    const store = new SqliteStore(':memory:');
    try {
      await seed(store);
      const cache = newCache();
      versions(cache, await entry(store));
      // n6 serves s3 (byNode(3 + 3)); its callers are the nodes calling s3.
      await put(store, Kind.virtualNode, MESH, 'n6', node(6, [0, 1], 8080, 'moved.inc.local'));
      const e = await entry(store);
      assert.deepEqual(versions(cache, e), reference(e));
      const caller = cache.configFor(e, identities[3]!);
      assert.ok(caller.kind === 'ok' && JSON.stringify(caller.config.source.clusters).includes('moved.inc.local'));
    } finally {
      await store.close();
    }
  });

  it('matches a translation from scratch after each of 80 random changes', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await seed(store);
      const cache = newCache();
      const random = rng(20261201);
      const pick = (n: number) => Math.floor(random() * n);
      let previous: MeshSnapshot | undefined;
      for (let step = 0; step < 80; step++) {
        const what = pick(10);
        const i = pick(NODES);
        const s = pick(SERVICES);
        const r = pick(3);
        switch (what) {
          case 0:
            await put(store, Kind.route, `${MESH}/r${r}`, 'main', route(pick(NODES), pick(NODES), pick(101)));
            break;
          case 1:
            await put(
              store,
              Kind.virtualNode,
              MESH,
              `n${i}`,
              node(i, [pick(SERVICES), pick(SERVICES)], 8080 + pick(2)),
            );
            break;
          case 2:
            await put(
              store,
              Kind.virtualService,
              MESH,
              `s${s}.inc.local`,
              random() < 0.5 ? byRouter(r) : byNode(pick(NODES)),
            );
            break;
          case 3:
            await remove(store, Kind.virtualService, MESH, `s${s}.inc.local`);
            break;
          case 4: {
            // Deleted and created again between two snapshots: same name and version, different content.
            await remove(store, Kind.route, `${MESH}/r${r}`, 'main');
            await put(store, Kind.route, `${MESH}/r${r}`, 'main', route(pick(NODES), pick(NODES), pick(101)));
            break;
          }
          case 5:
            await put(store, Kind.route, `${MESH}/r${r}`, `extra${pick(3)}`, {
              priority: pick(5),
              ...route(pick(NODES), pick(NODES), pick(101)),
            });
            break;
          case 6:
            await remove(store, Kind.virtualNode, MESH, `n${i}`);
            break;
          // Only what a caller's cluster for the node shows (its address, its health check) changes.
          case 7:
            await put(
              store,
              Kind.virtualNode,
              MESH,
              `n${i}`,
              node(i, [i % SERVICES, (i + 1) % SERVICES], 8080, `n${i}-${step}.inc.local`),
            );
            break;
          case 8:
            await put(
              store,
              Kind.virtualNode,
              MESH,
              `n${i}`,
              node(i, [i % SERVICES, (i + 1) % SERVICES], 8080, `n${i}.inc.local`, 2 + pick(3)),
            );
            break;
          default:
            await put(store, Kind.virtualRouter, MESH, `r${r}`, {
              listeners: [{ portMapping: { port: 8080 + pick(2), protocol: 'http' } }],
            });
        }
        const e = await entry(store);
        assert.notEqual(e.snapshot, previous);
        previous = e.snapshot;
        assert.deepEqual(versions(cache, e), reference(e), `step ${step} (mutation ${what})`);
      }
      assert.ok(cache.stats.reused > 0, 'some identities were reused');
    } finally {
      await store.close();
    }
  });
});

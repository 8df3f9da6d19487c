// `appmeshd backup` under write load and `appmeshd restore` into an empty store, on SQLite
// and on PostgreSQL: the backup is one consistent snapshot (exactly the store at its
// revision: every change up to it, and each row as its last change left it), the restore
// reproduces every row of it, the data directory's files (root credentials, the CA) come
// back byte for byte, a restored server serves the data (IAM secrets included), and
// restore refuses a store that is not empty.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { type Dirent, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import {
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  DeleteVirtualNodeCommand,
  ListVirtualNodesCommand,
  UpdateVirtualNodeCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateHttpNamespaceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { PG_SKIP_MESSAGE, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { appmeshd, sdkClient } from './support.js';
import { until } from '../helpers/wait.js';

type Row = Record<string, string | null>;
/** The store's tables; `counts` is the trigger-kept resource_counts (rows with n > 0). */
interface Tables {
  resources: Row[];
  changes: Row[];
  counts: Row[];
  logs: Row[];
}

/** Every row of the CloudWatch Logs tables, in one comparable list. */
const LOG_QUERY = `SELECT 'group' AS t, id, name, created_at AS a, NULL AS b FROM log_groups
  UNION ALL SELECT 'stream', id, name, created_at, group_id FROM log_streams
  UNION ALL SELECT 'event', id, message, ts, stream_id FROM log_events`;
const logKey = (r: Row) => `${r.t}\0${String(r.id).padStart(20, '0')}`;

const byScope = (r: Row) => `${r.kind}\0${r.scope}`;

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const norm = (r: Record<string, unknown>): Row =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
const byKey = (r: Row) => `${r.kind}\0${r.scope}\0${r.name}`;
const sortRows = (rows: Row[], key: (r: Row) => string) =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function sqliteTables(file: string): Tables {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      resources: sortRows((db.prepare('SELECT * FROM resources').all() as Record<string, unknown>[]).map(norm), byKey),
      changes: sortRows((db.prepare('SELECT * FROM changes').all() as Record<string, unknown>[]).map(norm), (r) =>
        r.revision!.padStart(20, '0'),
      ),
      counts: sortRows(
        (db.prepare('SELECT * FROM resource_counts WHERE n > 0').all() as Record<string, unknown>[]).map(norm),
        byScope,
      ),
      logs: sortRows((db.prepare(LOG_QUERY).all() as Record<string, unknown>[]).map(norm), logKey),
    };
  } finally {
    db.close();
  }
}

async function pgTables(url: string): Promise<Tables> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const all = async (sql: string) => (await c.query(sql)).rows.map((r: Record<string, unknown>) => norm(r));
    return {
      resources: sortRows(await all('SELECT * FROM resources'), byKey),
      changes: sortRows(await all('SELECT * FROM changes'), (r) => r.revision!.padStart(20, '0')),
      counts: sortRows(await all('SELECT * FROM resource_counts WHERE n > 0'), byScope),
      logs: sortRows(await all(LOG_QUERY), logKey),
    };
  } finally {
    await c.end();
  }
}

/** Something of every area: App Mesh, IAM (a user with a secret key), Cloud Map, EC2. */
async function populate(
  server: RunningServer,
  mesh: AppMeshClient,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const config = { endpoint: server.endpoint, region: server.region, credentials: server.credentials };
  await mesh.send(new CreateMeshCommand({ meshName: 'load' }));
  for (let i = 0; i < 40; i++)
    await mesh.send(new CreateVirtualNodeCommand({ meshName: 'load', virtualNodeName: `seed-${i}`, spec: {} }));
  const iam = new IAMClient(config);
  const sd = new ServiceDiscoveryClient(config);
  const ec2 = new EC2Client(config);
  const logs = new CloudWatchLogsClient(config);
  try {
    await iam.send(new CreateUserCommand({ UserName: 'operator' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'operator' }))).AccessKey!;
    await sd.send(new CreateHttpNamespaceCommand({ Name: 'backup.local' }));
    await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'envoy' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'envoy', logStreamName: 'front' }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: 'envoy',
        logStreamName: 'front',
        logEvents: [0, 1, 2].map((i) => ({ timestamp: now + i, message: `GET /${i} 200` })),
      }),
    );
    return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  } finally {
    iam.destroy();
    sd.destroy();
    ec2.destroy();
    logs.destroy();
  }
}

/** Concurrent writers creating, updating and deleting virtual nodes through the API until stopped. */
function writeLoad(mesh: AppMeshClient): { stop(): Promise<number> } {
  let running = true;
  let writes = 0;
  const writer = async (w: number) => {
    for (let i = 0; running; i++) {
      const name = `w${w}-${i % 6}`;
      try {
        await mesh.send(new CreateVirtualNodeCommand({ meshName: 'load', virtualNodeName: name, spec: {} }));
      } catch {
        await mesh.send(
          new UpdateVirtualNodeCommand({
            meshName: 'load',
            virtualNodeName: name,
            spec: { logging: { accessLog: { file: { path: `/tmp/${i}` } } } },
          }),
        );
        if (i % 3 === 0) await mesh.send(new DeleteVirtualNodeCommand({ meshName: 'load', virtualNodeName: name }));
      }
      writes++;
    }
  };
  const done = Promise.all([0, 1, 2, 3].map(writer));
  return {
    async stop() {
      running = false;
      await done;
      return writes;
    },
  };
}

/** The backup is exactly the store at its revision R: the same change log up to R, and each row as its last change up to R left it. */
function assertSnapshotOf(backup: Tables, liveAfter: Tables, revision: number): void {
  const upTo = liveAfter.changes.filter((c) => Number(c.revision) <= revision);
  assert.deepEqual(backup.changes, upTo, 'the change log up to the backup revision, nothing more, nothing less');
  const last = new Map<string, Row>();
  for (const c of upTo) last.set(byKey(c), c);
  const expectedKeys = [...last.values()].filter((c) => c.op === 'put');
  assert.deepEqual(
    backup.resources.map(byKey).sort(),
    expectedKeys.map(byKey).sort(),
    'exactly the rows that existed at that revision',
  );
  for (const r of backup.resources)
    assert.equal(r.revision, last.get(byKey(r))!.revision, `${byKey(r)} as its last change before the backup left it`);
  // The quota counts agree with the rows.
  const counted = new Map<string, number>();
  for (const r of backup.resources) counted.set(byScope(r), (counted.get(byScope(r)) ?? 0) + 1);
  assert.deepEqual(
    backup.counts.map((c) => [byScope(c), Number(c.n)]),
    [...counted].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  );
  // Rows not written since are identical to the live ones.
  const live = new Map(liveAfter.resources.map((r) => [byKey(r), r]));
  let same = 0;
  for (const r of backup.resources) {
    const l = live.get(byKey(r));
    if (l && Number(l.revision) <= revision) {
      assert.deepEqual(r, l);
      same++;
    }
  }
  assert.ok(same > 40, `most rows unchanged since the backup (${same})`);
}

function fileOf(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

function dataFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => e.isFile() && !e.name.startsWith('appmeshd.db'))
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function backupUnderLoad(
  server: RunningServer,
  live: () => Promise<Tables>,
  backupArgs: string[],
): Promise<{ file: string; revision: number; key: { accessKeyId: string; secretAccessKey: string } }> {
  const mesh = sdkClient(server);
  try {
    const key = await populate(server, mesh);
    const seeded = await waitForWrites(live, 0);
    const load = writeLoad(mesh);
    // Writers are running: wait until they have created, updated and deleted, then back up while they go on.
    const before = await waitForWrites(live, seeded + 40);
    const file = join(tmp('appmeshd-backup-'), 'store.backup');
    const started = Date.now();
    const r = await appmeshd(['backup', file, '--json', ...backupArgs], process.env);
    const took = Date.now() - started;
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { revision: number; rows: Record<string, number>; files: number };
    await waitForWrites(live, result.revision + 10);
    const writes = await load.stop();
    const after = await live();
    console.log(
      `# backup of ${result.rows.resources} rows at revision ${result.revision} took ${took} ms (CLI included); ${writes} API writes ran meanwhile`,
    );
    assert.ok(
      result.revision > before,
      `writes landed between the start of the load and the snapshot (${before} → ${result.revision})`,
    );
    assert.ok(Number(after.changes.at(-1)!.revision) > result.revision, 'and went on after it');
    const snapshot = sqliteTables(file);
    assertSnapshotOf(snapshot, after, result.revision);
    assert.equal(snapshot.logs.filter((r) => r.t === 'event').length, 3, 'the log events are in the backup');
    assert.ok(
      snapshot.changes.some((c) => c.op === 'delete'),
      'the snapshot includes deletes',
    );
    assert.ok(
      snapshot.resources.some((x) => x.kind === 'virtualNode' && Number(x.version) > 1),
      'and updates',
    );
    return { file, revision: result.revision, key };
  } finally {
    mesh.destroy();
  }
}

function waitForWrites(live: () => Promise<Tables>, atLeast: number): Promise<number> {
  return until(
    async () => {
      const rev = Number((await live()).changes.at(-1)?.revision ?? 0);
      return rev >= atLeast ? rev : undefined;
    },
    { timeoutMs: 30_000, what: `revision ${atLeast} in the live store`, intervalMs: 50 },
  );
}

/** A server on the restored store serves its data, and the IAM key made before the backup still signs requests. */
async function assertServes(
  server: RunningServer,
  key: { accessKeyId: string; secretAccessKey: string },
  nodes: number,
): Promise<void> {
  const { AppMeshClient } = await import('@aws-sdk/client-app-mesh');
  const asOperator = new AppMeshClient({ endpoint: server.endpoint, region: server.region, credentials: key });
  try {
    // The operator has no policy: authenticated, then denied — which proves its secret was restored.
    await assert.rejects(
      asOperator.send(new ListVirtualNodesCommand({ meshName: 'load' })),
      (e: Error) => e.name === 'AccessDeniedException',
    );
  } finally {
    asOperator.destroy();
  }
  const root = sdkClient(server);
  try {
    let count = 0;
    let nextToken: string | undefined;
    do {
      const page = await root.send(
        new ListVirtualNodesCommand({ meshName: 'load', ...(nextToken ? { nextToken } : {}) }),
      );
      count += page.virtualNodes!.length;
      nextToken = page.nextToken;
    } while (nextToken);
    assert.equal(count, nodes);
  } finally {
    root.destroy();
  }
}

test('SQLite: backup under write load, restore into an empty data directory, every row and file', async () => {
  const server = await startServer();
  try {
    const db = join(server.dataDir, 'appmeshd.db');
    const { file, key } = await backupUnderLoad(server, async () => sqliteTables(db), ['--data-dir', server.dataDir]);
    const backup = sqliteTables(file);
    const target = join(tmp('appmeshd-restore-'), 'data');
    const r = await appmeshd(['restore', file, '--data-dir', target], process.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sqliteTables(join(target, 'appmeshd.db')), backup, 'every row restored as backed up');
    // Every file of the data directory beside the database (the test server's root credentials come from the environment).
    const files = dataFiles(server.dataDir);
    assert.ok(files.includes('ca/ca.key') && files.includes('ca/ca.pem'), files.join(', '));
    assert.deepEqual(dataFiles(target), files);
    for (const f of files) assert.equal(fileOf(target, f), fileOf(server.dataDir, f), f);
    const again = await appmeshd(['restore', file, '--data-dir', target], process.env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty; restore only writes into an empty data directory/);

    const restored = await startServer({ dataDir: target });
    try {
      await assertServes(restored, key, backup.resources.filter((x) => x.kind === 'virtualNode').length);
    } finally {
      await restored.stop();
    }
  } finally {
    await server.stop();
    server.cleanup();
  }
});

const postgres: TestPostgres | undefined = await startTestPostgres();
after(async () => {
  await postgres?.close();
});

test('PostgreSQL: backup under write load in one snapshot, restore into an empty database (and into SQLite)', {
  skip: postgres ? false : PG_SKIP_MESSAGE,
}, async () => {
  const url = await postgres!.createDatabase();
  const server = await startServer({ args: ['--store', url] });
  try {
    const { file, key } = await backupUnderLoad(server, () => pgTables(url), [
      '--store',
      url,
      '--data-dir',
      server.dataDir,
    ]);
    const backup = sqliteTables(file);
    const url2 = await postgres!.createDatabase();
    const dataDir = join(tmp('appmeshd-restore-'), 'data');
    const r = await appmeshd(['restore', file, '--store', url2, '--data-dir', dataDir], process.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await pgTables(url2), backup, 'every row restored as backed up');
    assert.equal(fileOf(dataDir, 'ca/ca.pem'), fileOf(server.dataDir, 'ca/ca.pem'));
    const again = await appmeshd(
      ['restore', file, '--store', url2, '--data-dir', tmp('appmeshd-restore-')],
      process.env,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the database is not empty/);

    const restored = await startServer({ dataDir, args: ['--store', url2] });
    try {
      await assertServes(restored, key, backup.resources.filter((x) => x.kind === 'virtualNode').length);
      // The change feed goes on after the restored revision: a new write gets a higher one.
      const c = sdkClient(restored);
      await c.send(new CreateVirtualNodeCommand({ meshName: 'load', virtualNodeName: 'after-restore', spec: {} }));
      c.destroy();
      const t = await pgTables(url2);
      assert.ok(Number(t.changes.at(-1)!.revision) > Number(backup.changes.at(-1)!.revision));
    } finally {
      await restored.stop();
    }

    // The same backup restores into a SQLite data directory: a move from PostgreSQL to a single node.
    const sqliteDir = join(tmp('appmeshd-restore-'), 'data');
    const toSqlite = await appmeshd(['restore', file, '--data-dir', sqliteDir], process.env);
    assert.equal(toSqlite.code, 0, toSqlite.stderr);
    assert.deepEqual(sqliteTables(join(sqliteDir, 'appmeshd.db')), backup);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

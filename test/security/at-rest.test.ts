// Data at rest: the data directory is private, and an IAM secret access key never lies in
// the store in a usable form (SQLite file and WAL, a PostgreSQL dump-like SELECT) while it
// still authenticates, across restarts, and after rows from an older version are sealed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  cliPath,
  startServer,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  type RunningServer,
} from '../helpers/server.js';
import { PG_SKIP_MESSAGE, startTestPostgres } from '../helpers/postgres.js';

const servers: RunningServer[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;
const iamAs = (s: RunningServer, credentials = s.credentials) =>
  new IAMClient({ endpoint: s.endpoint, region: s.region, credentials });

async function createUserKey(
  s: RunningServer,
  name: string,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const iam = iamAs(s);
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'self',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  iam.destroy();
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

async function authenticatesAs(
  s: RunningServer,
  key: { accessKeyId: string; secretAccessKey: string },
  name: string,
): Promise<void> {
  const iam = iamAs(s, key);
  const { User } = await iam.send(new GetUserCommand({}));
  iam.destroy();
  assert.equal(User?.UserName, name);
}

/** Every byte the SQLite store keeps on disk (database, WAL, shared memory). */
function storeBytes(dataDir: string): Buffer {
  return Buffer.concat(
    ['appmeshd.db', 'appmeshd.db-wal', 'appmeshd.db-shm']
      .map((f) => join(dataDir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f)),
  );
}

/** A server whose master key is the data directory's master.key file (the default outside tests). */
async function start(dataDir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const s = await startServer({ dataDir, env: { APPMESHD_MASTER_KEY: '', ...env } });
  servers.push(s);
  return s;
}

test('SQLite: a private data directory; secrets sealed at rest, still authenticating after a restart; a wrong master key stops the server', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-at-rest-'));
  dirs.push(dataDir);
  let s = await start(dataDir);
  const key = await createUserKey(s, 'alice');
  await authenticatesAs(s, key, 'alice');

  assert.equal(mode(dataDir), 0o700);
  for (const f of ['appmeshd.db', 'appmeshd.db-wal', 'appmeshd.db-shm', 'master.key', 'ca/ca.key'])
    assert.equal(mode(join(dataDir, f)), 0o600, f);
  const bytes = storeBytes(dataDir);
  assert.ok(bytes.includes(key.accessKeyId), 'the access key id is in the store (the check reads the right files)');
  assert.ok(!bytes.includes(key.secretAccessKey), 'the secret access key is not in the SQLite files');

  await s.stop();
  assert.ok(!storeBytes(dataDir).includes(key.secretAccessKey), 'nor after the WAL is checkpointed at shutdown');
  s = await start(dataDir);
  await authenticatesAs(s, key, 'alice');
  await s.stop();

  const wrong = spawnSync(
    process.execPath,
    [cliPath, 'serve', '--data-dir', dataDir, '--api-port', '0', '--xds-port', '0'],
    {
      env: { ...process.env, APPMESHD_MASTER_KEY: randomBytes(32).toString('base64') },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  assert.equal(wrong.status, 1, wrong.stderr);
  const lines = wrong.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('{'));
  assert.equal(lines.length, 1, wrong.stderr);
  assert.match(
    lines[0]!,
    /^appmeshd: the master key \(id [0-9a-f]{16}\) is not the one this store's secrets are sealed with \(id [0-9a-f]{16}\)/,
  );

  const malformed = spawnSync(
    process.execPath,
    [cliPath, 'serve', '--data-dir', dataDir, '--api-port', '0', '--xds-port', '0'],
    {
      env: { ...process.env, APPMESHD_MASTER_KEY: 'too-short' },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  assert.equal(malformed.status, 1);
  assert.match(malformed.stderr, /APPMESHD_MASTER_KEY must be the base64 encoding of 32 bytes/);
});

test('SQLite: plaintext secrets written by an older version are sealed at start and scrubbed from the files; loose permissions are tightened', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-at-rest-'));
  dirs.push(dataDir);
  let s = await start(dataDir);
  const key = await createUserKey(s, 'legacy');
  await s.stop();

  // What an older version left: the secret in the row's spec, world-readable files.
  const db = new Database(join(dataDir, 'appmeshd.db'));
  db.prepare(
    `UPDATE resources SET spec = json_set(json_remove(spec, '$.secret'), '$.secretAccessKey', ?) WHERE kind = 'iam:accessKey'`,
  ).run(key.secretAccessKey);
  db.close();
  spawnSync('chmod', ['0755', dataDir]);
  spawnSync('chmod', ['0644', join(dataDir, 'appmeshd.db'), join(dataDir, 'master.key')]);
  assert.ok(storeBytes(dataDir).includes(key.secretAccessKey), 'the legacy plaintext is on disk before the upgrade');

  s = await start(dataDir);
  await authenticatesAs(s, key, 'legacy');
  assert.ok(
    s.logs.some(
      (l) => l.msg === 'sealed access-key secrets stored in plaintext by an older version' && l.accessKeys === 1,
    ),
  );
  assert.equal(mode(dataDir), 0o700);
  assert.equal(mode(join(dataDir, 'appmeshd.db')), 0o600);
  assert.equal(mode(join(dataDir, 'master.key')), 0o600);
  assert.ok(
    !storeBytes(dataDir).includes(key.secretAccessKey),
    'the plaintext is gone from the SQLite files after the upgrade',
  );
  await s.stop();
  s = await start(dataDir);
  await authenticatesAs(s, key, 'legacy');
  await s.stop();
});

test('PostgreSQL: a dump of the resources table holds no secret; a replica with another master key refuses to start', async (t) => {
  const pgServer = await startTestPostgres();
  if (!pgServer) {
    t.skip(PG_SKIP_MESSAGE);
    return;
  }
  try {
    const url = await pgServer.createDatabase();
    const masterKey = randomBytes(32).toString('base64');
    const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-at-rest-'));
    dirs.push(dataDir);
    const s = await startServer({ dataDir, args: ['--store', url], env: { APPMESHD_MASTER_KEY: masterKey } });
    servers.push(s);
    const key = await createUserKey(s, 'pat');
    await authenticatesAs(s, key, 'pat');

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // What pg_dump writes for the table: every live row, every column, as text.
    const { rows } = await client.query<{ line: string }>('SELECT resources::text AS line FROM resources');
    await client.end();
    const dump = rows.map((r) => r.line).join('\n');
    assert.ok(dump.includes(key.accessKeyId), 'the dump holds the access key row');
    assert.ok(!dump.includes(key.secretAccessKey), 'but not the secret');
    assert.ok(!dump.includes('PRIVATE KEY'), 'nor the endpoint CA private key in PEM form');

    const other = mkdtempSync(join(tmpdir(), 'appmeshd-at-rest-'));
    dirs.push(other);
    // No APPMESHD_MASTER_KEY: this replica generates its own master.key, as a forgotten variable would.
    const wrong = spawnSync(
      process.execPath,
      [cliPath, 'serve', '--data-dir', other, '--api-port', '0', '--xds-port', '0', '--store', url],
      {
        env: {
          ...process.env,
          APPMESHD_MASTER_KEY: '',
          APPMESHD_ROOT_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
          APPMESHD_ROOT_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
        },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    assert.equal(wrong.status, 1, wrong.stderr);
    assert.match(
      wrong.stderr,
      /appmeshd: the master key \(id [0-9a-f]+\) is not the one this store's secrets are sealed with/,
    );
    await s.stop();
  } finally {
    await pgServer.close();
  }
});

// Quotas (--quota logGroupsPerAccount / logStreamsPerLogGroup / logEventSizeBytes) through the
// SDK, and the retention job: a singleton under a store lease that deletes expired events.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { RetentionJob } from '../../src/logs/retention.js';
import { createLogger } from '../../src/runtime/logger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let logs: CloudWatchLogsClient;

before(async () => {
  server = await startServer({
    args: [
      '--quota',
      'logGroupsPerAccount=2',
      '--quota',
      'logStreamsPerLogGroup=1',
      '--quota',
      'logEventSizeBytes=126',
    ],
  });
  logs = new CloudWatchLogsClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
});
after(async () => {
  logs?.destroy();
  await server?.stop();
  server?.cleanup();
});

test('quotas: log groups, streams per group and the event size are limited as configured', async () => {
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'q1' }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: 'q2' }));
  await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: 'q3' })), {
    name: 'LimitExceededException',
  });
  await logs.send(new CreateLogStreamCommand({ logGroupName: 'q1', logStreamName: 's1' }));
  await assert.rejects(logs.send(new CreateLogStreamCommand({ logGroupName: 'q1', logStreamName: 's2' })), {
    name: 'LimitExceededException',
  });
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: 'q1',
      logStreamName: 's1',
      logEvents: [{ timestamp: Date.now(), message: 'x'.repeat(100) }],
    }),
  );
  await assert.rejects(
    logs.send(
      new PutLogEventsCommand({
        logGroupName: 'q1',
        logStreamName: 's1',
        logEvents: [{ timestamp: Date.now(), message: 'x'.repeat(101) }],
      }),
    ),
    { name: 'InvalidParameterException', message: 'Log event too large: 127 bytes exceeds limit of 126' },
  );
});

test("the retention job expires events past their group's retention, on one holder at a time", async () => {
  const store = new SqliteStore(':memory:');
  const log = createLogger('silent');
  const now = Date.now();
  const day = 86_400_000;
  await store.logs.createGroup(
    { name: '/r', createdAt: now, logGroupClass: 'STANDARD', deletionProtection: false, tags: {} },
    10,
  );
  await store.logs.createStream('/r', 's', now, 10);
  await store.logs.appendEvents(
    '/r',
    's',
    [
      { timestamp: now - 10 * day, message: 'old' },
      { timestamp: now - 1000, message: 'new' },
    ],
    now,
  );
  await store.logs.setRetention('/r', 7);
  const a = new RetentionJob({ store, log, intervalMs: 20 });
  const b = new RetentionJob({ store, log, intervalMs: 20 });
  await a.start();
  await b.start();
  try {
    for (let i = 0; i < 200; i++) {
      const left = await store.logs.scanGroup('/r', { limit: 10 });
      if (left.length === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(
      (await store.logs.scanGroup('/r', { limit: 10 })).map((e) => e.message),
      ['new'],
    );
    assert.equal(await store.tryAcquireLease('logs:retention', 'someone-else', 1000), false, 'a job holds the lease');
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
  }
});

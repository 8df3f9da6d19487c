// Every CloudWatch Logs operation through the AWS SDK v3 Logs client against a real server:
// groups, streams, tags, retention, each PutLogEvents rule, GetLogEvents paging and each
// filter-pattern form of FilterLogEvents.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  PutLogEventsCommand,
  PutLogGroupDeletionProtectionCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
  type InputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { unsignedToken, withCursor } from '../helpers/page-tokens.js';
import { startServer, TEST_ACCOUNT_ID, type RunningServer } from '../helpers/server.js';

let server: RunningServer;
let logs: CloudWatchLogsClient;
const R = 'us-east-1';
const arnOf = (g: string) => `arn:aws:logs:${R}:${TEST_ACCOUNT_ID}:log-group:${g}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

before(async () => {
  server = await startServer();
  logs = new CloudWatchLogsClient({
    endpoint: server.endpoint,
    region: R,
    credentials: server.credentials,
    maxAttempts: 1,
  });
});
after(async () => {
  logs?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      message: e.message,
      ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
    };
  }
  assert.fail('expected an error');
}

const put = (g: string, s: string, logEvents: InputLogEvent[], sequenceToken?: string) =>
  logs.send(
    new PutLogEventsCommand({
      logGroupName: g,
      logStreamName: s,
      logEvents,
      ...(sequenceToken ? { sequenceToken } : {}),
    }),
  );

test('log groups: create with tags and class, describe with prefix, pattern, class and pages, retention, delete', async () => {
  await logs.send(
    new CreateLogGroupCommand({
      logGroupName: '/app/alpha',
      tags: { team: 'mesh' },
      logGroupClass: 'INFREQUENT_ACCESS',
    }),
  );
  for (const n of ['/app/beta', '/app/gamma', '/other/DataLogs'])
    await logs.send(new CreateLogGroupCommand({ logGroupName: n }));
  const dup = await errorOf(logs.send(new CreateLogGroupCommand({ logGroupName: '/app/alpha' })));
  assert.deepEqual(
    [dup.name, dup.message],
    ['ResourceAlreadyExistsException', 'The specified log group already exists'],
  );
  assert.equal(
    (await errorOf(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).name,
    'InvalidParameterException',
  );

  const all = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
  assert.deepEqual(
    all.logGroups!.map((g) => g.logGroupName),
    ['/app/alpha', '/app/beta', '/app/gamma'],
  );
  const alpha = all.logGroups![0]!;
  assert.equal(alpha.logGroupClass, 'INFREQUENT_ACCESS');
  assert.equal(alpha.arn, `${arnOf('/app/alpha')}:*`);
  assert.equal(alpha.logGroupArn, arnOf('/app/alpha'));
  assert.equal(alpha.retentionInDays, undefined);
  assert.equal(alpha.storedBytes, 0);
  assert.ok(alpha.creationTime! > Date.now() - 60_000);

  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ limit: 2, ...(token ? { nextToken: token } : {}) }));
    pages.push(page.logGroups!.map((g) => g.logGroupName!));
    token = page.nextToken;
  } while (token);
  assert.deepEqual(pages, [
    ['/app/alpha', '/app/beta'],
    ['/app/gamma', '/other/DataLogs'],
  ]);

  const pattern = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'DataLogs' }));
  assert.deepEqual(
    pattern.logGroups!.map((g) => g.logGroupName),
    ['/other/DataLogs'],
  );
  assert.equal(
    (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'datalogs' }))).logGroups!.length,
    0,
  );
  assert.equal(
    (await errorOf(logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'x', logGroupNamePrefix: 'y' }))))
      .name,
    'InvalidParameterException',
  );
  const named = await logs.send(
    new DescribeLogGroupsCommand({
      includeLinkedAccounts: true,
      logGroupIdentifiers: [arnOf('/app/beta'), '/app/alpha', '/missing'],
    }),
  );
  assert.deepEqual(
    named.logGroups!.map((g) => g.logGroupName),
    ['/app/alpha', '/app/beta'],
  );
  assert.equal(
    (await errorOf(logs.send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/app/alpha'] })))).name,
    'InvalidParameterException',
  );
  const ia = await logs.send(new DescribeLogGroupsCommand({ logGroupClass: 'INFREQUENT_ACCESS' }));
  assert.deepEqual(
    ia.logGroups!.map((g) => g.logGroupName),
    ['/app/alpha'],
  );
  assert.equal(
    (await errorOf(logs.send(new DescribeLogGroupsCommand({ nextToken: 'not-a-token!' })))).name,
    'InvalidParameterException',
  );

  await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/beta', retentionInDays: 14 }));
  const bad = await errorOf(
    logs.send(new PutRetentionPolicyCommand({ logGroupName: '/app/beta', retentionInDays: 15 })),
  );
  assert.equal(bad.name, 'InvalidParameterException');
  assert.equal(
    (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/beta' }))).logGroups![0]!.retentionInDays,
    14,
  );
  await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/app/beta' }));
  assert.equal(
    (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/beta' }))).logGroups![0]!.retentionInDays,
    undefined,
  );
  assert.equal(
    (await errorOf(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/none', retentionInDays: 1 })))).name,
    'ResourceNotFoundException',
  );

  await logs.send(
    new PutLogGroupDeletionProtectionCommand({ logGroupIdentifier: '/app/gamma', deletionProtectionEnabled: true }),
  );
  assert.equal(
    (await errorOf(logs.send(new DeleteLogGroupCommand({ logGroupName: '/app/gamma' })))).name,
    'ValidationException',
  );
  await logs.send(
    new PutLogGroupDeletionProtectionCommand({
      logGroupIdentifier: arnOf('/app/gamma'),
      deletionProtectionEnabled: false,
    }),
  );
  await logs.send(new DeleteLogGroupCommand({ logGroupName: '/app/gamma' }));
  const gone = await errorOf(logs.send(new DeleteLogGroupCommand({ logGroupName: '/app/gamma' })));
  assert.deepEqual([gone.name, gone.message], ['ResourceNotFoundException', 'The specified log group does not exist.']);
});

test('tags: TagResource / UntagResource / ListTagsForResource and the legacy group calls', async () => {
  const g = '/tags/one';
  await logs.send(new CreateLogGroupCommand({ logGroupName: g, tags: { a: '1' } }));
  await logs.send(new TagResourceCommand({ resourceArn: arnOf(g), tags: { b: '2', a: 'one' } }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arnOf(g) }))).tags, {
    a: 'one',
    b: '2',
  });
  await logs.send(new UntagResourceCommand({ resourceArn: arnOf(g), tagKeys: ['a'] }));
  assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: g }))).tags, { b: '2' });
  await logs.send(new TagLogGroupCommand({ logGroupName: g, tags: { c: '3' } }));
  await logs.send(new UntagLogGroupCommand({ logGroupName: g, tags: ['b'] }));
  assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arnOf(g) }))).tags, { c: '3' });
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  const tooMany = await errorOf(logs.send(new TagResourceCommand({ resourceArn: arnOf(g), tags: many })));
  assert.equal(tooMany.name, 'TooManyTagsException');
  assert.equal(
    (await errorOf(logs.send(new ListTagsForResourceCommand({ resourceArn: arnOf('/tags/none') })))).name,
    'ResourceNotFoundException',
  );
  assert.equal(
    (await errorOf(logs.send(new ListTagsForResourceCommand({ resourceArn: `${arnOf(g)}:*` })))).name,
    'InvalidParameterException',
  );
  assert.equal(
    (await errorOf(logs.send(new TagLogGroupCommand({ logGroupName: '/tags/none', tags: { x: 'y' } })))).name,
    'ResourceNotFoundException',
  );
});

test('log streams: create, describe by prefix and by last event time, first/last times, delete', async () => {
  const g = '/streams';
  await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  for (const s of ['web-1', 'web-2', 'db-1'])
    await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: s }));
  assert.equal(
    (await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 'web-1' })))).name,
    'ResourceAlreadyExistsException',
  );
  assert.equal(
    (await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: '/nope', logStreamName: 's' })))).name,
    'ResourceNotFoundException',
  );
  const now = Date.now();
  await put(g, 'web-2', [
    { timestamp: now - 2000, message: 'a' },
    { timestamp: now - 1000, message: 'b' },
  ]);
  await put(g, 'db-1', [{ timestamp: now - 500, message: 'c' }]);

  const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g }));
  assert.deepEqual(
    byName.logStreams!.map((s) => s.logStreamName),
    ['db-1', 'web-1', 'web-2'],
  );
  const web2 = byName.logStreams![2]!;
  assert.equal(web2.firstEventTimestamp, now - 2000);
  assert.equal(web2.lastEventTimestamp, now - 1000);
  assert.ok(web2.lastIngestionTime! >= now - 1000);
  assert.equal(web2.storedBytes, 0);
  assert.equal(web2.arn, `${arnOf(g)}:log-stream:web-2`);
  const prefixed = await logs.send(
    new DescribeLogStreamsCommand({ logGroupIdentifier: arnOf(g), logStreamNamePrefix: 'web', descending: true }),
  );
  assert.deepEqual(
    prefixed.logStreams!.map((s) => s.logStreamName),
    ['web-2', 'web-1'],
  );
  const recent = await logs.send(
    new DescribeLogStreamsCommand({ logGroupName: g, orderBy: 'LastEventTime', descending: true }),
  );
  assert.deepEqual(
    recent.logStreams!.map((s) => s.logStreamName),
    ['db-1', 'web-2', 'web-1'],
  );
  const p1 = await logs.send(new DescribeLogStreamsCommand({ logGroupName: g, orderBy: 'LastEventTime', limit: 2 }));
  const p2 = await logs.send(
    new DescribeLogStreamsCommand({ logGroupName: g, orderBy: 'LastEventTime', limit: 2, nextToken: p1.nextToken! }),
  );
  assert.deepEqual(
    [...p1.logStreams!, ...p2.logStreams!].map((s) => s.logStreamName),
    ['web-1', 'web-2', 'db-1'],
  );
  assert.equal(p2.nextToken, undefined);
  assert.equal(
    (
      await errorOf(
        logs.send(
          new DescribeLogStreamsCommand({ logGroupName: g, orderBy: 'LastEventTime', logStreamNamePrefix: 'w' }),
        ),
      )
    ).name,
    'InvalidParameterException',
  );
  assert.equal(
    (await errorOf(logs.send(new DescribeLogStreamsCommand({ logGroupName: g, logGroupIdentifier: g })))).name,
    'InvalidParameterException',
  );

  await logs.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: 'web-2' }));
  const missing = await errorOf(logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 'web-2' })));
  assert.deepEqual(
    [missing.name, missing.message],
    ['ResourceNotFoundException', 'The specified log stream does not exist.'],
  );
  assert.equal(
    (await errorOf(logs.send(new DeleteLogStreamCommand({ logGroupName: g, logStreamName: 'web-2' })))).name,
    'ResourceNotFoundException',
  );
});

test('PutLogEvents: every batch rule', async () => {
  const g = '/rules';
  await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
  const now = Date.now();

  const ok = await put(g, 's', [{ timestamp: now, message: 'first' }], 'any-old-token');
  assert.match(ok.nextSequenceToken!, /^\d{56}$/);
  assert.equal(ok.rejectedLogEventsInfo, undefined);

  const tooMany = await errorOf(
    put(
      g,
      's',
      Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'x' })),
    ),
  );
  assert.equal(tooMany.name, 'InvalidParameterException');
  const empty = await errorOf(put(g, 's', []));
  assert.equal(empty.name, 'InvalidParameterException');
  const emptyMessage = await errorOf(put(g, 's', [{ timestamp: now, message: '' }]));
  assert.equal(emptyMessage.name, 'InvalidParameterException');

  // 10,000 events of 78 bytes: 78 + 26 per event = 1,040,000 bytes, under the limit ...
  await put(
    g,
    's',
    Array.from({ length: 10_000 }, () => ({ timestamp: now, message: 'm'.repeat(78) })),
  );
  // ... 79 bytes: 1,050,000 bytes counting the 26-byte overhead, over it.
  const big = await errorOf(
    put(
      g,
      's',
      Array.from({ length: 10_000 }, () => ({ timestamp: now, message: 'm'.repeat(79) })),
    ),
  );
  assert.deepEqual(
    [big.name, big.message],
    ['InvalidParameterException', 'Upload too large: 1050000 bytes exceeds limit of 1048576'],
  );
  const twoBig = await errorOf(
    put(g, 's', [
      { timestamp: now, message: 'é'.repeat(300_000) },
      { timestamp: now, message: 'é'.repeat(300_000) },
    ]),
  );
  assert.equal(twoBig.message, `Upload too large: ${2 * (600_000 + 26)} bytes exceeds limit of 1048576`);

  const unordered = await errorOf(
    put(g, 's', [
      { timestamp: now, message: 'b' },
      { timestamp: now - 1, message: 'a' },
    ]),
  );
  assert.deepEqual(
    [unordered.name, unordered.message],
    ['InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.'],
  );
  const span = await errorOf(
    put(g, 's', [
      { timestamp: now - DAY - 1000, message: 'a' },
      { timestamp: now, message: 'b' },
    ]),
  );
  assert.equal(
    span.message,
    'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
  );

  const windows = await put(g, 's', [
    { timestamp: now - 15 * DAY, message: 'too old 0' },
    { timestamp: now - 14 * DAY - 1000, message: 'too old 1' },
    { timestamp: now - 1000, message: 'kept' },
    { timestamp: now + 3 * HOUR, message: 'too new 3' },
  ]);
  assert.deepEqual(windows.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 2, tooNewLogEventStartIndex: 3 });

  await logs.send(new PutRetentionPolicyCommand({ logGroupName: g, retentionInDays: 1 }));
  const expired = await put(g, 's', [
    { timestamp: now - 2 * DAY, message: 'expired' },
    { timestamp: now - 1, message: 'fresh' },
  ]);
  assert.deepEqual(expired.rejectedLogEventsInfo, { expiredLogEventEndIndex: 1 });
  const stored = await logs.send(
    new FilterLogEventsCommand({ logGroupName: g, filterPattern: '?kept ?fresh ?expired ?too' }),
  );
  assert.deepEqual(
    stored.events!.map((e) => e.message),
    ['kept', 'fresh'],
  );

  const noStream = await errorOf(put(g, 'missing', [{ timestamp: now, message: 'x' }]));
  assert.deepEqual(
    [noStream.name, noStream.message],
    ['ResourceNotFoundException', 'The specified log stream does not exist.'],
  );
  assert.equal(
    (await errorOf(put('/none', 's', [{ timestamp: now, message: 'x' }]))).message,
    'The specified log group does not exist.',
  );
  // Duplicates are kept: a resent batch is stored again.
  await put(g, 's', [{ timestamp: now, message: 'dup' }]);
  await put(g, 's', [{ timestamp: now, message: 'dup' }]);
  assert.equal(
    (await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: 'dup' }))).events!.length,
    2,
  );
});

test('GetLogEvents: head, tail, time range and tokens that repeat at the end', async () => {
  const g = '/get';
  await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
  const t0 = Date.now() - 10_000;
  await put(
    g,
    's',
    Array.from({ length: 25 }, (_, i) => ({ timestamp: t0 + i * 100, message: `event ${i}` })),
  );

  const head = await logs.send(
    new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', startFromHead: true, limit: 10 }),
  );
  assert.deepEqual(
    head.events!.map((e) => e.message),
    Array.from({ length: 10 }, (_, i) => `event ${i}`),
  );
  assert.match(head.nextForwardToken!, /^f\/\d{56}\/s$/);
  assert.match(head.nextBackwardToken!, /^b\/\d{56}\/s$/);
  const tail = await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 5 }));
  assert.deepEqual(
    tail.events!.map((e) => e.message),
    ['event 20', 'event 21', 'event 22', 'event 23', 'event 24'],
  );
  assert.ok(tail.events![0]!.ingestionTime! >= t0);
  const before = await logs.send(
    new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', limit: 5, nextToken: tail.nextBackwardToken! }),
  );
  assert.deepEqual(
    before.events!.map((e) => e.message),
    ['event 15', 'event 16', 'event 17', 'event 18', 'event 19'],
  );

  const ranged = await logs.send(
    new GetLogEventsCommand({
      logGroupIdentifier: arnOf(g),
      logStreamName: 's',
      startFromHead: true,
      startTime: t0 + 500,
      endTime: t0 + 1000,
    }),
  );
  assert.deepEqual(
    ranged.events!.map((e) => e.message),
    ['event 5', 'event 6', 'event 7', 'event 8', 'event 9'],
  ); // endTime exclusive

  const end = await logs.send(
    new GetLogEventsCommand({
      logGroupName: g,
      logStreamName: 's',
      startFromHead: true,
      nextToken: tail.nextForwardToken!,
    }),
  );
  assert.deepEqual(end.events, []);
  assert.equal(end.nextForwardToken, tail.nextForwardToken);
  const start = await logs.send(
    new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', nextToken: head.nextBackwardToken! }),
  );
  assert.equal(start.nextBackwardToken, head.nextBackwardToken);

  // The SDK's paginator stops on the repeated token.
  const seen: string[] = [];
  for await (const page of paginateGetLogEvents(
    { client: logs, pageSize: 7, stopOnSameToken: true },
    { logGroupName: g, logStreamName: 's', startFromHead: true },
  )) {
    seen.push(...page.events!.map((e) => e.message!));
  }
  assert.equal(seen.length, 25);
  assert.equal(
    (await errorOf(logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: 's', nextToken: 'f/123' }))))
      .name,
    'InvalidParameterException',
  );
});

test('FilterLogEvents: streams, prefix, time range, pages and every pattern form', async () => {
  const g = '/filter';
  await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  for (const s of ['app-a', 'app-b', 'other'])
    await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: s }));
  const t = Date.now() - 60_000;
  const text = [
    '[ERROR 400] BAD REQUEST',
    '[ERROR 401] UNAUTHORIZED REQUEST',
    '[ERROR 419] MISSING ARGUMENTS',
    '[ERROR 420] INVALID ARGUMENTS',
    '[ERROR 500] INTERNAL SERVER ERROR',
    '[SUCCESS 200] AUTHORIZED REQUEST',
  ];
  await put(
    g,
    'app-a',
    text.filter((_, i) => i % 2 === 0).map((m, i) => ({ timestamp: t + i * 20, message: m })),
  );
  await put(
    g,
    'app-b',
    text.filter((_, i) => i % 2 === 1).map((m, i) => ({ timestamp: t + i * 20 + 10, message: m })),
  );
  const json = [
    '{"status":503,"path":"/api/users","user":{"id":1},"tags":["a","b"],"ok":false,"gone":null}',
    '{"status":200,"path":"/api/health","user":{"id":2},"tags":["c"],"ok":true}',
    '{"status":500,"path":"/static/x.css","user":{"id":3},"latency":1e-3}',
  ];
  const access = [
    '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
    '10.0.0.2 Dev alice [10/Oct/2000:13:25:16 -0700] "POST /api/x HTTP/1.1" 503 12',
  ];
  await put(
    g,
    'other',
    [...json, ...access].map((m, i) => ({ timestamp: t + 1000 + i, message: m })),
  );

  const match = async (filterPattern: string, extra: Record<string, unknown> = {}) =>
    (await logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern, ...extra }))).events!.map(
      (e) => e.message,
    );

  // Interleaved across streams in time order.
  assert.deepEqual(await match('ERROR'), text.slice(0, 5));
  assert.deepEqual(await match('ERROR ARGUMENTS'), [text[2], text[3]]);
  assert.deepEqual(await match('?ARGUMENTS ?UNAUTHORIZED'), [text[1], text[2], text[3]]);
  assert.deepEqual(await match('"INTERNAL SERVER ERROR"'), [text[4]]);
  assert.deepEqual(await match('ERROR -ARGUMENTS -"BAD REQUEST"'), [text[1], text[4]]);
  assert.deepEqual(await match('%AUTHORIZED%', { logStreamNamePrefix: 'app' }), [text[1], text[5]]);
  assert.deepEqual(await match('" "', { logStreamNames: ['app-b'] }), [text[1], text[3], text[5]]);
  assert.deepEqual(await match('{ $.status >= 500 && $.path = "/api*" }'), [json[0]]);
  assert.deepEqual(await match('{ $.status = 5* }'), [json[0], json[2]]);
  assert.deepEqual(await match('{ ($.user.id = 2) || $.tags[1] = "b" }'), [json[0], json[1]]);
  assert.deepEqual(await match('{ $.gone IS NULL }'), [json[0]]);
  assert.deepEqual(await match('{ $.ok IS TRUE }'), [json[1]]);
  assert.deepEqual(await match('{ $.latency NOT EXISTS && $.ok IS FALSE }'), [json[0]]);
  assert.deepEqual(await match('{ $.latency < 0.01 }'), [json[2]]);
  assert.deepEqual(await match('{ $.path = %^/static% }'), [json[2]]);
  assert.deepEqual(await match('[ip, env, user, timestamp, request = *.html*, status = 4*, bytes]'), [access[0]]);
  assert.deepEqual(await match('[..., status = 503 || status = 410, bytes]'), [access[1]]);
  assert.deepEqual(await match('[ip, env != Prod, ...]', { logStreamNames: ['other'] }), [access[1]]);
  assert.deepEqual(await match('[ip, env, user, timestamp, request, status, bytes > 1000]'), [access[0]]);

  assert.deepEqual(await match('ERROR', { startTime: t + 20, endTime: t + 40 }), [text[2], text[3], text[4]]);
  const bad = await errorOf(
    logs.send(new FilterLogEventsCommand({ logGroupName: g, filterPattern: '{ $.status >= }' })),
  );
  assert.equal(bad.name, 'InvalidParameterException');
  assert.match(bad.message, /Invalid filter pattern/);
  assert.equal(
    (
      await errorOf(
        logs.send(new FilterLogEventsCommand({ logGroupName: g, logStreamNames: ['a'], logStreamNamePrefix: 'a' })),
      )
    ).name,
    'InvalidParameterException',
  );

  const first = await logs.send(new FilterLogEventsCommand({ logGroupName: g, limit: 4 }));
  assert.equal(first.events!.length, 4);
  assert.match(first.events![0]!.eventId!, /^\d{56}$/);
  assert.deepEqual(first.searchedLogStreams, []);
  const pages: string[] = [];
  for await (const page of paginateFilterLogEvents(
    { client: logs, pageSize: 4 },
    { logGroupName: g, interleaved: true },
  )) {
    pages.push(...page.events!.map((e) => e.eventId!));
  }
  assert.equal(pages.length, 11);
  assert.equal(new Set(pages).size, 11);
});

test('raw JSON 1.1: unknown targets, names of object prototypes and an unreadable body are modeled errors', async () => {
  const { signRequest } = await import('../../src/auth/sigv4.js');
  const send = async (target: string, body: string) => {
    const host = `127.0.0.1:${server.apiPort}`;
    const headers = signRequest({
      method: 'POST',
      host,
      path: '/',
      body,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      ...server.credentials,
      region: R,
      service: 'logs',
    });
    const res = await fetch(`${server.endpoint}/`, { method: 'POST', headers, body });
    return {
      status: res.status,
      requestId: res.headers.get('x-amzn-requestid'),
      body: (await res.json()) as { __type: string },
    };
  };
  for (const target of [
    'Logs_20140328.NoSuchThing',
    'Logs_20140328.toString',
    'Logs_20140328.constructor',
    'Logs_20140328.__proto__',
  ]) {
    const r = await send(target, '{}');
    assert.deepEqual([r.status, r.body.__type], [400, 'UnknownOperationException'], target);
  }
  const bad = await send('Logs_20140328.DescribeLogGroups', '{not json');
  assert.deepEqual([bad.status, bad.body.__type], [400, 'InvalidParameterException']);
  assert.ok(bad.requestId);
});

test('a listing nextToken that was altered, unsigned or issued for another listing is InvalidParameterException', async () => {
  for (const g of ['/tok/a', '/tok/b', '/tok/c']) await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/tok/a', logStreamName: 's1' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/tok/a', logStreamName: 's2' }));
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/tok/', limit: 1 }));
  const token = groups.nextToken!;
  const next = await logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: '/tok/', limit: 1, nextToken: token }),
  );
  assert.deepEqual(
    next.logGroups!.map((g) => g.logGroupName),
    ['/tok/b'],
  );
  const refused = async (p: Promise<unknown>) => assert.equal((await errorOf(p)).name, 'InvalidParameterException');
  await refused(logs.send(new DescribeLogGroupsCommand({ nextToken: withCursor(token, '"/tok/b"') })));
  await refused(logs.send(new DescribeLogGroupsCommand({ nextToken: unsignedToken('"/tok/a"') })));
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/tok/a', limit: 1 }));
  await refused(logs.send(new DescribeLogGroupsCommand({ nextToken: streams.nextToken! })));
  await refused(
    logs.send(new DescribeLogStreamsCommand({ logGroupName: '/tok/b', limit: 1, nextToken: streams.nextToken! })),
  );
});

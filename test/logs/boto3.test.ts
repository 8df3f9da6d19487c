// boto3 drives every CloudWatch Logs operation appmeshd serves, each PutLogEvents rejection
// rule and each filter-pattern form; one Python process reports what it saw.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { awsEnv, startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const script = String.raw`
import json, sys, time, boto3, botocore
from botocore.config import Config
logs = boto3.client('logs', endpoint_url=sys.argv[1], config=Config(retries={'max_attempts': 1}))
out = {}
def err(fn, *a, **kw):
  try:
    fn(*a, **kw)
    return None
  except botocore.exceptions.ClientError as e:
    return [e.response['Error']['Code'], e.response['Error'].get('Message', '')]
now = int(time.time() * 1000)
day = 86400000
logs.create_log_group(logGroupName='/py/app', tags={'team': 'mesh'}, logGroupClass='STANDARD')
logs.create_log_group(logGroupName='/py/other')
out['exists'] = err(logs.create_log_group, logGroupName='/py/app')
out['groups'] = [[g['logGroupName'] for g in p['logGroups']] for p in logs.get_paginator('describe_log_groups').paginate(logGroupNamePrefix='/py/', PaginationConfig={'PageSize': 1})]
out['pattern'] = [g['logGroupName'] for g in logs.describe_log_groups(logGroupNamePattern='other')['logGroups']]
logs.put_retention_policy(logGroupName='/py/app', retentionInDays=7)
out['retention'] = logs.describe_log_groups(logGroupNamePrefix='/py/app')['logGroups'][0].get('retentionInDays')
out['badRetention'] = err(logs.put_retention_policy, logGroupName='/py/app', retentionInDays=8)[0]
logs.delete_retention_policy(logGroupName='/py/app')
arn = logs.describe_log_groups(logGroupNamePrefix='/py/app')['logGroups'][0]['logGroupArn']
logs.tag_resource(resourceArn=arn, tags={'env': 'test'})
logs.untag_resource(resourceArn=arn, tagKeys=['team'])
out['tags'] = logs.list_tags_for_resource(resourceArn=arn)['tags']
logs.tag_log_group(logGroupName='/py/app', tags={'legacy': '1'})
logs.untag_log_group(logGroupName='/py/app', tags=['env'])
out['legacyTags'] = logs.list_tags_log_group(logGroupName='/py/app')['tags']
for s in ['a', 'b']:
  logs.create_log_stream(logGroupName='/py/app', logStreamName=s)
out['streamExists'] = err(logs.create_log_stream, logGroupName='/py/app', logStreamName='a')[0]
put = lambda s, ev, **kw: logs.put_log_events(logGroupName='/py/app', logStreamName=s, logEvents=ev, **kw)
r = put('a', [{'timestamp': now - 3, 'message': 'GET /api 200'}, {'timestamp': now - 2, 'message': '{"status": 503, "path": "/api/x"}'}], sequenceToken='ignored')
out['token'] = len(r['nextSequenceToken'])
put('b', [{'timestamp': now - 1, 'message': '10.0.0.1 alice GET 404 12'}])
out['unordered'] = err(put, 'a', [{'timestamp': now, 'message': 'b'}, {'timestamp': now - 1, 'message': 'a'}])
out['span'] = err(put, 'a', [{'timestamp': now - 2 * day, 'message': 'a'}, {'timestamp': now, 'message': 'b'}])
out['tooLarge'] = err(put, 'a', [{'timestamp': now, 'message': 'x' * 600000}, {'timestamp': now, 'message': 'y' * 600000}])
out['tooMany'] = err(put, 'a', [{'timestamp': now, 'message': 'x'}] * 10001)[0]
out['rejected'] = put('a', [{'timestamp': now - 15 * day, 'message': 'old'}, {'timestamp': now, 'message': 'ok'}, {'timestamp': now + 3 * 3600000, 'message': 'new'}]).get('rejectedLogEventsInfo')
logs.put_retention_policy(logGroupName='/py/app', retentionInDays=1)
out['expired'] = put('a', [{'timestamp': now - 2 * day, 'message': 'expired'}, {'timestamp': now, 'message': 'fresh'}]).get('rejectedLogEventsInfo')
logs.delete_retention_policy(logGroupName='/py/app')
out['noStream'] = err(put, 'zzz', [{'timestamp': now, 'message': 'x'}])
out['streams'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupName='/py/app', orderBy='LastEventTime', descending=True)['logStreams']]
out['prefixStreams'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupName='/py/app', logStreamNamePrefix='b')['logStreams']]
g = logs.get_log_events(logGroupName='/py/app', logStreamName='a', startFromHead=True, limit=2)
out['head'] = [e['message'] for e in g['events']]
g2 = logs.get_log_events(logGroupName='/py/app', logStreamName='a', startFromHead=True, nextToken=g['nextForwardToken'])
g3 = logs.get_log_events(logGroupName='/py/app', logStreamName='a', startFromHead=True, nextToken=g2['nextForwardToken'])
out['rest'] = [e['message'] for e in g2['events']]
out['sameTokenAtEnd'] = g3['nextForwardToken'] == g2['nextForwardToken'] and g3['events'] == []
f = lambda p, **kw: [e['message'] for page in logs.get_paginator('filter_log_events').paginate(logGroupName='/py/app', filterPattern=p, **kw) for e in page['events']]
out['filters'] = {
  'term': f('GET'), 'phrase': f('"GET /api"'), 'or': f('?alice ?fresh'), 'not': f('GET -alice'), 'regex': f('%^GET /api%'),
  'json': f('{ $.status >= 500 && $.path = "/api*" }'), 'space': f('[ip, user, method, status = 4*, bytes]'),
  'streams': f('', logStreamNames=['b']), 'prefix': f('', logStreamNamePrefix='b'), 'time': f('', startTime=now - 2, endTime=now - 1),
}
out['badPattern'] = err(logs.filter_log_events, logGroupName='/py/app', filterPattern='{ $.x = ')[0]
logs.delete_log_stream(logGroupName='/py/app', logStreamName='b')
out['afterDelete'] = [s['logStreamName'] for s in logs.describe_log_streams(logGroupName='/py/app')['logStreams']]
logs.delete_log_group(logGroupName='/py/other')
out['gone'] = err(logs.delete_log_group, logGroupName='/py/other')
print(json.dumps(out))
`;

test('boto3: every Logs operation, each PutLogEvents rule and each filter-pattern form', async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'python3',
      ['-c', script, server.endpoint],
      { env: awsEnv(server), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${errOut}`));
        else resolve(out);
      },
    );
  });
  const seen = JSON.parse(stdout);
  assert.deepEqual(seen.exists, ['ResourceAlreadyExistsException', 'The specified log group already exists']);
  assert.deepEqual(seen.groups, [['/py/app'], ['/py/other']]);
  assert.deepEqual(seen.pattern, ['/py/other']);
  assert.equal(seen.retention, 7);
  assert.equal(seen.badRetention, 'InvalidParameterException');
  assert.deepEqual(seen.tags, { env: 'test' });
  assert.deepEqual(seen.legacyTags, { legacy: '1' });
  assert.equal(seen.streamExists, 'ResourceAlreadyExistsException');
  assert.equal(seen.token, 56);
  assert.deepEqual(seen.unordered, [
    'InvalidParameterException',
    'Log events in a single PutLogEvents request must be in chronological order.',
  ]);
  assert.deepEqual(seen.span, [
    'InvalidParameterException',
    'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
  ]);
  assert.deepEqual(seen.tooLarge, [
    'InvalidParameterException',
    'Upload too large: 1200052 bytes exceeds limit of 1048576',
  ]);
  assert.equal(seen.tooMany, 'InvalidParameterException');
  assert.deepEqual(seen.rejected, { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
  assert.deepEqual(seen.expired, { expiredLogEventEndIndex: 1 });
  assert.deepEqual(seen.noStream, ['ResourceNotFoundException', 'The specified log stream does not exist.']);
  assert.deepEqual(seen.streams, ['a', 'b']);
  assert.deepEqual(seen.prefixStreams, ['b']);
  assert.deepEqual(seen.head, ['GET /api 200', '{"status": 503, "path": "/api/x"}']);
  assert.deepEqual(seen.rest, ['ok', 'fresh']);
  assert.equal(seen.sameTokenAtEnd, true);
  assert.deepEqual(seen.filters, {
    term: ['GET /api 200', '10.0.0.1 alice GET 404 12'],
    phrase: ['GET /api 200'],
    or: ['10.0.0.1 alice GET 404 12', 'fresh'],
    not: ['GET /api 200'],
    regex: ['GET /api 200'],
    json: ['{"status": 503, "path": "/api/x"}'],
    space: ['10.0.0.1 alice GET 404 12'],
    streams: ['10.0.0.1 alice GET 404 12'],
    prefix: ['10.0.0.1 alice GET 404 12'],
    time: ['{"status": 503, "path": "/api/x"}', '10.0.0.1 alice GET 404 12'],
  });
  assert.equal(seen.badPattern, 'InvalidParameterException');
  assert.deepEqual(seen.afterDelete, ['a']);
  assert.deepEqual(seen.gone, ['ResourceNotFoundException', 'The specified log group does not exist.']);
});

// The filter-pattern language against the documented examples (messages M1–M6, J1, J2, S1),
// plus the parser's refusals. Pure: no server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileFilterPattern,
  FilterPatternError,
  globMatch,
  requiredSubstrings,
  splitFields,
} from '../../src/logs/filter-pattern.js';

const M = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
  '[ERROR 500] INTERNAL SERVER ERROR',
  '[SUCCESS 200] AUTHORIZED REQUEST',
];
const J1 =
  '{"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111","arrayKey":["value","another value"],"objectList":[{"name":"a","id":1},{"name":"b","id":2}],"SomeObject":null}';
const J2 =
  '{"user":{"id":1,"email":"John.Stiles@example.com"},"users":[{"id":2,"email":"John.Doe@example.com"},{"id":3,"email":"Jane.Doe@example.com"}],"actions":["GET","PUT","DELETE"],"coordinates":[[0,1,2],[4,5,6],[7,8,9]]}';
const S1 = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';

const which = (pattern: string, messages: string[]) => {
  const m = compileFilterPattern(pattern);
  return messages.map((x, i) => (m(x) ? i + 1 : 0)).filter(Boolean);
};
const matches = (pattern: string, message: string) => compileFilterPattern(pattern)(message);

test('unstructured terms: AND, phrases, ? alternatives, - exclusion, blank', () => {
  assert.deepEqual(which('ERROR', M), [1, 2, 3, 4, 5]);
  assert.deepEqual(which('ERROR ARGUMENTS', M), [3, 4]);
  assert.deepEqual(which('?ERROR ?ARGUMENTS', M), [1, 2, 3, 4, 5]);
  assert.deepEqual(which('"INTERNAL SERVER ERROR"', M), [5]);
  assert.deepEqual(which('ERROR -ARGUMENTS', M), [1, 2, 5]);
  assert.deepEqual(which('" "', M), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(which('', M), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(which('?"ERROR 4" MISSING ?SUCCESS', M), [3, 6], 'each ? group ANDs the terms after it');
  assert.deepEqual(which('error', M), [], 'case-sensitive');
});

test('regular expressions: unanchored unless ^/$, the restricted dialect only', () => {
  assert.deepEqual(which('%AUTHORIZED%', M), [2, 6]);
  assert.ok(matches('%colou?r%', 'the color') && matches('%colou?r%', 'the colour'));
  assert.ok(matches('%^[hc]at%', 'hat trick'));
  assert.ok(!matches('%^[hc]at%', 'a cat'));
  assert.ok(matches('%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}%', 'from 10.1.2.3 now'));
  assert.throws(() => compileFilterPattern('%(a)%'), FilterPatternError);
  assert.throws(() => compileFilterPattern('%a% %b% %c%'), FilterPatternError, 'at most two');
});

test('JSON patterns: selectors, strings, wildcards, numbers, IS/NOT EXISTS, precedence', () => {
  const yes = [
    '{ $.eventType = "UpdateTrail" }',
    '{ $.sourceIPAddress != 123.123.* }',
    '{ $.arrayKey[0] = "value" }',
    '{ $.objectList[1].id = 2 }',
    '{ $.SomeObject IS NULL }',
    '{ $.SomeOtherObject NOT EXISTS }',
    '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
    '{ $.eventType = Update* }',
  ];
  for (const p of yes) assert.ok(matches(p, J1), p);
  assert.ok(!matches('{ $.arrayKey = "value" }', J1), 'an array target never matches');
  assert.ok(!matches('{ $.objectList = * }', J1), 'an object target never matches');
  assert.ok(matches('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', J2));
  assert.ok(
    matches(
      '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
      J2,
    ),
    '&& binds tighter',
  );
  assert.ok(
    !matches(
      '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
      J2,
    ),
  );
  assert.ok(!matches('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', J2));
  assert.ok(matches('{ $.coordinates[2][0] >= 7 }', J2));
  assert.ok(matches('{ $.latency = * }', '{"latency": 50, "requestType": "GET"}'));
  assert.ok(matches('{ $.latency > 1e-3 && $.latency <= 5e1 }', '{"latency": 50}'));
  assert.ok(matches('{ $.ok IS TRUE }', '{"ok": true}') && matches('{ $.ok IS FALSE }', '{"ok": false}'));
  assert.ok(
    matches('{ $.message = %bind: address already in use% }', '{"message":"listen: bind: address already in use"}'),
  );
  assert.ok(!matches('{ $.eventType = "UpdateTrail" }', M[0]!), 'a message that is not JSON never matches');
  for (const bad of [
    '{ $.a = }',
    '{ $.a >= "x" }',
    '{ a = 1 }',
    '{ $.a = 1',
    '{ $.a IS MAYBE }',
    '{ $.a = 1 } extra',
  ]) {
    assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
  }
});

test('space-delimited patterns: fields, ..., conditions with && and ||', () => {
  assert.deepEqual(splitFields(S1), [
    '127.0.0.1',
    'Prod',
    'frank',
    '10/Oct/2000:13:25:15 -0700',
    'GET /index.html HTTP/1.0',
    '404',
    '1534',
  ]);
  assert.ok(matches('[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]', S1));
  assert.ok(matches('[..., request =*.html*, status_code = 4*, bytes]', S1));
  assert.ok(
    matches('[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]', S1),
  );
  assert.ok(matches('[ip, server, username, timestamp, request, status_code, bytes > 1000]', S1));
  assert.ok(!matches('[ip, server, username, timestamp, request, status_code, bytes > 2000]', S1));
  assert.ok(matches('[w1=ERROR, w2]', 'ERROR 400 BAD REQUEST'));
  assert.ok(!matches('[w1=ERROR, w2]', 'WARNING 400 BAD REQUEST'));
  assert.ok(matches('[w1=ERROR || W1=WARNING, w2]', 'WARNING disk'));
  assert.ok(matches('[w1!=ERROR && w1!=WARNING, w2]', 'INFO ok'));
  assert.ok(!matches('[a, b, c]', 'only two'));
  for (const bad of ['[a, ..., b, ...]', '[a = ]', '[a, b', '[, a]'])
    assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
});

test('globs are linear and anchored', () => {
  assert.ok(globMatch('*.html*', '/index.html?x'));
  assert.ok(!globMatch('4*', '504'));
  assert.ok(globMatch('a*b*c', 'aXXbYYc'));
  const long = 'a'.repeat(10_000);
  const started = Date.now();
  assert.ok(!globMatch('*a*a*a*a*a*b', long));
  assert.ok(Date.now() - started < 2000);
});

test('the substrings pushed down to the store are exactly the required literal terms', () => {
  assert.deepEqual(requiredSubstrings('ERROR "INTERNAL SERVER" -ARGUMENTS %a b%'), ['ERROR', 'INTERNAL SERVER']);
  assert.deepEqual(requiredSubstrings('?ERROR ?WARN'), []);
  assert.deepEqual(requiredSubstrings('{ $.a = 1 }'), []);
  assert.deepEqual(requiredSubstrings('[a, b]'), []);
  assert.deepEqual(requiredSubstrings('" "'), []);
});

// Session expiry (idle and absolute), the password hash format and the version history's bounds, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VersionHistory } from '../../src/console/history.js';
import { SessionStore } from '../../src/console/sessions.js';
import type { Store } from '../../src/store/types.js';
import { hashPassword, passwordPolicyViolation, verifyPassword } from '../../src/iam/passwords.js';

test('sessions expire after the idle time, and after the absolute time however active', () => {
  let now = 1_000_000;
  const store = new SessionStore({ idleMs: 1000, absoluteMs: 5000, maxSessions: 3 }, () => now);
  const a = store.create({ kind: 'password', userName: 'u', profileVersion: 1 });
  now += 900;
  assert.ok(store.touch(a.token), 'active within the idle time');
  now += 900;
  assert.ok(store.touch(a.token), 'each request restarts the idle clock');
  now += 1001;
  assert.equal(store.touch(a.token), undefined, 'idle too long');
  const b = store.create({ kind: 'password', userName: 'u', profileVersion: 1 });
  for (let i = 0; i < 6; i++) {
    now += 900;
    store.touch(b.token);
  }
  assert.equal(store.touch(b.token), undefined, 'past the absolute lifetime');
  assert.equal(store.touch('x'.repeat(43)), undefined);
  assert.equal(store.touch(undefined), undefined);
  for (let i = 0; i < 5; i++) store.create({ kind: 'password', userName: `u${i}`, profileVersion: 1 });
  assert.ok(store.size <= 3, 'bounded');
});

test('passwords: scrypt hashes with a salt, verified in constant form; the policy', async () => {
  const h1 = await hashPassword('Tr0ub4dor&3');
  const h2 = await hashPassword('Tr0ub4dor&3');
  assert.match(h1, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.notEqual(h1, h2, 'salted');
  assert.equal(await verifyPassword('Tr0ub4dor&3', h1), true);
  assert.equal(await verifyPassword('Tr0ub4dor&4', h1), false);
  assert.equal(await verifyPassword('Tr0ub4dor&3', undefined), false, 'an unknown user never matches');
  assert.equal(
    await verifyPassword('x', 'scrypt$1048577$8$1$aa$bb'),
    false,
    'absurd parameters are refused, not computed',
  );
  assert.ok(passwordPolicyViolation('short'));
  assert.ok(passwordPolicyViolation('alllowercaseletters'));
  assert.equal(passwordPolicyViolation('Correct-horse-1'), undefined);
});

test('version history: newest first, at most 20 per resource, bounded in bytes', () => {
  const history = new VersionHistory({ subscribe: () => () => undefined } as unknown as Store);
  for (let v = 1; v <= 25; v++) history.note('route', 'm/r', 'a', { version: v, updatedAt: v, spec: { v }, op: 'put' });
  const kept = history.versions('route', 'm/r', 'a');
  assert.equal(kept.length, 20);
  assert.deepEqual([kept[0]!.version, kept.at(-1)!.version], [25, 6]);
  const big = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 40; i++)
    history.note('virtualNode', 'm', `n${i}`, { version: 1, updatedAt: i, spec: { big }, op: 'put' });
  assert.equal(
    history.versions('virtualNode', 'm', 'n0').length,
    0,
    'the oldest resources are forgotten past the byte limit',
  );
  assert.equal(history.versions('virtualNode', 'm', 'n39').length, 1);
});

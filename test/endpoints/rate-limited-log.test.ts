// The security-group refusal log's limiter: once per key per period, with the count of
// what it kept quiet, and a bounded memory of keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitedLog } from '../../src/endpoints/rate-limited-log.js';

test('once per key per period, then again with the number suppressed meanwhile; keys are bounded', () => {
  let now = 0;
  const limiter = new RateLimitedLog(60_000, 3, () => now);
  assert.equal(limiter.admit('10.0.0.1'), 0);
  assert.equal(limiter.admit('10.0.0.1'), undefined);
  assert.equal(limiter.admit('10.0.0.1'), undefined);
  assert.equal(limiter.admit('10.0.0.2'), 0, 'another source is logged on its own');
  now = 59_999;
  assert.equal(limiter.admit('10.0.0.1'), undefined);
  now = 60_000;
  assert.equal(limiter.admit('10.0.0.1'), 3, 'three refusals were not logged');
  assert.equal(limiter.admit('10.0.0.3'), 0);
  assert.equal(limiter.admit('10.0.0.4'), 0, 'a fourth key fits after expired ones are dropped');
  for (let i = 0; i < 1000; i++) limiter.admit(`10.1.${i >> 8}.${i & 255}`);
  assert.ok((limiter as unknown as { last: Map<string, unknown> }).last.size <= 3);
});

// --xds-store-grace-ms: how long the store may be unreachable before open xDS streams are closed; 10 s unless set.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseServeArgs, serveHelp } from '../../src/server/config.js';

test('--xds-store-grace-ms defaults to 10 s, can be set, and is listed in --help', () => {
  assert.equal(parseServeArgs([], {}).xdsStoreGraceMs, 10_000);
  assert.equal(parseServeArgs(['--xds-store-grace-ms', '1500'], {}).xdsStoreGraceMs, 1500);
  assert.match(serveHelp(), /--xds-store-grace-ms N/);
});

test('--xds-store-grace-ms refuses zero and non-numbers', () => {
  for (const bad of ['0', '-1', '1.5', 'x', '']) {
    assert.throws(() => parseServeArgs(['--xds-store-grace-ms', bad], {}), ConfigError, bad);
  }
});

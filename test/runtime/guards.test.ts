// The narrowing helpers that stand where type assertions did: parsed JSON, API outputs read
// as data, thrown values, and spec checks against the App Mesh model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSpecOf } from '../../src/console/specs.js';
import {
  errorCode,
  errorMessage,
  errorName,
  isObject,
  isRecord,
  isStringArray,
  lookupTable,
  optionalString,
  propertyOf,
  recordsIn,
} from '../../src/runtime/guards.js';

test('records are non-null objects that are not lists; isObject admits lists', () => {
  for (const v of [{}, { a: 1 }, Object.create(null)]) assert.equal(isRecord(v), true);
  for (const v of [null, undefined, [], 'x', 1, true]) assert.equal(isRecord(v), false, String(v));
  assert.equal(isObject([]), true);
  assert.equal(isObject(null), false);
  assert.deepEqual(recordsIn([{ a: 1 }, 2, null, [3], { b: 2 }]), [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(recordsIn({ a: 1 }), []);
  assert.equal(isStringArray(['a', '']), true);
  assert.equal(isStringArray(['a', 1]), false);
  assert.equal(optionalString(1), undefined);
});

test('properties of thrown values: own or inherited, and nothing from primitives', () => {
  class NamedError extends Error {
    override name = 'NamedError';
  }
  const err = Object.assign(new NamedError('boom'), { code: 'EADDRINUSE' });
  assert.equal(errorMessage(err), 'boom');
  assert.equal(errorName(err), 'NamedError');
  assert.equal(errorName(new TypeError('x')), 'TypeError');
  assert.equal(errorCode(err), 'EADDRINUSE');
  assert.equal(errorCode({ code: 28 }), undefined);
  for (const v of ['boom', undefined, null, 3]) {
    assert.equal(errorMessage(v), undefined);
    assert.equal(propertyOf(v, 'length'), undefined);
  }
});

test('lookup tables have no prototype: inherited names are unknown keys', () => {
  const table = lookupTable({ a: 1 });
  assert.equal(table.a, 1);
  assert.equal(table.constructor, undefined);
  assert.equal(Object.getPrototypeOf(table), null);
  assert.equal(table.toString, undefined);
  assert.equal(Object.isFrozen(table), true);
});

test('specs read back are checked against the model before they are typed', () => {
  assert.equal(isSpecOf('virtualNode', { backends: [{ virtualService: { virtualServiceName: 'b.local' } }] }), true);
  assert.equal(isSpecOf('virtualNode', { backends: 'b.local' }), false);
  assert.equal(isSpecOf('route', { httpRoute: { match: { prefix: '/' } } }), false);
  assert.equal(isSpecOf('mesh', {}), true);
  assert.equal(isSpecOf('mesh', null), false);
});

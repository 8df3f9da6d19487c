// JSON protocols write the generated types' epoch-millisecond timestamps as epoch seconds, wherever a shape can reach
// a timestamp — also through shapes that refer back to themselves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonValue } from '../../src/protocols/json-body.js';
import type { ServiceModel } from '../../src/protocols/model.js';

// Node → Child → Node: Child is visited while Node is still being looked at, and Node holds the timestamp.
const model: ServiceModel = {
  metadata: { apiVersion: '2020-01-01', protocol: 'json', endpointPrefix: 'test' },
  operations: {},
  shapes: {
    Node: { type: 'structure', members: { child: { shape: 'Child' }, at: { shape: 'Time' }, name: { shape: 'Text' } } },
    Child: { type: 'structure', members: { node: { shape: 'Node' } } },
    Children: { type: 'list', member: { shape: 'Child' } },
    Time: { type: 'timestamp' },
    Text: { type: 'string' },
  },
};

test('timestamps are written as epoch seconds at every depth of a recursive shape', () => {
  const value = { child: { node: { at: 1_500, name: 'inner' } }, at: 2_000, name: 'outer' };
  assert.deepEqual(jsonValue(model, 'Node', value), {
    child: { node: { at: 1.5, name: 'inner' } },
    at: 2,
    name: 'outer',
  });
  // Asked about Child first (a fresh model object, so nothing is cached yet).
  const fresh: ServiceModel = { ...model, shapes: { ...model.shapes } };
  assert.deepEqual(jsonValue(fresh, 'Children', [{ node: { at: 3_000 } }]), [{ node: { at: 3 } }]);
});

test('values of shapes that cannot hold a timestamp are returned as they are', () => {
  const text = { name: 'x' };
  assert.equal(jsonValue(model, 'Text', 'x'), 'x');
  assert.equal(jsonValue(model, 'Node', undefined), undefined);
  assert.deepEqual(jsonValue(model, 'Node', text), text);
});

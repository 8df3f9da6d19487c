// The caching encoder encodes each distinct resource once (by object, then by content across
// snapshots), returns exactly the bytes of the strict encoder, and keeps no failures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeConfig, type Encoder } from '../../../src/xds/cache/encoded-config.js';
import { cachingEncoder } from '../../../src/xds/cache/resource-encoder.js';
import { encodeResource } from '../../../src/xds/protos/encode.js';
import { cases } from '../translate/cases.js';

function counting(): { encode: Encoder; calls: () => number } {
  let n = 0;
  return {
    encode: (typeUrl, json) => {
      n++;
      return encodeResource(typeUrl, json);
    },
    calls: () => n,
  };
}

const CLUSTER = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const cluster = (name: string) => ({ name, type: 'STATIC', connect_timeout: '1s' });

test('resource encoder: one encode per object, and per content across objects', () => {
  const c = counting();
  const encode = cachingEncoder(c.encode);
  const a = cluster('a');
  const first = encode(CLUSTER, a);
  assert.equal(encode(CLUSTER, a), first);
  assert.equal(encode(CLUSTER, cluster('a')), first, 'a new object with the same content gets the same bytes');
  assert.equal(c.calls(), 1);
  assert.notDeepEqual(encode(CLUSTER, cluster('b')), first);
  assert.equal(c.calls(), 2);
});

test('resource encoder: a failure is not kept', () => {
  const c = counting();
  const encode = cachingEncoder(c.encode);
  const bad = { name: 'x', no_such_field: 1 };
  assert.throws(() => encode(CLUSTER, bad), /no_such_field/);
  assert.throws(() => encode(CLUSTER, bad), /no_such_field/);
  assert.equal(c.calls(), 2);
});

test('resource encoder: content keys are bounded (two generations)', () => {
  const c = counting();
  const encode = cachingEncoder(c.encode, { maxKeyChars: 200 });
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) encode(CLUSTER, cluster(name));
  assert.equal(c.calls(), 8);
  encode(CLUSTER, cluster('a')); // long evicted: encoded again
  assert.equal(c.calls(), 9);
  encode(CLUSTER, cluster('h')); // recent: kept
  assert.equal(c.calls(), 9);
});

test('resource encoder: same bytes and versions as encoding every resource', () => {
  const encode = cachingEncoder((typeUrl, json) => encodeResource(typeUrl, json));
  for (const k of cases) {
    const plain = encodeConfig(k.run(k.snapshot), (typeUrl, json) => encodeResource(typeUrl, json));
    for (let round = 0; round < 2; round++) {
      // Round 0 fills the cache; round 1 (a new snapshot object: new resource objects) hits it by content.
      const cached = encodeConfig(k.run({ ...k.snapshot }), encode);
      assert.equal(cached.version, plain.version, k.name);
      for (const [typeUrl, type] of plain.types) {
        for (const [name, r] of type.byName)
          assert.deepEqual(cached.types.get(typeUrl)!.byName.get(name), r, `${k.name} ${name}`);
      }
    }
  }
});

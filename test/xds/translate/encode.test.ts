// Every generated resource encodes with the real Envoy protos (strictly: unknown fields, wrong types, PGV rules and
// deprecated fields fail), and the proxyless resources pass @grpc/grpc-js-xds 1.14's own validation.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { decodeResource } from '../../../src/xds/protos/decode.js';
import { encodeResource } from '../../../src/xds/protos/encode.js';
import { loadEnvoyProtos } from '../../../src/xds/protos/load.js';
import { TypeUrl } from '../../../src/xds/translate/types.js';
import { cases } from './cases.js';

for (const c of cases) {
  test(`encode: every resource of ${c.name} encodes with the Envoy protos`, () => {
    const config = c.run(c.snapshot);
    for (const kind of ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const) {
      for (const r of config[kind]) {
        let bytes: Buffer;
        try {
          bytes = encodeResource(r.typeUrl, r.resource, { rejectDeprecated: true });
        } catch (e) {
          assert.fail(`${c.name} ${kind} ${r.name}: ${(e as Error).message}`);
        }
        const back = decodeResource(bytes);
        assert.equal(back.typeUrl, r.typeUrl);
        assert.equal(
          (back.resource as { name?: string; cluster_name?: string }).name ??
            (back.resource as { cluster_name?: string }).cluster_name,
          r.name,
        );
        // Decoding then re-encoding is stable (nested Any values survive the round trip).
        assert.deepEqual(encodeResource(r.typeUrl, back.resource), bytes, `${c.name} ${r.name} round trip`);
      }
    }
  });
}

const require = createRequire(import.meta.url);

test('encode: proxyless resources pass grpc-js-xds validation (what it would NACK)', () => {
  // register() installs the router filter (and the rest) that the validators consult.
  (require('@grpc/grpc-js-xds') as { register(): void }).register();
  const base = '@grpc/grpc-js-xds/build/src/xds-resource-type/';
  type RT = {
    get(): { decode(ctx: unknown, any: { type_url: string; value: Buffer }): { name: string; error?: string } };
  };
  const types: Record<string, RT> = {
    [TypeUrl.listener]: (require(`${base}listener-resource-type.js`) as { ListenerResourceType: RT })
      .ListenerResourceType,
    [TypeUrl.route]: (require(`${base}route-config-resource-type.js`) as { RouteConfigurationResourceType: RT })
      .RouteConfigurationResourceType,
    [TypeUrl.cluster]: (require(`${base}cluster-resource-type.js`) as { ClusterResourceType: RT }).ClusterResourceType,
    [TypeUrl.endpoint]: (require(`${base}endpoint-resource-type.js`) as { EndpointResourceType: RT })
      .EndpointResourceType,
  };
  const ctx = {
    server: { serverUri: 'localhost:1', channelCredentials: { type: 'insecure' }, serverFeatures: [] },
    bootstrap: { certificateProviders: {} },
  };
  const anyType = loadEnvoyProtos().lookupType('google.protobuf.Any');
  const c = cases.find((x) => x.name === 'proxyless-api-listener')!;
  const config = c.run(c.snapshot);
  let checked = 0;
  for (const kind of ['listeners', 'routes', 'clusters', 'endpoints'] as const) {
    assert.ok(config[kind].length > 0, `proxyless case has ${kind}`);
    for (const r of config[kind]) {
      const any = anyType.decode(encodeResource(r.typeUrl, r.resource)) as unknown as {
        type_url: string;
        value: Uint8Array;
      };
      const result = types[r.typeUrl]!.get().decode(ctx, { type_url: any.type_url, value: Buffer.from(any.value) });
      assert.equal(result.error, undefined, `${r.name}: ${result.error}`);
      assert.equal(result.name, r.name);
      checked++;
    }
  }
  assert.ok(checked >= 6);
});

// Unit tests of the model validator, the modeled-member filter and the page tokens.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PageTokens } from '../../src/api/page-tokens.js';
import { appmeshModel } from '../../src/protocols/generated/appmesh.js';
import { keepModeled, TooDeep } from '../../src/protocols/restjson/modeled.js';
import { formatViolations, validateShape } from '../../src/protocols/validate.js';

const validate = (shape: string, value: unknown) => validateShape(appmeshModel, shape, value);

describe('validateShape', () => {
  test('a valid request has no violations', () => {
    assert.deepEqual(
      validate('CreateVirtualNodeInput', {
        meshName: 'm',
        virtualNodeName: 'n',
        spec: {
          listeners: [{ portMapping: { port: 80, protocol: 'http' } }],
          serviceDiscovery: { dns: { hostname: 'a' } },
        },
      }),
      [],
    );
  });

  test('collects every violation with its path', () => {
    const v = validate('CreateVirtualNodeInput', {
      meshName: '',
      spec: { listeners: [{ portMapping: { port: 0, protocol: 'udp' } }, null], serviceDiscovery: { dns: {} } },
    });
    assert.deepEqual(
      v.map((x) => x.path).sort(),
      [
        'meshName',
        'spec.listeners[0].portMapping.port',
        'spec.listeners[0].portMapping.protocol',
        'spec.listeners[1]',
        'spec.serviceDiscovery.dns.hostname',
        'virtualNodeName',
      ].sort(),
    );
    assert.match(formatViolations(v), /^6 validation errors detected: /);
  });

  test('null members count as absent', () => {
    assert.deepEqual(validate('CreateMeshInput', { meshName: 'm', spec: null, tags: null }), []);
    assert.deepEqual(
      validate('CreateMeshInput', { meshName: null }).map((x) => x.message),
      ['is required'],
    );
  });

  test('unions need exactly one member', () => {
    const none = validate('ServiceDiscovery', {});
    assert.equal(none.length, 1);
    assert.match(none[0]!.message, /exactly one of .*\(0 set\)/);
    assert.match(
      validate('ServiceDiscovery', {
        dns: { hostname: 'a' },
        awsCloudMap: { namespaceName: 'n', serviceName: 's' },
      })[0]!.message,
      /\(2 set\)/,
    );
  });

  test('types, whole numbers, ranges, enums and patterns', () => {
    assert.match(validate('PortMapping', { port: '80', protocol: 'http' })[0]!.message, /expected a number/);
    assert.match(validate('PortMapping', { port: 80.5, protocol: 'http' })[0]!.message, /whole number/);
    assert.match(validate('PortMapping', { port: 70000, protocol: 'http' })[0]!.message, /at most 65535/);
    assert.match(validate('PortMapping', { port: 80, protocol: 'HTTP' })[0]!.message, /one of/);
    assert.match(validate('AwsCloudMapInstanceAttribute', { key: 'a b', value: 'v' })[0]!.message, /pattern/);
    assert.match(validate('CreateMeshInput', { meshName: 'm', tags: 'x' })[0]!.message, /expected a list/);
  });
});

describe('keepModeled', () => {
  test('drops members the model does not define, at every depth', () => {
    const kept = keepModeled(appmeshModel, 'VirtualNodeSpec', {
      listeners: [{ portMapping: { port: 1, protocol: 'http', extra: 1 }, junk: true }],
      bogus: { a: 1 },
    });
    assert.deepEqual(kept, { listeners: [{ portMapping: { port: 1, protocol: 'http' } }] });
  });

  test('keeps wrong types for the validator to report, without their contents', () => {
    assert.deepEqual(keepModeled(appmeshModel, 'PortMapping', { port: { deep: { deeper: 1 } }, protocol: [1, 2] }), {
      port: {},
      protocol: [],
    });
  });

  test('refuses nesting deeper than 64 levels, even through a recursive shape', () => {
    const model = {
      metadata: appmeshModel.metadata,
      operations: {},
      shapes: { Node: { type: 'structure' as const, members: { child: { shape: 'Node' } } } },
    };
    const chain = (depth: number) => {
      let value: Record<string, unknown> = {};
      for (let i = 0; i < depth; i++) value = { child: value };
      return value;
    };
    assert.doesNotThrow(() => keepModeled(model, 'Node', chain(60)));
    assert.throws(() => keepModeled(model, 'Node', chain(100_000)), TooDeep);
  });
});

describe('PageTokens', () => {
  const tokens = new PageTokens('secret-1');

  test('a token reads back its cursor in its own context', () => {
    const t = tokens.issue('virtualNode:m', 'vn-07');
    assert.equal(tokens.read('virtualNode:m', t), 'vn-07');
    assert.doesNotMatch(t, /vn-07/, 'the cursor is not visible in clear text');
  });

  test('another context, another secret, a tampered or a garbage token is refused', () => {
    const t = tokens.issue('virtualNode:m', 'vn-07');
    const refused = (fn: () => unknown) => assert.throws(fn, (e: Error) => e.name === 'BadRequestException');
    refused(() => tokens.read('virtualNode:other', t));
    refused(() => new PageTokens('secret-2').read('virtualNode:m', t));
    const [payload, mac] = t.split('.') as [string, string];
    refused(() => tokens.read('virtualNode:m', `${payload}x.${mac}`));
    refused(() => tokens.read('virtualNode:m', `${payload}.${mac.slice(1)}`));
    for (const junk of ['', '.', 'abc', 'a.b.c', '%%%.%%%']) refused(() => tokens.read('virtualNode:m', junk));
  });
});

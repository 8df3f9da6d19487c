// --quota: every quota has AWS's default, any can be set, and only known names are accepted
// (a name that is a property of every object, like toString, is not a quota).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, defaultQuotas, parseServeArgs } from '../../src/server/config.js';

test('--quota sets a quota and leaves the others at their defaults', () => {
  const { quotas } = parseServeArgs(['--quota', 'vpcsPerRegion=20', '--quota', 'instancesPerService=10'], {});
  assert.equal(quotas.vpcsPerRegion, 20);
  assert.equal(quotas.instancesPerService, 10);
  assert.equal(quotas.subnetsPerVpc, defaultQuotas.subnetsPerVpc);
  assert.deepEqual(
    [
      defaultQuotas.vpcsPerRegion,
      defaultQuotas.subnetsPerVpc,
      defaultQuotas.securityGroupsPerRegion,
      defaultQuotas.interfaceEndpointsPerVpc,
      defaultQuotas.usersPerAccount,
      defaultQuotas.accessKeysPerUser,
      defaultQuotas.namespacesPerRegion,
      defaultQuotas.instancesPerService,
    ],
    [5, 200, 2500, 50, 5000, 2, 50, 1000],
  );
});

test('--quota refuses unknown names, prototype names and non-numbers', () => {
  for (const bad of [
    'nothing=1',
    'toString=1',
    '__proto__=1',
    'constructor=1',
    'vpcsPerRegion=-1',
    'vpcsPerRegion=x',
    'vpcsPerRegion',
  ]) {
    assert.throws(() => parseServeArgs(['--quota', bad], {}), ConfigError, bad);
  }
});

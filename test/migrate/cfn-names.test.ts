// The importer's CloudFormation property names checked against an independent source: the
// CDK's generated L1 classes, which are produced from the CloudFormation resource schemas
// and map every CloudFormation property to a camelCase name (for App Mesh, the API's).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cfnName } from '../../src/migrate/shapes.js';
import { SPEC_SHAPE } from '../../src/migrate/resources.js';
import { appmeshModel } from '../../src/protocols/generated/appmesh.js';
import { repoRoot } from '../helpers/server.js';

const generated = join(repoRoot, 'node_modules', 'aws-cdk-lib', 'aws-appmesh', 'lib', 'appmesh.generated.js');
const skip = existsSync(generated) ? false : 'aws-cdk-lib is not installed';

test('every CloudFormation property name of the App Mesh types is the one the importer derives from the API member', {
  skip,
}, () => {
  const text = readFileSync(generated, 'utf8');
  const pairs = [...text.matchAll(/addPropertyResult\("(\w+)","(\w+)"/g)].map((m) => [m[1]!, m[2]!] as const);
  assert.ok(pairs.length > 300, `found the CDK's property table (${pairs.length} entries)`);
  assert.deepEqual(
    pairs.filter(([camel, cfn]) => cfnName(camel) !== cfn),
    [],
  );

  // And the other way: every member reachable from the API's spec shapes has a CloudFormation property.
  const cfn = new Set(pairs.map(([, c]) => c));
  const seen = new Set<string>();
  const missing: string[] = [];
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const s = appmeshModel.shapes[name]!;
    if (s.type === 'list') walk(s.member!.shape);
    for (const [m, ref] of Object.entries(s.members ?? {})) {
      if (!cfn.has(cfnName(m))) missing.push(`${name}.${m}`);
      walk(ref.shape);
    }
  };
  for (const shape of [...Object.values(SPEC_SHAPE), 'TagRef']) walk(shape);
  assert.ok(seen.size > 100, `walked the spec shapes (${seen.size})`);
  assert.deepEqual(missing, []);
});

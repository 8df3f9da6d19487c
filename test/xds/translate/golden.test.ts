// Golden files: test/golden/<case>.json pins the full ProxyConfig of each case. UPDATE_GOLDEN=1 rewrites them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cases } from './cases.js';

// Compiled to dist/test/xds/translate/: the golden files stay in the source tree.
const goldenDir = fileURLToPath(new URL('../../../../test/golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const actual = `${JSON.stringify(c.run(c.snapshot), null, 2)}\n`;
    const file = `${goldenDir}${c.name}.json`;
    if (update) {
      fs.mkdirSync(goldenDir, { recursive: true });
      fs.writeFileSync(file, actual);
      return;
    }
    assert.ok(fs.existsSync(file), `missing golden file test/golden/${c.name}.json (run with UPDATE_GOLDEN=1)`);
    assert.equal(
      actual,
      fs.readFileSync(file, 'utf8'),
      `output differs from test/golden/${c.name}.json (UPDATE_GOLDEN=1 to accept)`,
    );
  });
}

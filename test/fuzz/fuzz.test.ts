// The fuzz suite in `npm test`: a small, seeded budget (the seed is printed; set
// APPMESHD_FUZZ_SEED to replay one). `npm run fuzz -- --cases 100000` runs a larger one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFuzz } from './run.js';

const seed = Number(process.env.APPMESHD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const cases = Number(process.env.APPMESHD_FUZZ_CASES ?? 2000);

test(`fuzz: ${cases} mutated requests over the four API protocols, xDS and DNS (seed ${seed})`, {
  timeout: 120_000,
}, async (t) => {
  const report = await runFuzz({ cases, seed });
  t.diagnostic(JSON.stringify({ ...report, failures: report.failures.length }));
  assert.deepEqual(report.failures, [], `replay with APPMESHD_FUZZ_SEED=${seed}`);
});

// npm run fuzz -- [--cases N] [--seed S]: a larger fuzz run; prints the seed and a JSON report,
// exits 1 when any property was violated.
import { parseArgs } from 'node:util';
import { runFuzz } from './run.js';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const cases = Number(values.cases);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--cases N] [--seed S]\n');
  process.exit(2);
}
process.stdout.write(`fuzz: ${cases} cases, seed ${seed} (replay with --seed ${seed})\n`);
const report = await runFuzz({ cases, seed, log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  report.failures.length ? `FAILED: ${report.failures.length} violations (seed ${seed})\n` : `clean (seed ${seed})\n`,
);
process.exit(report.failures.length ? 1 : 0);

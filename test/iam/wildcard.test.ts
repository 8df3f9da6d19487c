// The linear wildcard matcher agrees with a reference (dynamic programming over pattern ×
// value) on many seeded random patterns and values, literal `*`/`?` included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANY_ONE, ANY_RUN, type GlobUnit, globMatch } from '../../src/auth/policy/wildcard.js';

function reference(units: readonly GlobUnit[], value: string): boolean {
  const tokens: GlobUnit[] = units.flatMap((u): GlobUnit[] => (typeof u === 'string' ? [...u] : [u]));
  let row = new Array<boolean>(value.length + 1).fill(false);
  row[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(value.length + 1).fill(false);
    for (let j = 0; j <= value.length; j++) {
      if (t === ANY_RUN) next[j] = row[j]! || (j > 0 && next[j - 1]!);
      else if (j > 0) next[j] = row[j - 1]! && (t === ANY_ONE || t === value[j - 1]);
    }
    row = next;
  }
  return row[value.length]!;
}

test('globMatch agrees with the reference on 50,000 seeded random cases', () => {
  let seed = 42;
  // An LCG's low bits repeat with a short period: take the high ones.
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };
  // Few distinct characters, so pieces overlap and repeat (the hard cases); literal * and ? included.
  const literals = ['a', 'a', 'b', '*', '?'];
  for (let i = 0; i < 50_000; i++) {
    const units: GlobUnit[] = [];
    for (let k = rand(8); k > 0; k--) {
      const r = rand(6);
      units.push(
        r === 0
          ? ANY_RUN
          : r === 1
            ? ANY_ONE
            : Array.from({ length: 1 + rand(3) }, () => literals[rand(literals.length)]).join(''),
      );
    }
    const value = Array.from({ length: rand(16) }, () => literals[rand(literals.length)]).join('');
    assert.equal(
      globMatch(units, value),
      reference(units, value),
      `${JSON.stringify(units)} vs ${JSON.stringify(value)}`,
    );
  }
});

test('a piece with ? whose first candidate fails is found at an overlapping later one', () => {
  assert.equal(globMatch([ANY_RUN, 'aa', ANY_ONE, 'b', ANY_RUN], 'aaaxb'), true);
  assert.equal(reference([ANY_RUN, 'aa', ANY_ONE, 'b', ANY_RUN], 'aaaxb'), true);
});

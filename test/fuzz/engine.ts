// The mutation engine of the fuzz suite: a seeded generator (the same seed gives the same
// cases) and mutators for text, bytes and JSON values, biased towards what breaks parsers —
// built-in property names, control characters, unpaired surrogates, huge and negative
// numbers, deep nesting, long runs and percent-encoding garbage.

/** mulberry32: small, fast and good enough to spread cases; not for secrets. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export const INTERESTING_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '\u0000',
  'a\u0000b',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udc00',
  'x\ud83d',
  '\ufffe',
  '\uffff',
  '\u{1F984}',
  '%',
  '%00',
  '%zz',
  '%ED%A0%80',
  '%C0%AF',
  '..',
  '../..',
  '/',
  '//',
  '\\',
  '*',
  '?',
  '${*}',
  '${aws:username}',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '9007199254740993',
  '-9223372036854775809',
  '1.5',
  '0x10',
  'true',
  'null',
  'arn:aws:appmesh:us-east-1:111122223333:mesh/*',
  'mesh/x/virtualNode/y',
  '<x>&amp;</x>',
  ']]>',
  '"',
  "'",
  '\r\n',
  '\t',
];

const PIECES = [
  'a',
  'Z',
  '0',
  '.',
  '-',
  '_',
  '/',
  ':',
  '@',
  '=',
  '&',
  '%',
  '+',
  '[',
  '{',
  '"',
  '\\',
  '\n',
  '\u0000',
  '\u00e9',
  '\ud800',
  '\u{1F600}',
];

/** A random string: sometimes interesting, sometimes random pieces, sometimes long. */
export function randomString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.45) return rng.pick(INTERESTING_STRINGS);
  if (r < 0.9) {
    let s = '';
    const n = rng.int(24);
    for (let i = 0; i < n; i++) s += rng.pick(PIECES);
    return s;
  }
  return rng.pick(PIECES).repeat(1 + rng.int(rng.chance(0.2) ? 70_000 : 300));
}

/** One mutation of a string: replace, insert, delete, duplicate or splice in something interesting. */
export function mutateString(rng: Rng, s: string): string {
  const at = rng.int(s.length + 1);
  switch (rng.int(7)) {
    case 0:
      return randomString(rng);
    case 1:
      return s.slice(0, at) + randomString(rng) + s.slice(at);
    case 2:
      return s.slice(0, at) + s.slice(at + 1 + rng.int(8));
    case 3:
      return (
        s.slice(0, at) +
        s
          .slice(at)
          .repeat(2 + rng.int(rng.chance(0.1) ? 500 : 4))
          .slice(0, 200_000)
      );
    case 4:
      return s + rng.pick(INTERESTING_STRINGS);
    case 5:
      return rng.pick(INTERESTING_STRINGS) + s;
    default:
      return s.slice(0, at) + String.fromCharCode(rng.int(0x10000)) + s.slice(at + 1);
  }
}

/** One mutation of bytes: bit flips, random bytes, truncation, duplication. */
export function mutateBytes(rng: Rng, b: Buffer): Buffer {
  const out = Buffer.from(b);
  switch (rng.int(5)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(4); i < n && out.length; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    case 1:
      for (let i = 0, n = 1 + rng.int(4); i < n && out.length; i++) out[rng.int(out.length)] = rng.int(256);
      return out;
    case 2:
      return out.subarray(0, rng.int(out.length + 1));
    case 3: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([
        out.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + rng.int(32) }, () => rng.int(256))),
        out.subarray(at),
      ]);
    }
    default: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(at), out.subarray(at)]);
    }
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function randomJson(rng: Rng, depth = 0): Json {
  switch (rng.int(depth > 3 ? 4 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 31, -(2 ** 53), 1e308, 65536, 4294967296]);
    case 3:
      return randomString(rng);
    case 4:
      return rng.chance(0.05)
        ? Array.from({ length: 3000 }, (_, i) => i)
        : Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    case 5: {
      const n = rng.chance(0.5) ? 1 : 200;
      return JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as Json;
    }
    default: {
      const o: { [k: string]: Json } = {};
      for (let i = 0, n = rng.int(4); i < n; i++)
        Object.defineProperty(o, randomString(rng), {
          value: randomJson(rng, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return o;
    }
  }
}

/** A copy of `value` with one node replaced, removed or added. */
export function mutateJson(rng: Rng, value: Json): Json {
  if (value === null || typeof value !== 'object' || rng.chance(0.15)) {
    return typeof value === 'string' && rng.chance(0.5) ? mutateString(rng, value) : randomJson(rng);
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (!copy.length || rng.chance(0.2)) copy.push(randomJson(rng));
    // biome-ignore lint/suspicious/noDuplicateElseIf: a second draw, not the same condition
    else if (rng.chance(0.2)) copy.splice(rng.int(copy.length), 1);
    else {
      const i = rng.int(copy.length);
      copy[i] = mutateJson(rng, copy[i]!);
    }
    return copy;
  }
  const copy: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  const keys = Object.keys(copy);
  if (!keys.length || rng.chance(0.2)) {
    Object.defineProperty(copy, rng.chance(0.5) ? randomString(rng) : rng.pick(['__proto__', 'constructor']), {
      value: randomJson(rng),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (rng.chance(0.15)) {
    delete copy[rng.pick(keys)];
  } else {
    const k = rng.pick(keys);
    copy[k] = mutateJson(rng, copy[k]!);
  }
  return copy;
}

// The CloudWatch Logs filter-pattern language, parsed once into a predicate over messages.
// Three forms, chosen by the first character: `{ … }` JSON conditions, `[ … ]` space-
// delimited fields, anything else unstructured terms (words, "quoted phrases", %regex%,
// `?` alternatives, `-` exclusions). Matching is case-sensitive; globs (`*`) and the
// restricted regex dialect (no groups) keep matching free of catastrophic backtracking.

export class FilterPatternError extends Error {}

export type MessageMatcher = (message: string) => boolean;

const MAX_REGEXES = 2;

// ---- shared value matching ----

/** `*` matches any run of characters; everything else literally; the whole text must match. */
export function globMatch(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] !== '*' && glob[g] === text[t]) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

const REGEX_ALLOWED = /^[A-Za-z0-9_#=@/;,:\- ^$?[\]{}|\\*+.]*$/;

function compileRegex(body: string, counter: { n: number }): RegExp {
  if (++counter.n > MAX_REGEXES)
    throw new FilterPatternError(`A filter pattern may contain at most ${MAX_REGEXES} regular expressions`);
  if (!body || !REGEX_ALLOWED.test(body)) throw new FilterPatternError('Invalid regular expression in filter pattern');
  try {
    return new RegExp(body, 'u');
  } catch {
    throw new FilterPatternError('Invalid regular expression in filter pattern');
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
const COMPARISONS: readonly Op[] = ['=', '!=', '<', '<=', '>', '>='];
type Value =
  | { kind: 'string'; text: string; glob: boolean }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'any' }
  | { kind: 'regex'; re: RegExp };

function scalarMatches(op: Op, v: Value, target: string | number | boolean): boolean {
  const asText = String(target);
  let eq: boolean;
  switch (v.kind) {
    case 'any':
      eq = true;
      break;
    case 'regex':
      eq = v.re.test(asText);
      break;
    case 'string':
      eq = v.glob ? globMatch(v.text, asText) : asText === v.text;
      break;
    case 'number': {
      const n =
        typeof target === 'number'
          ? target
          : typeof target === 'string' && NUMBER.test(target)
            ? Number(target)
            : Number.NaN;
      if (op !== '=' && op !== '!=') {
        if (Number.isNaN(n)) return false;
        switch (op) {
          case '<':
            return n < v.value;
          case '<=':
            return n <= v.value;
          case '>':
            return n > v.value;
          default:
            return n >= v.value;
        }
      }
      eq = Number.isNaN(n) ? asText === v.text : n === v.value;
      break;
    }
  }
  if (op === '=') return eq;
  if (op === '!=') return !eq;
  return false;
}

// ---- tokenizer for the structured forms ----

/** The text of the "…" starting at src[start] (backslash escapes the next character) and the index after it. */
function readQuoted(src: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  for (;;) {
    if (i >= src.length) throw new FilterPatternError('Invalid filter pattern: unterminated quoted string');
    const d = src[i]!;
    if (d === '\\' && i + 1 < src.length) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (d === '"') return { text, end: i + 1 };
    text += d;
    i++;
  }
}

interface Tok {
  type: 'word' | 'string' | 'regex' | 'op' | 'punct';
  text: string;
}

function tokenize(src: string, counter: { n: number }, regexes: Map<Tok, RegExp>): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '!=' || two === '<=' || two === '>=') {
      out.push({ type: 'op', text: two });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ type: 'op', text: c });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '{' || c === '}' || c === '[' || c === ']') {
      out.push({ type: 'punct', text: c });
      i++;
      continue;
    }
    if (c === '"') {
      const q = readQuoted(src, i);
      out.push({ type: 'string', text: q.text });
      i = q.end;
      continue;
    }
    if (c === '%') {
      const end = src.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError('Invalid filter pattern: unterminated regular expression');
      const tok: Tok = { type: 'regex', text: src.slice(i + 1, end) };
      regexes.set(tok, compileRegex(tok.text, counter));
      out.push(tok);
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < src.length && !' \t\n\r=<>!&|(),{}[]"'.includes(src[j]!)) j++;
    if (j === i) throw new FilterPatternError(`Invalid filter pattern: unexpected '${c}'`);
    out.push({ type: 'word', text: src.slice(i, j) });
    i = j;
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly regexes: Map<Tok, RegExp>,
  ) {}
  peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  next(): Tok {
    const t = this.toks[this.pos++];
    if (!t) throw new FilterPatternError('Invalid filter pattern: unexpected end');
    return t;
  }
  is(text: string): boolean {
    const t = this.peek();
    return !!t && (t.type === 'op' || t.type === 'punct') && t.text === text;
  }
  isWord(text: string): boolean {
    const t = this.peek();
    return !!t && t.type === 'word' && t.text === text;
  }
  expect(text: string): void {
    const t = this.next();
    if ((t.type !== 'op' && t.type !== 'punct') || t.text !== text)
      throw new FilterPatternError(`Invalid filter pattern: expected '${text}', found '${t.text}'`);
  }
  done(): boolean {
    return this.pos >= this.toks.length;
  }

  op(): Op {
    const t = this.next();
    const op = t.type === 'op' ? COMPARISONS.find((o) => o === t.text) : undefined;
    if (!op) throw new FilterPatternError(`Invalid filter pattern: expected a comparison, found '${t.text}'`);
    return op;
  }

  value(op: Op): Value {
    const t = this.next();
    let v: Value;
    if (t.type === 'regex') v = { kind: 'regex', re: this.regexes.get(t)! };
    else if (t.type === 'string')
      v = t.text === '*' ? { kind: 'any' } : { kind: 'string', text: t.text, glob: t.text.includes('*') };
    else if (t.type === 'word') {
      if (t.text === '*') v = { kind: 'any' };
      else if (NUMBER.test(t.text)) v = { kind: 'number', value: Number(t.text), text: t.text };
      else v = { kind: 'string', text: t.text, glob: t.text.includes('*') };
    } else throw new FilterPatternError(`Invalid filter pattern: expected a value, found '${t.text}'`);
    if (op !== '=' && op !== '!=' && v.kind !== 'number')
      throw new FilterPatternError(`Invalid filter pattern: ${op} needs a number`);
    return v;
  }
}

// ---- JSON patterns ----

type Step = { key: string } | { index: number };
type JsonCond = (doc: unknown) => boolean;

function parseSelector(text: string): Step[] {
  if (!text.startsWith('$'))
    throw new FilterPatternError(`Invalid filter pattern: selector '${text}' must start with $`);
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    if (text[i] === '.') {
      const m = /^[A-Za-z0-9_\-@]+/.exec(text.slice(i + 1));
      if (!m) throw new FilterPatternError(`Invalid filter pattern: bad selector '${text}'`);
      steps.push({ key: m[0] });
      i += 1 + m[0].length;
    } else {
      throw new FilterPatternError(`Invalid filter pattern: bad selector '${text}'`);
    }
  }
  return steps;
}

function resolve(doc: unknown, steps: Step[]): unknown {
  let cur: unknown = doc;
  for (const s of steps) {
    if ('key' in s) {
      if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, s.key)) return undefined;
      cur = Reflect.get(cur, s.key);
    } else {
      if (!Array.isArray(cur) || s.index >= cur.length) return undefined;
      cur = cur[s.index];
    }
  }
  return cur;
}

function jsonSelector(p: Parser): Step[] {
  const t = p.next();
  if (t.type !== 'word') throw new FilterPatternError(`Invalid filter pattern: expected a selector, found '${t.text}'`);
  const steps = parseSelector(t.text);
  // Array indexes arrive as punctuation tokens: $.a[0][1].b
  for (;;) {
    if (p.is('[')) {
      p.next();
      const n = p.next();
      if (n.type !== 'word' || !/^\d+$/.test(n.text))
        throw new FilterPatternError('Invalid filter pattern: array index must be a number');
      p.expect(']');
      steps.push({ index: Number(n.text) });
      continue;
    }
    const nx = p.peek();
    if (nx && nx.type === 'word' && nx.text.startsWith('.')) {
      p.next();
      steps.push(...parseSelector(`$${nx.text}`));
      continue;
    }
    return steps;
  }
}

function jsonComparison(p: Parser): JsonCond {
  const steps = jsonSelector(p);
  if (p.isWord('IS')) {
    p.next();
    const w = p.next();
    if (w.text === 'NULL') return (d) => resolve(d, steps) === null;
    if (w.text === 'TRUE') return (d) => resolve(d, steps) === true;
    if (w.text === 'FALSE') return (d) => resolve(d, steps) === false;
    throw new FilterPatternError(`Invalid filter pattern: IS ${w.text}`);
  }
  if (p.isWord('NOT')) {
    p.next();
    const w = p.next();
    if (w.text !== 'EXISTS') throw new FilterPatternError(`Invalid filter pattern: NOT ${w.text}`);
    return (d) => resolve(d, steps) === undefined;
  }
  const op = p.op();
  const v = p.value(op);
  return (d) => {
    const target = resolve(d, steps);
    if (typeof target !== 'string' && typeof target !== 'number' && typeof target !== 'boolean') return false;
    return scalarMatches(op, v, target);
  };
}

function jsonOr(p: Parser): JsonCond {
  const parts = [jsonAnd(p)];
  while (p.is('||')) {
    p.next();
    parts.push(jsonAnd(p));
  }
  return parts.length === 1 ? parts[0]! : (d) => parts.some((c) => c(d));
}

function jsonAnd(p: Parser): JsonCond {
  const parts = [jsonPrimary(p)];
  while (p.is('&&')) {
    p.next();
    parts.push(jsonPrimary(p));
  }
  return parts.length === 1 ? parts[0]! : (d) => parts.every((c) => c(d));
}

function jsonPrimary(p: Parser): JsonCond {
  if (p.is('(')) {
    p.next();
    const c = jsonOr(p);
    p.expect(')');
    return c;
  }
  return jsonComparison(p);
}

function compileJson(p: Parser): MessageMatcher {
  p.expect('{');
  const cond = jsonOr(p);
  p.expect('}');
  if (!p.done()) throw new FilterPatternError('Invalid filter pattern: text after the closing brace');
  return (message) => {
    const start = message.trimStart();
    if (!start.startsWith('{') && !start.startsWith('[')) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return cond(doc);
  };
}

// ---- space-delimited patterns ----

type FieldCond = (value: string) => boolean;
interface Field {
  name: string;
  ellipsis: boolean;
  cond?: FieldCond;
}

function fieldCondition(p: Parser): FieldCond {
  const or: FieldCond[][] = [[]];
  const one = (): FieldCond => {
    const op = p.op();
    const v = p.value(op);
    return (value) => scalarMatches(op, v, value);
  };
  or[0]!.push(one());
  while (p.is('&&') || p.is('||')) {
    const joiner = p.next().text;
    const name = p.next();
    if (name.type !== 'word') throw new FilterPatternError('Invalid filter pattern: expected a field name');
    const c = one();
    if (joiner === '||') or.push([c]);
    else or[or.length - 1]!.push(c);
  }
  return (value) => or.some((all) => all.every((c) => c(value)));
}

/** Splits a message into fields: spaces separate, "…" and […] hold one field each (delimiters dropped). */
export function splitFields(message: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = message.length;
  while (i < n) {
    while (i < n && message[i] === ' ') i++;
    if (i >= n) break;
    const c = message[i]!;
    const close = c === '"' ? '"' : c === '[' ? ']' : '';
    if (close) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        out.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let j = i;
    while (j < n && message[j] !== ' ') j++;
    out.push(message.slice(i, j));
    i = j;
  }
  return out;
}

function compileSpaceDelimited(p: Parser): MessageMatcher {
  p.expect('[');
  const fields: Field[] = [];
  for (;;) {
    const t = p.next();
    if (t.type === 'word' && t.text === '...') fields.push({ name: '...', ellipsis: true });
    else if (t.type === 'word') {
      const f: Field = { name: t.text, ellipsis: false };
      if (p.peek()?.type === 'op') f.cond = fieldCondition(p);
      fields.push(f);
    } else throw new FilterPatternError(`Invalid filter pattern: expected a field, found '${t.text}'`);
    if (p.is(',')) {
      p.next();
      continue;
    }
    p.expect(']');
    break;
  }
  if (!p.done()) throw new FilterPatternError('Invalid filter pattern: text after the closing bracket');
  const ell = fields.findIndex((f) => f.ellipsis);
  if (ell >= 0 && fields.findIndex((f, i) => f.ellipsis && i !== ell) >= 0)
    throw new FilterPatternError('Invalid filter pattern: only one ... is allowed');
  const head = ell >= 0 ? fields.slice(0, ell) : fields;
  const tail = ell >= 0 ? fields.slice(ell + 1) : [];
  return (message) => {
    const values = splitFields(message);
    if (values.length < head.length + tail.length) return false;
    if (ell < 0) {
      // The last field takes whatever is left over.
      const last = head.length - 1;
      for (let i = 0; i < head.length; i++) {
        const v = i === last ? values.slice(i).join(' ') : values[i]!;
        if (head[i]!.cond && !head[i]!.cond!(v)) return false;
      }
      return true;
    }
    for (let i = 0; i < head.length; i++) if (head[i]!.cond && !head[i]!.cond!(values[i]!)) return false;
    const offset = values.length - tail.length;
    for (let i = 0; i < tail.length; i++) if (tail[i]!.cond && !tail[i]!.cond!(values[offset + i]!)) return false;
    return true;
  };
}

// ---- unstructured terms ----

type TermTest = (message: string) => boolean;

interface Term {
  prefix: '' | '?' | '-';
  test: TermTest;
  matchesAll: boolean;
  literal?: string;
}

function termTokens(src: string): Term[] {
  const counter = { n: 0 };
  const out: Term[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && /\s/.test(src[i]!)) i++;
    if (i >= src.length) break;
    let prefix: '' | '?' | '-' = '';
    const sign = src[i];
    if (sign === '?' || sign === '-') {
      prefix = sign;
      i++;
    }
    if (i >= src.length) throw new FilterPatternError('Invalid filter pattern: a term is missing');
    const c = src[i]!;
    if (c === '"') {
      const q = readQuoted(src, i);
      const text = q.text;
      i = q.end;
      const all = text.trim() === '';
      out.push({
        prefix,
        matchesAll: all,
        test: all ? () => true : (m) => m.includes(text),
        ...(all ? {} : { literal: text }),
      });
    } else if (c === '%') {
      const end = src.indexOf('%', i + 1);
      if (end < 0) throw new FilterPatternError('Invalid filter pattern: unterminated regular expression');
      const re = compileRegex(src.slice(i + 1, end), counter);
      out.push({ prefix, matchesAll: false, test: (m) => re.test(m) });
      i = end + 1;
    } else {
      let j = i;
      while (j < src.length && !/\s/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      if (word.includes('"')) throw new FilterPatternError('Invalid filter pattern: quote inside a term');
      out.push({ prefix, matchesAll: false, test: (m) => m.includes(word), literal: word });
      i = j;
    }
  }
  return out;
}

function compileTerms(src: string): MessageMatcher {
  const terms = termTokens(src);
  if (!terms.length) return () => true;
  // Terms before the first `?` are required everywhere; each `?` opens an alternative whose following terms it ANDs.
  const common: TermTest[] = [];
  const groups: TermTest[][] = [];
  for (const t of terms) {
    const test = t.prefix === '-' ? (m: string) => !t.test(m) : t.test;
    if (t.prefix === '?') groups.push([test]);
    else if (groups.length) groups[groups.length - 1]!.push(test);
    else common.push(test);
  }
  return (m) => common.every((t) => t(m)) && (groups.length === 0 || groups.some((g) => g.every((t) => t(m))));
}

/** Compiles a filter pattern; an absent or blank pattern matches every message. Throws FilterPatternError. */
export function compileFilterPattern(pattern: string | undefined): MessageMatcher {
  const src = (pattern ?? '').trim();
  if (!src) return () => true;
  if (src.startsWith('{') || src.startsWith('[')) {
    const counter = { n: 0 };
    const regexes = new Map<Tok, RegExp>();
    const parser = new Parser(tokenize(src, counter, regexes), regexes);
    return src.startsWith('{') ? compileJson(parser) : compileSpaceDelimited(parser);
  }
  return compileTerms(src);
}

/**
 * Substrings every matching message must contain, when the pattern is unstructured terms
 * without alternatives: the store can pre-filter with them. Empty when nothing can be pushed down.
 */
export function requiredSubstrings(pattern: string | undefined): string[] {
  const src = (pattern ?? '').trim();
  if (!src || src.startsWith('{') || src.startsWith('[')) return [];
  const terms = termTokens(src);
  if (terms.some((t) => t.prefix === '?')) return [];
  return terms.filter((t) => t.prefix === '' && t.literal !== undefined).map((t) => t.literal!);
}

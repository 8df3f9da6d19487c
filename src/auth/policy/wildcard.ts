// IAM wildcard matching: `*` is any run of characters, `?` exactly one. Values are caller
// input (resource ids of any length), so matching never builds a regular expression: the
// pattern is split at its `*`s and each piece is found left to right, the earliest place it
// fits (greedy leftmost is exact for globs), so nothing is ever retried. A piece without `?`
// is one `indexOf`; one with `?` is checked only where its longest literal run occurs.

/** One character of a compiled pattern that matches any character (`?`). */
export const ANY_ONE = 1;
/** A run of any characters (`*`). */
export const ANY_RUN = 2;

/** A compiled pattern: literal text and the two wildcards (literal `*`/`?` stay text). */
export type GlobUnit = string | typeof ANY_ONE | typeof ANY_RUN;

/** A piece between two `*`: literal runs at fixed offsets, the gaps between them being `?`s. */
interface Piece {
  length: number;
  chunks: { offset: number; text: string }[];
  /** The longest chunk: where a search for the piece looks first. */
  anchor?: { offset: number; text: string };
}

function pieces(units: readonly GlobUnit[], lower: boolean): { pieces: Piece[]; runs: number } {
  const out: Piece[] = [{ length: 0, chunks: [] }];
  let runs = 0;
  let text = '';
  const flush = (p: Piece) => {
    if (text) p.chunks.push({ offset: p.length - text.length, text });
    text = '';
  };
  for (const u of units) {
    const cur = out[out.length - 1]!;
    if (u === ANY_RUN) {
      flush(cur);
      runs++;
      out.push({ length: 0, chunks: [] });
    } else if (u === ANY_ONE) {
      flush(cur);
      cur.length++;
    } else {
      const t = lower ? u.toLowerCase() : u;
      text += t;
      cur.length += t.length;
    }
  }
  flush(out[out.length - 1]!);
  for (const p of out) for (const c of p.chunks) if (!p.anchor || c.text.length > p.anchor.text.length) p.anchor = c;
  return { pieces: out, runs };
}

function fitsAt(piece: Piece, value: string, at: number): boolean {
  if (at < 0 || at + piece.length > value.length) return false;
  return piece.chunks.every((c) => value.startsWith(c.text, at + c.offset));
}

/**
 * The first index in [from, limit] where `piece` fits in `value`, or -1. Candidates come
 * from `indexOf` of the piece's longest literal run, so the common piece (no `?`) is one
 * `indexOf` and the rest are checked only where that run occurs.
 */
function find(piece: Piece, value: string, from: number, limit: number): number {
  const anchor = piece.anchor;
  if (!anchor) return from <= limit ? from : -1;
  for (let i = value.indexOf(anchor.text, from + anchor.offset); i >= 0; i = value.indexOf(anchor.text, i + 1)) {
    const start = i - anchor.offset;
    if (start > limit) return -1;
    if (fitsAt(piece, value, start)) return start;
  }
  return -1;
}

/** Whether the compiled pattern matches the whole of `value`. */
export function globMatch(units: readonly GlobUnit[], value: string, ignoreCase = false): boolean {
  const v = ignoreCase ? value.toLowerCase() : value;
  const { pieces: ps, runs } = pieces(units, ignoreCase);
  const first = ps[0]!;
  if (runs === 0) return v.length === first.length && fitsAt(first, v, 0);
  const last = ps[ps.length - 1]!;
  if (first.length + last.length > v.length) return false;
  if (!fitsAt(first, v, 0) || !fitsAt(last, v, v.length - last.length)) return false;
  let pos = first.length;
  const end = v.length - last.length;
  for (let i = 1; i < ps.length - 1; i++) {
    const p = ps[i]!;
    if (!p.length) continue;
    const at = find(p, v, pos, end - p.length);
    if (at < 0) return false;
    pos = at + p.length;
  }
  return true;
}

/** Compiles a plain wildcard pattern (no policy variables): every `*` and `?` is a wildcard. */
export function compileGlob(pattern: string): GlobUnit[] {
  const out: GlobUnit[] = [];
  let text = '';
  for (const c of pattern) {
    if (c === '*' || c === '?') {
      if (text) out.push(text);
      text = '';
      out.push(c === '*' ? ANY_RUN : ANY_ONE);
    } else {
      text += c;
    }
  }
  if (text) out.push(text);
  return out;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return globMatch(compileGlob(pattern), value, ignoreCase);
}

/**
 * Splits an ARN into its six parts (arn, partition, service, region, account, resource);
 * the resource keeps any further colons. Undefined when there are fewer than six.
 */
export function arnParts(arn: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return undefined;
    parts.push(arn.slice(from, colon));
    from = colon + 1;
  }
  parts.push(arn.slice(from));
  return parts;
}

/** Splits compiled units the same way: at the first five literal colons. */
export function globArnParts(units: readonly GlobUnit[]): GlobUnit[][] | undefined {
  const parts: GlobUnit[][] = [[]];
  for (const u of units) {
    if (typeof u !== 'string' || parts.length === 6) {
      parts[parts.length - 1]!.push(u);
      continue;
    }
    let rest = u;
    while (parts.length < 6) {
      const colon = rest.indexOf(':');
      if (colon < 0) break;
      if (colon > 0) parts[parts.length - 1]!.push(rest.slice(0, colon));
      parts.push([]);
      rest = rest.slice(colon + 1);
    }
    if (rest) parts[parts.length - 1]!.push(rest);
  }
  return parts.length === 6 ? parts : undefined;
}

/**
 * ARN matching: each of the first five colon-separated parts matches on its own (a
 * wildcard never spans a colon there), then the resource part. A pattern or value that is
 * not an ARN is compared as a whole.
 */
export function globArnMatch(units: readonly GlobUnit[], value: string): boolean {
  const p = globArnParts(units);
  const v = arnParts(value);
  if (!p || !v) return globMatch(units, value);
  for (let i = 0; i < 6; i++) if (!globMatch(p[i]!, v[i]!)) return false;
  return true;
}

export function arnMatch(pattern: string, value: string): boolean {
  return globArnMatch(compileGlob(pattern), value);
}

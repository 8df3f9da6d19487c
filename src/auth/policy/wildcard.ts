// IAM wildcard matching: `*` is any run of characters, `?` exactly one. Values are caller
// input (resource ids of any length), so matching never builds a regular expression: the
// pattern is split at its `*`s and each piece is found left to right, the earliest place it
// fits (greedy leftmost is exact for globs). There is no backtracking; a piece without `?`
// is one `indexOf`.

/** One character of a compiled pattern that matches any character (`?`). */
export const ANY_ONE = 1;
/** A run of any characters (`*`). */
export const ANY_RUN = 2;

/** A compiled pattern: literal text and the two wildcards (literal `*`/`?` stay text). */
export type GlobUnit = string | typeof ANY_ONE | typeof ANY_RUN;

/** A piece between two `*`: literal text with `?` positions. */
interface Piece {
  text: string;
  /** Indexes of `?` in `text` (those characters are placeholders); empty for most pieces. */
  any: number[];
}

function pieces(units: readonly GlobUnit[], lower: boolean): { pieces: Piece[]; runs: number } {
  const out: Piece[] = [{ text: '', any: [] }];
  let runs = 0;
  for (const u of units) {
    const cur = out[out.length - 1]!;
    if (u === ANY_RUN) {
      runs++;
      out.push({ text: '', any: [] });
    } else if (u === ANY_ONE) {
      cur.any.push(cur.text.length);
      cur.text += '?';
    } else {
      cur.text += lower ? u.toLowerCase() : u;
    }
  }
  return { pieces: out, runs };
}

function fitsAt(piece: Piece, value: string, at: number): boolean {
  if (at < 0 || at + piece.text.length > value.length) return false;
  if (!piece.any.length) return value.startsWith(piece.text, at);
  let from = 0;
  for (const hole of [...piece.any, piece.text.length]) {
    if (hole > from && value.slice(at + from, at + hole) !== piece.text.slice(from, hole)) return false;
    from = hole + 1;
  }
  return true;
}

/** The first index ≥ from (and ≤ limit) where `piece` fits in `value`, or -1. */
function find(piece: Piece, value: string, from: number, limit: number): number {
  if (!piece.any.length) {
    const i = value.indexOf(piece.text, from);
    return i >= 0 && i <= limit ? i : -1;
  }
  for (let i = from; i <= limit; i++) if (fitsAt(piece, value, i)) return i;
  return -1;
}

/** Whether the compiled pattern matches the whole of `value`. */
export function globMatch(units: readonly GlobUnit[], value: string, ignoreCase = false): boolean {
  const v = ignoreCase ? value.toLowerCase() : value;
  const { pieces: ps, runs } = pieces(units, ignoreCase);
  const first = ps[0]!;
  if (runs === 0) return v.length === first.text.length && fitsAt(first, v, 0);
  const last = ps[ps.length - 1]!;
  if (first.text.length + last.text.length > v.length) return false;
  if (!fitsAt(first, v, 0) || !fitsAt(last, v, v.length - last.text.length)) return false;
  let pos = first.text.length;
  const end = v.length - last.text.length;
  for (let i = 1; i < ps.length - 1; i++) {
    const p = ps[i]!;
    if (!p.text.length) continue;
    const at = find(p, v, pos, end - p.text.length);
    if (at < 0) return false;
    pos = at + p.text.length;
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

// Describe* plumbing shared by every EC2 listing: ids, filters (with EC2's * and ?
// wildcards, tag:<key>, tag-key) and MaxResults/NextToken pagination.
import type { PageTokens } from '../api/page-tokens.js';
import type { Tag } from '../store/types.js';
import { compileGlob, globMatch } from '../auth/policy/wildcard.js';
import { ec2Error, invalidParameterValue } from './errors.js';

export interface FilterInput {
  Name?: string;
  Values?: string[];
}

/** The filterable fields of one item: filter name → its value(s). */
export type FilterFields = Record<string, string | string[] | boolean | undefined>;

/** Refuses filter names the listing does not know, as EC2 does. */
export function checkFilterNames(filters: FilterInput[] | undefined, known: string[]): void {
  for (const f of filters ?? []) {
    if (!f.Name) throw ec2Error('InvalidParameterValue', 'The filter name must be specified');
    if (f.Name.startsWith('tag:') || f.Name === 'tag-key' || f.Name === 'tag-value') continue;
    if (!known.includes(f.Name)) throw invalidParameterValue(`The filter '${f.Name}' is invalid`);
  }
}

/** Every filter must match (AND); within one filter any value may match (OR). */
export function matchesFilters(filters: FilterInput[] | undefined, fields: FilterFields, tags: Tag[]): boolean {
  for (const f of filters ?? []) {
    const patterns = (f.Values ?? []).map(compileGlob);
    let candidates: string[];
    if (f.Name?.startsWith('tag:')) {
      const key = f.Name.slice(4);
      candidates = tags.filter((t) => t.key === key).map((t) => t.value);
    } else if (f.Name === 'tag-key') {
      candidates = tags.map((t) => t.key);
    } else if (f.Name === 'tag-value') {
      candidates = tags.map((t) => t.value);
    } else {
      const v = fields[f.Name ?? ''];
      candidates = v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
    }
    if (!candidates.some((c) => patterns.some((p) => globMatch(p, c)))) return false;
  }
  return true;
}

const invalidNextToken = () => ec2Error('InvalidNextToken', 'The token provided is invalid or expired');

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Pages a list sorted by id. The token names the last id returned; `context` binds it to
 * the operation so a token of another listing is refused.
 */
export function paginate<T>(
  items: T[],
  idOf: (item: T) => string,
  opts: { MaxResults?: number; NextToken?: string },
  tokens: PageTokens,
  context: string,
): Page<T> {
  const sorted = [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  let start = 0;
  if (opts.NextToken) {
    const after = tokens.read(context, opts.NextToken, invalidNextToken);
    start = sorted.findIndex((i) => idOf(i) > after);
    if (start < 0) start = sorted.length;
  }
  const max = opts.MaxResults === undefined ? Infinity : Math.min(opts.MaxResults, 1000);
  if (max <= 0)
    throw ec2Error('InvalidParameterValue', `Value ( ${opts.MaxResults} ) for parameter maxResults is invalid`);
  const page = sorted.slice(start, start + max);
  const more = start + page.length < sorted.length;
  const last = page[page.length - 1];
  return { items: page, ...(more && last !== undefined ? { nextToken: tokens.issue(context, idOf(last)) } : {}) };
}

/** The wire form of stored tags. */
export const wireTags = (tags: Tag[]) => tags.map((t) => ({ Key: t.key, Value: t.value }));

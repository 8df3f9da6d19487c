// NextToken handling and the filter conditions shared by the List* operations.
import type { PageTokens } from '../api/page-tokens.js';
import type { FilterCondition } from '../protocols/generated/servicediscovery-types.js';
import { invalidInput } from './errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Which listing a page belongs to: its token is signed and bound to `context` (operation and scope). */
export interface Listing {
  tokens: PageTokens;
  context: string;
}

const invalidNextToken = () => invalidInput('The NextToken is not valid');

/**
 * Pages over items already sorted by `keyOf`; the token carries the last key returned, so a
 * page stays correct while other items are added or removed.
 */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultMax: number,
  listing: Listing,
): Page<T> {
  let start = 0;
  if (nextToken !== undefined) {
    const after = listing.tokens.read(listing.context, nextToken, invalidNextToken);
    if (!after) throw invalidNextToken();
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const limit = maxResults ?? defaultMax;
  const items = sorted.slice(start, start + limit);
  const page: Page<T> = { items };
  if (start + limit < sorted.length && items.length)
    page.nextToken = listing.tokens.issue(listing.context, keyOf(items[items.length - 1]!));
  return page;
}

export interface Filter {
  Name: string;
  Values: string[];
  Condition?: FilterCondition;
}

/** Checks a filter's condition against what Cloud Map allows for that filter name. */
export function checkFilter(filter: Filter, allowed: readonly FilterCondition[]): FilterCondition {
  const condition = filter.Condition ?? 'EQ';
  if (!allowed.includes(condition))
    throw invalidInput(`Filter ${filter.Name} does not support the condition ${condition}`);
  if ((condition === 'EQ' || condition === 'BEGINS_WITH') && filter.Values.length !== 1) {
    throw invalidInput(`Filter ${filter.Name} with condition ${condition} takes exactly one value`);
  }
  if (condition === 'BETWEEN' && filter.Values.length !== 2)
    throw invalidInput(`Filter ${filter.Name} with condition BETWEEN takes exactly two values`);
  return condition;
}

export function matchesText(value: string | undefined, filter: Filter, condition: FilterCondition): boolean {
  if (value === undefined) return false;
  switch (condition) {
    case 'EQ':
      return value === filter.Values[0];
    case 'IN':
      return filter.Values.includes(value);
    case 'BEGINS_WITH':
      return value.startsWith(filter.Values[0]!);
    default:
      return false;
  }
}

/** Sorts keys by a creation time and an id, so listings come out oldest first. */
export const timeKey = (ms: number, id: string) => `${String(ms).padStart(15, '0')}|${id}`;

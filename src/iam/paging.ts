// IAM's Marker/MaxItems pagination: the marker is a signed token naming the last item of
// the previous page, bound to its listing.
import { ApiError } from '../api/errors.js';
import type { PageTokens } from '../api/page-tokens.js';

export const DEFAULT_MAX_ITEMS = 100;

const invalidMarker = () => new ApiError('ValidationError', 'Invalid Marker.', 400);

/** Which listing a page belongs to (operation and scope); its Marker is refused by any other. */
export interface Listing {
  tokens: PageTokens;
  context: string;
}

/** The name the request's Marker points after, if it has one. */
export function afterMarker(input: { Marker?: unknown }, listing: Listing): string | undefined {
  if (input.Marker === undefined) return undefined;
  const after = listing.tokens.read(listing.context, String(input.Marker), invalidMarker);
  if (!after) throw invalidMarker();
  return after;
}

export interface IamPage<T> {
  items: readonly T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** One page of `items` (already past the marker, at most max+1 of them) in IAM's IsTruncated/Marker form. */
export function page<T>(
  items: readonly T[],
  maxItems: number,
  nameOf: (item: T) => string,
  listing: Listing,
): IamPage<T> {
  if (items.length <= maxItems) return { items, IsTruncated: false };
  const shown = items.slice(0, maxItems);
  return {
    items: shown,
    IsTruncated: true,
    Marker: listing.tokens.issue(listing.context, nameOf(shown[shown.length - 1]!)),
  };
}

/** The page of an in-memory list ordered by name. */
export function pageOfSorted<T>(
  items: readonly T[],
  input: { Marker?: unknown; MaxItems?: unknown },
  nameOf: (item: T) => string,
  listing: Listing,
): IamPage<T> {
  const after = afterMarker(input, listing);
  const max = typeof input.MaxItems === 'number' ? input.MaxItems : DEFAULT_MAX_ITEMS;
  const rest = after === undefined ? items : items.filter((i) => nameOf(i) > after);
  return page(rest.slice(0, max + 1), max, nameOf, listing);
}

/** The wire fields of a page, beside its items. */
export const pageFields = (p: IamPage<unknown>) => ({
  IsTruncated: p.IsTruncated,
  ...(p.Marker ? { Marker: p.Marker } : {}),
});

// IAM's Marker/MaxItems pagination: the marker names the last item of the previous page.
import { ApiError } from '../api/errors.js';

export const DEFAULT_MAX_ITEMS = 100;

const validation = (message: string) => new ApiError('ValidationError', message, 400);

export function marker(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

/** The name the request's Marker points after, if it has one. */
export function afterMarker(input: { Marker?: unknown }): string | undefined {
  if (input.Marker === undefined) return undefined;
  const decoded = Buffer.from(String(input.Marker), 'base64url').toString('utf8');
  if (!decoded || marker(decoded) !== input.Marker) throw validation('Invalid Marker.');
  return decoded;
}

export interface IamPage<T> {
  items: readonly T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** One page of `items` (already past the marker, at most max+1 of them) in IAM's IsTruncated/Marker form. */
export function page<T>(items: readonly T[], maxItems: number, nameOf: (item: T) => string): IamPage<T> {
  if (items.length <= maxItems) return { items, IsTruncated: false };
  const shown = items.slice(0, maxItems);
  return { items: shown, IsTruncated: true, Marker: marker(nameOf(shown[shown.length - 1]!)) };
}

/** The page of an in-memory list ordered by name. */
export function pageOfSorted<T>(
  items: readonly T[],
  input: { Marker?: unknown; MaxItems?: unknown },
  nameOf: (item: T) => string,
): IamPage<T> {
  const after = afterMarker(input);
  const max = typeof input.MaxItems === 'number' ? input.MaxItems : DEFAULT_MAX_ITEMS;
  const rest = after === undefined ? items : items.filter((i) => nameOf(i) > after);
  return page(rest.slice(0, max + 1), max, nameOf);
}

/** The wire fields of a page, beside its items. */
export const pageFields = (p: IamPage<unknown>) => ({
  IsTruncated: p.IsTruncated,
  ...(p.Marker ? { Marker: p.Marker } : {}),
});

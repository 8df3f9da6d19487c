// Narrowing for values whose type is only known at run time: parsed JSON and YAML, API
// outputs read as data, and whatever a `catch` received.

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any non-null object, lists included (every key of one reads as unknown). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export const isString = (v: unknown): v is string => typeof v === 'string';

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

export const optionalString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The objects of a list (anything else in it is left out); [] when `v` is not a list. */
export const recordsIn = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** A property of any non-null value, own or inherited (an Error's `name` lives on its prototype). */
export function propertyOf(v: unknown, key: string): unknown {
  return (typeof v === 'object' || typeof v === 'function') && v !== null ? Reflect.get(v, key) : undefined;
}

const stringProperty = (v: unknown, key: string): string | undefined => optionalString(propertyOf(v, key));

/** The `message` of a thrown value, when it has one (not everything thrown is an Error). */
export const errorMessage = (err: unknown): string | undefined => stringProperty(err, 'message');
/** The `name` of a thrown value: the AWS SDK's error code, or an Error class's name. */
export const errorName = (err: unknown): string | undefined => stringProperty(err, 'name');
/** The `code` of a thrown value: Node's errno codes, PostgreSQL's SQLSTATE. */
export const errorCode = (err: unknown): string | undefined => stringProperty(err, 'code');

/** A frozen lookup table without a prototype, so `table['constructor']` is undefined like any other unknown key. */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(emptyTable<T>(), entries));
}

/** An empty prototype-free object to fill with untrusted keys. */
export function emptyTable<T>(): Record<string, T> {
  return Object.create(null);
}

// Reading users: the one lookup every user-scoped IAM call starts with.
import { ApiError } from '../api/errors.js';
import type { Store, StoredResource } from '../store/types.js';
import { USER_KIND, type UserSpec, userKey } from './records.js';

export const noSuchUser = (name: string) =>
  new ApiError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);

export async function requireUser(reader: Pick<Store, 'get'>, name: string): Promise<StoredResource<UserSpec>> {
  const row = await reader.get<UserSpec>(USER_KIND, '', userKey(name));
  if (!row) throw noSuchUser(name);
  return row;
}

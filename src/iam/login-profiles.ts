// IAM login profiles: a user's console password (CreateLoginProfile, GetLoginProfile,
// UpdateLoginProfile, DeleteLoginProfile). Only the scrypt hash is kept.
import { ApiError } from '../api/errors.js';
import type { IamOperations } from '../protocols/generated/iam-operations.js';
import type { Store, StoreReader, StoredResource } from '../store/types.js';
import { hashPassword, passwordPolicyViolation } from './passwords.js';
import { LOGIN_PROFILE_KIND, type LoginProfileSpec, USER_KIND, type UserSpec, userKey } from './records.js';
import { newResource } from '../store/new-resource.js';

const noSuchUser = (name: string) => new ApiError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
const noProfile = (name: string) =>
  new ApiError('NoSuchEntity', `Login Profile for User ${name} cannot be found.`, 404);

export function loginProfileOf(
  reader: Pick<StoreReader, 'get'>,
  userName: string,
): Promise<StoredResource<LoginProfileSpec> | undefined> {
  return reader.get<LoginProfileSpec>(LOGIN_PROFILE_KIND, '', userKey(userName));
}

/** The user the call names (an omitted name used to fail inside the lookup, as an internal error). */
function namedUser(name: string | undefined): string {
  if (typeof name !== 'string')
    throw new ApiError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
  return name;
}

async function checkedHash(password: unknown): Promise<string> {
  if (typeof password !== 'string') throw new ApiError('ValidationError', 'Password is required', 400);
  const violation = passwordPolicyViolation(password);
  if (violation) throw new ApiError('PasswordPolicyViolation', violation, 400);
  return hashPassword(password);
}

export type LoginProfileOperations = Pick<
  IamOperations,
  'CreateLoginProfile' | 'GetLoginProfile' | 'UpdateLoginProfile' | 'DeleteLoginProfile'
>;

export function createLoginProfileHandlers(store: Store): LoginProfileOperations {
  const profileOut = (row: StoredResource<LoginProfileSpec>) => ({
    UserName: row.spec.userName,
    CreateDate: row.createdAt,
    PasswordResetRequired: row.spec.passwordResetRequired,
  });

  async function requireUser(reader: Pick<StoreReader, 'get'>, name: string): Promise<StoredResource<UserSpec>> {
    const row = await reader.get<UserSpec>(USER_KIND, '', userKey(name));
    if (!row) throw noSuchUser(name);
    return row;
  }

  return {
    async CreateLoginProfile(input) {
      const name = namedUser(input.UserName);
      const passwordHash = await checkedHash(input.Password);
      const now = Date.now();
      const row = await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        if (await loginProfileOf(tx, name))
          throw new ApiError(
            'EntityAlreadyExists',
            `Login Profile for user ${user.spec.userName} already exists.`,
            409,
          );
        return tx.put<LoginProfileSpec>(
          newResource({
            kind: LOGIN_PROFILE_KIND,
            scope: '',
            name: user.name,
            arn: `${user.arn}/loginprofile`,
            tags: [],
            spec: {
              userName: user.spec.userName,
              passwordHash,
              passwordResetRequired: input.PasswordResetRequired === true,
            },
            now,
          }),
          { absent: true },
        );
      });
      return { LoginProfile: profileOut(row) };
    },

    async GetLoginProfile(input) {
      const user = await requireUser(store, namedUser(input.UserName));
      const row = await loginProfileOf(store, user.spec.userName);
      if (!row) throw noProfile(user.spec.userName);
      return { LoginProfile: profileOut(row) };
    },

    async UpdateLoginProfile(input) {
      const name = namedUser(input.UserName);
      const passwordHash = input.Password === undefined ? undefined : await checkedHash(input.Password);
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        const row = await loginProfileOf(tx, name);
        if (!row) throw noProfile(user.spec.userName);
        const reset =
          typeof input.PasswordResetRequired === 'boolean'
            ? input.PasswordResetRequired
            : row.spec.passwordResetRequired;
        await tx.put<LoginProfileSpec>(
          {
            ...row,
            version: row.version + 1,
            updatedAt: Date.now(),
            spec: { ...row.spec, passwordHash: passwordHash ?? row.spec.passwordHash, passwordResetRequired: reset },
          },
          { version: row.version },
        );
      });
      return {};
    },

    async DeleteLoginProfile(input) {
      const name = namedUser(input.UserName);
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        if (!(await tx.delete(LOGIN_PROFILE_KIND, '', user.name))) throw noProfile(user.spec.userName);
      });
      return {};
    },
  };
}

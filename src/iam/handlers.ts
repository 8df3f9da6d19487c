// IAM users, their access keys and inline policies, kept in the store.
import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import type { PageTokens } from '../api/page-tokens.js';
import type { RequestContext } from '../api/service.js';
import type { IamOperations } from '../protocols/generated/iam-operations.js';
import type * as I from '../protocols/generated/iam-types.js';
import { parsePolicy, PolicyError } from '../auth/policy/parse.js';
import type { StoredResource, Store, StoreTx } from '../store/types.js';
import type { Sealer } from '../secrets/sealer.js';
import { sealAccessKeySecret } from './secrets.js';
import { newAccessKeyId, newSecretAccessKey, newUserId } from './ids.js';
import type { IamQuotas } from './quotas.js';
import { createLoginProfileHandlers, loginProfileOf } from './login-profiles.js';
import { DEFAULT_MAX_ITEMS, afterMarker, page, pageFields, pageOfSorted } from './paging.js';
import { mergeUserTags, type UserTagOperations } from './user-tags.js';
import { requireUser } from './users.js';
import {
  ACCESS_KEY_KIND,
  type AccessKeySpec,
  USER_KIND,
  USER_POLICY_KIND,
  type UserPolicySpec,
  type UserSpec,
  userArn,
  userKey,
} from './records.js';
import { newResource } from '../store/new-resource.js';

export interface IamDeps {
  store: Store;
  accountId: string;
  quotas: IamQuotas;
  /** Seals access-key secrets before they reach the store. */
  sealer: Sealer;
  /** Signs the Marker of every listing. */
  pageTokens: PageTokens;
}

const noSuchKey = (id: string) => new ApiError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`, 404);
const validation = (message: string) => new ApiError('ValidationError', message, 400);

/** Every IAM operation but the user-tag and group ones (user-tags.ts). */
export type IamCoreOperations = Omit<IamOperations, keyof UserTagOperations>;

export function createIamHandlers({ store, accountId, quotas, sealer, pageTokens }: IamDeps): IamCoreOperations {
  const userOut = (row: StoredResource<UserSpec>) => ({
    Path: row.spec.path,
    UserName: row.spec.userName,
    UserId: row.spec.userId,
    Arn: row.arn,
    CreateDate: row.createdAt,
    ...(row.tags.length ? { Tags: row.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  });

  /** The named user, or the caller when the name is omitted. */
  function targetName(input: { UserName?: string }, ctx: RequestContext): string {
    if (typeof input.UserName === 'string') return input.UserName;
    if (ctx.identity.userName) return ctx.identity.userName;
    throw validation('Must specify userName when calling with non-User credentials');
  }

  /** The user's access keys: by the ids its row keeps, or (a user stored before those were kept) by a scan. */
  async function keysOf(
    reader: Pick<Store, 'get' | 'listKind'>,
    user: StoredResource<UserSpec>,
  ): Promise<StoredResource<AccessKeySpec>[]> {
    if (!user.spec.accessKeyIds) {
      return (await reader.listKind<AccessKeySpec>(ACCESS_KEY_KIND)).filter(
        (k) => userKey(k.spec.userName) === user.name,
      );
    }
    const keys: StoredResource<AccessKeySpec>[] = [];
    for (const id of user.spec.accessKeyIds) {
      const key = await reader.get<AccessKeySpec>(ACCESS_KEY_KIND, '', id);
      if (key) keys.push(key);
    }
    return keys;
  }

  async function setKeyIds(tx: StoreTx, user: StoredResource<UserSpec>, accessKeyIds: string[]): Promise<void> {
    const { revision: _revision, ...rest } = user;
    await tx.put<UserSpec>(
      { ...rest, spec: { ...user.spec, accessKeyIds }, version: user.version + 1 },
      { version: user.version },
    );
  }

  return {
    ...createLoginProfileHandlers(store),

    async CreateUser(input) {
      const name = input.UserName;
      const path = input.Path ?? '/';
      // The model's patterns are unanchored; IAM requires the whole name to match.
      if (!/^[\w+=,.@-]{1,64}$/.test(name))
        throw validation(
          `1 validation error detected: Value '${name}' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
        );
      if (!path.startsWith('/') || !path.endsWith('/'))
        throw validation(
          'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
        );
      const now = Date.now();
      const row = await store.transact(async (tx) => {
        const existing = await tx.get<UserSpec>(USER_KIND, '', userKey(name));
        if (existing)
          throw new ApiError('EntityAlreadyExists', `User with name ${existing.spec.userName} already exists.`, 409);
        if ((await tx.count(USER_KIND, '')) >= quotas.usersPerAccount)
          throw new ApiError(
            'LimitExceeded',
            `Cannot exceed quota for UsersPerAccount: ${quotas.usersPerAccount}`,
            409,
          );
        return tx.put<UserSpec>(
          newResource({
            kind: USER_KIND,
            scope: '',
            name: userKey(name),
            arn: userArn(accountId, path, name),
            spec: { userName: name, path, userId: newUserId(), accessKeyIds: [] },
            tags: mergeUserTags([], input.Tags),
            now,
          }),
          { absent: true },
        );
      });
      return { User: userOut(row) };
    },

    async GetUser(input, ctx) {
      if (input.UserName === undefined && ctx.identity.isRoot) {
        // AWS leaves out UserName for the root user, though the model marks it required.
        const root = { Path: '/', UserId: ctx.accountId, Arn: ctx.identity.principalArn, CreateDate: 0 };
        return { User: root as I.User };
      }
      return { User: userOut(await requireUser(store, targetName(input, ctx))) };
    },

    async ListUsers(input) {
      const prefix = input.PathPrefix ?? '/';
      const maxItems = input.MaxItems ?? DEFAULT_MAX_ITEMS;
      const listing = { tokens: pageTokens, context: 'ListUsers' };
      const after = afterMarker(input, listing);
      // Without a narrower prefix every user matches: read only the page (and one more, to know whether it is the last).
      const rows = await store.list<UserSpec>(USER_KIND, '', {
        ...(after ? { after } : {}),
        ...(prefix === '/' ? { limit: maxItems + 1 } : {}),
      });
      const result = page(
        rows.filter((u) => u.spec.path.startsWith(prefix)).slice(0, maxItems + 1),
        maxItems,
        (r) => r.name,
        listing,
      );
      return { Users: result.items.map(userOut), ...pageFields(result) };
    },

    async DeleteUser(input) {
      const name = input.UserName;
      await store.transact(async (tx) => {
        const row = await requireUser(tx, name);
        if ((await keysOf(tx, row)).length)
          throw new ApiError('DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
        if (await tx.count(USER_POLICY_KIND, row.name))
          throw new ApiError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
        if (await loginProfileOf(tx, name))
          throw new ApiError('DeleteConflict', 'Cannot delete entity, must delete login profile first.', 409);
        await tx.delete(USER_KIND, '', row.name);
      });
      return {};
    },

    async CreateAccessKey(input, ctx) {
      const name = targetName(input, ctx);
      const now = Date.now();
      // Only the caller ever sees the plaintext; the store keeps it sealed.
      const secretAccessKey = newSecretAccessKey();
      const { user, key } = await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        const existing = await keysOf(tx, user);
        if (existing.length >= quotas.accessKeysPerUser) {
          throw new ApiError(
            'LimitExceeded',
            `Cannot exceed quota for AccessKeysPerUser: ${quotas.accessKeysPerUser}`,
            409,
          );
        }
        const id = newAccessKeyId();
        await setKeyIds(tx, user, [...existing.map((k) => k.name), id]);
        const key = await tx.put<AccessKeySpec>(
          newResource({
            kind: ACCESS_KEY_KIND,
            scope: '',
            name: id,
            arn: `${user.arn}/accesskey/${id}`,
            status: 'Active',
            spec: {
              userName: user.spec.userName,
              secret: sealAccessKeySecret(sealer, id, secretAccessKey),
              status: 'Active',
            },
            tags: [],
            now,
          }),
          { absent: true },
        );
        return { user, key };
      });
      return {
        AccessKey: {
          UserName: user.spec.userName,
          AccessKeyId: key.name,
          Status: key.spec.status,
          SecretAccessKey: secretAccessKey,
          CreateDate: key.createdAt,
        },
      };
    },

    async ListAccessKeys(input, ctx) {
      const user = await requireUser(store, targetName(input, ctx));
      const keys = (await keysOf(store, user)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const listing = { tokens: pageTokens, context: `ListAccessKeys ${user.name}` };
      const result = pageOfSorted(keys, input, (k) => k.name, listing);
      return {
        AccessKeyMetadata: result.items.map((k) => ({
          UserName: k.spec.userName,
          AccessKeyId: k.name,
          Status: k.spec.status,
          CreateDate: k.createdAt,
        })),
        ...pageFields(result),
      };
    },

    async UpdateAccessKey(input, ctx) {
      const name = targetName(input, ctx);
      const id = input.AccessKeyId;
      const status = input.Status;
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        const key = await tx.get<AccessKeySpec>(ACCESS_KEY_KIND, '', id);
        if (!key || userKey(key.spec.userName) !== user.name) throw noSuchKey(id);
        if (key.spec.status === status) return;
        const { revision: _revision, ...rest } = key;
        await tx.put<AccessKeySpec>(
          { ...rest, status, spec: { ...key.spec, status }, version: key.version + 1, updatedAt: Date.now() },
          { version: key.version },
        );
      });
      return {};
    },

    async DeleteAccessKey(input, ctx) {
      const name = targetName(input, ctx);
      const id = input.AccessKeyId;
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        const key = await tx.get<AccessKeySpec>(ACCESS_KEY_KIND, '', id);
        if (!key || userKey(key.spec.userName) !== user.name) throw noSuchKey(id);
        await tx.delete(ACCESS_KEY_KIND, '', id);
        await setKeyIds(
          tx,
          user,
          (await keysOf(tx, user)).map((k) => k.name).filter((k) => k !== id),
        );
      });
      return {};
    },

    async PutUserPolicy(input) {
      const { UserName: name, PolicyName: policyName, PolicyDocument: document } = input;
      try {
        parsePolicy(document, 'identity');
      } catch (err) {
        if (err instanceof PolicyError) throw new ApiError('MalformedPolicyDocument', err.message, 400);
        throw err;
      }
      const now = Date.now();
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        const others = (await tx.list<UserPolicySpec>(USER_POLICY_KIND, user.name)).filter(
          (p) => p.name !== policyName,
        );
        const size = [...others.map((p) => p.spec.document), document].reduce(
          (n, d) => n + d.replace(/\s/g, '').length,
          0,
        );
        if (size > quotas.userPolicySize)
          throw new ApiError(
            'LimitExceeded',
            `Maximum policy size of ${quotas.userPolicySize} bytes exceeded for user ${user.spec.userName}`,
            409,
          );
        const existing = await tx.get<UserPolicySpec>(USER_POLICY_KIND, user.name, policyName);
        await tx.put<UserPolicySpec>(
          {
            kind: USER_POLICY_KIND,
            scope: user.name,
            name: policyName,
            arn: `${user.arn}/policy/${policyName}`,
            uid: existing?.uid ?? randomUUID(),
            version: (existing?.version ?? 0) + 1,
            status: 'ACTIVE',
            createdAt: existing?.createdAt ?? now,
            updatedAt: now,
            spec: { userName: user.spec.userName, policyName: policyName, document: document },
            tags: [],
          },
          existing ? { version: existing.version } : { absent: true },
        );
      });
      return {};
    },

    async GetUserPolicy(input) {
      const user = await requireUser(store, input.UserName);
      const row = await store.get<UserPolicySpec>(USER_POLICY_KIND, user.name, input.PolicyName);
      if (!row)
        throw new ApiError('NoSuchEntity', `The user policy with name ${input.PolicyName} cannot be found.`, 404);
      // IAM returns policy documents URL-encoded (RFC 3986); clients decode them.
      return {
        UserName: user.spec.userName,
        PolicyName: row.name,
        PolicyDocument: encodeURIComponent(row.spec.document),
      };
    },

    async ListUserPolicies(input) {
      const user = await requireUser(store, input.UserName);
      const maxItems = input.MaxItems ?? DEFAULT_MAX_ITEMS;
      const listing = { tokens: pageTokens, context: `ListUserPolicies ${user.name}` };
      const after = afterMarker(input, listing);
      const rows = await store.list<UserPolicySpec>(USER_POLICY_KIND, user.name, {
        ...(after ? { after } : {}),
        limit: maxItems + 1,
      });
      const result = page(rows, maxItems, (r) => r.name, listing);
      return { PolicyNames: result.items.map((r) => r.name), ...pageFields(result) };
    },

    async DeleteUserPolicy(input) {
      await store.transact(async (tx) => {
        const user = await requireUser(tx, input.UserName);
        if (!(await tx.delete(USER_POLICY_KIND, user.name, input.PolicyName))) {
          throw new ApiError('NoSuchEntity', `The user policy with name ${input.PolicyName} cannot be found.`, 404);
        }
      });
      return {};
    },
  };
}

/**
 * The resource of an IAM call: the target user's ARN as stored, with its real path (a
 * policy on `user/admins/*` must cover a user whose path is /admins/). A user that does
 * not exist yet (CreateUser) or at all has the path given in the request, else '/'.
 */
export function iamAuthorizationTarget(store: Pick<Store, 'get'>, accountId: string) {
  return async (
    operation: string,
    input: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<{ action: string; resource: string }> => {
    const action = `iam:${operation}`;
    if (operation === 'ListUsers')
      return {
        action,
        resource: `arn:aws:iam::${accountId}:user${typeof input.PathPrefix === 'string' ? input.PathPrefix : '/'}*`,
      };
    const name = typeof input.UserName === 'string' ? input.UserName : ctx.identity.userName;
    if (!name) return { action, resource: ctx.identity.principalArn };
    const stored = await store.get<UserSpec>(USER_KIND, '', userKey(name));
    if (stored) return { action, resource: stored.arn };
    const path = operation === 'CreateUser' && typeof input.Path === 'string' ? input.Path : '/';
    return { action, resource: userArn(accountId, path, name) };
  };
}

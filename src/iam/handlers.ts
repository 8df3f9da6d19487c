// IAM users, their access keys and inline policies, kept in the store.
import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import type { Handler, RequestContext } from '../api/service.js';
import { parsePolicy, PolicyError } from '../auth/policy/parse.js';
import type { StoredResource, Store } from '../store/types.js';
import { newAccessKeyId, newSecretAccessKey, newUserId } from './ids.js';
import { mergeUserTags, type WireTag } from './user-tags.js';
import { requireUser } from './users.js';
import { DEFAULT_MAX_ITEMS, afterMarker, page, pageFields, pageOfSorted } from './paging.js';
import {
  ACCESS_KEY_KIND, ACCESS_KEYS_PER_USER, type AccessKeySpec, USER_KIND, USER_POLICY_KIND, USER_POLICY_SIZE, USERS_PER_ACCOUNT,
  type UserPolicySpec, type UserSpec, userArn, userKey,
} from './records.js';

export interface IamDeps {
  store: Store;
  accountId: string;
}

type Input = Record<string, any>;

const noSuchKey = (id: string) => new ApiError('NoSuchEntity', `The Access Key with id ${id} cannot be found.`, 404);
const validation = (message: string) => new ApiError('ValidationError', message, 400);

export function createIamHandlers({ store, accountId }: IamDeps): Record<string, Handler> {
  const userOut = (row: StoredResource<UserSpec>) => ({
    Path: row.spec.path, UserName: row.spec.userName, UserId: row.spec.userId, Arn: row.arn, CreateDate: row.createdAt,
    ...(row.tags.length ? { Tags: row.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  });

  /** The named user, or the caller when the name is omitted. */
  function targetName(input: Input, ctx: RequestContext): string {
    if (typeof input.UserName === 'string') return input.UserName;
    if (ctx.identity.userName) return ctx.identity.userName;
    throw validation('Must specify userName when calling with non-User credentials');
  }

  async function keysOf(reader: Pick<Store, 'listKind'>, name: string): Promise<StoredResource<AccessKeySpec>[]> {
    const all = await reader.listKind<AccessKeySpec>(ACCESS_KEY_KIND);
    return all.filter((k) => userKey(k.spec.userName) === userKey(name));
  }

  return {
    async CreateUser(input: Input) {
      const name: string = input.UserName;
      const path: string = input.Path ?? '/';
      // The model's patterns are unanchored; IAM requires the whole name to match.
      if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
      if (!path.startsWith('/') || !path.endsWith('/')) throw validation('The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.');
      const now = Date.now();
      const row = await store.transact(async (tx) => {
        const existing = await tx.get<UserSpec>(USER_KIND, '', userKey(name));
        if (existing) throw new ApiError('EntityAlreadyExists', `User with name ${existing.spec.userName} already exists.`, 409);
        if (await tx.count(USER_KIND, '') >= USERS_PER_ACCOUNT) throw new ApiError('LimitExceeded', `Cannot exceed quota for UsersPerAccount: ${USERS_PER_ACCOUNT}`, 409);
        return tx.put<UserSpec>({
          kind: USER_KIND, scope: '', name: userKey(name), arn: userArn(accountId, path, name), uid: randomUUID(), version: 1,
          status: 'ACTIVE', createdAt: now, updatedAt: now, spec: { userName: name, path, userId: newUserId() },
          tags: mergeUserTags([], input.Tags as WireTag[] | undefined),
        }, { absent: true });
      });
      return { User: userOut(row) };
    },

    async GetUser(input: Input, ctx: RequestContext) {
      if (input.UserName === undefined && ctx.identity.isRoot) {
        return { User: { Path: '/', UserId: ctx.accountId, Arn: ctx.identity.principalArn, CreateDate: 0 } };
      }
      return { User: userOut(await requireUser(store, targetName(input, ctx))) };
    },

    async ListUsers(input: Input) {
      const prefix: string = input.PathPrefix ?? '/';
      const maxItems: number = input.MaxItems ?? DEFAULT_MAX_ITEMS;
      const after = afterMarker(input);
      const all = (await store.list<UserSpec>(USER_KIND, '', after ? { after } : {})).filter((u) => u.spec.path.startsWith(prefix));
      const result = page(all.slice(0, maxItems + 1), maxItems, (r) => r.name);
      return { Users: result.items.map(userOut), ...pageFields(result) };
    },

    async DeleteUser(input: Input) {
      const name: string = input.UserName;
      await store.transact(async (tx) => {
        const row = await requireUser(tx, name);
        if ((await keysOf(tx, name)).length) throw new ApiError('DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
        if (await tx.count(USER_POLICY_KIND, row.name)) throw new ApiError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
        await tx.delete(USER_KIND, '', row.name);
      });
      return {};
    },

    async CreateAccessKey(input: Input, ctx: RequestContext) {
      const name = targetName(input, ctx);
      const now = Date.now();
      const { user, key } = await store.transact(async (tx) => {
        const user = await requireUser(tx, name);
        if ((await keysOf(tx, name)).length >= ACCESS_KEYS_PER_USER) {
          throw new ApiError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`, 409);
        }
        const id = newAccessKeyId();
        const key = await tx.put<AccessKeySpec>({
          kind: ACCESS_KEY_KIND, scope: '', name: id, arn: `${user.arn}/accesskey/${id}`, uid: randomUUID(), version: 1,
          status: 'Active', createdAt: now, updatedAt: now, spec: { userName: user.spec.userName, secretAccessKey: newSecretAccessKey(), status: 'Active' }, tags: [],
        }, { absent: true });
        return { user, key };
      });
      return {
        AccessKey: {
          UserName: user.spec.userName, AccessKeyId: key.name, Status: key.spec.status, SecretAccessKey: key.spec.secretAccessKey, CreateDate: key.createdAt,
        },
      };
    },

    async ListAccessKeys(input: Input, ctx: RequestContext) {
      const name = targetName(input, ctx);
      await requireUser(store, name);
      const keys = (await keysOf(store, name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const result = pageOfSorted(keys, input, (k) => k.name);
      return {
        AccessKeyMetadata: result.items.map((k) => ({ UserName: k.spec.userName, AccessKeyId: k.name, Status: k.spec.status, CreateDate: k.createdAt })),
        ...pageFields(result),
      };
    },

    async UpdateAccessKey(input: Input, ctx: RequestContext) {
      const name = targetName(input, ctx);
      const id: string = input.AccessKeyId;
      const status = input.Status as AccessKeySpec['status'];
      await store.transact(async (tx) => {
        await requireUser(tx, name);
        const key = await tx.get<AccessKeySpec>(ACCESS_KEY_KIND, '', id);
        if (!key || userKey(key.spec.userName) !== userKey(name)) throw noSuchKey(id);
        if (key.spec.status === status) return;
        const { revision: _revision, ...rest } = key;
        await tx.put<AccessKeySpec>({ ...rest, status, spec: { ...key.spec, status }, version: key.version + 1, updatedAt: Date.now() }, { version: key.version });
      });
      return {};
    },

    async DeleteAccessKey(input: Input, ctx: RequestContext) {
      const name = targetName(input, ctx);
      const id: string = input.AccessKeyId;
      await store.transact(async (tx) => {
        await requireUser(tx, name);
        const key = await tx.get<AccessKeySpec>(ACCESS_KEY_KIND, '', id);
        if (!key || userKey(key.spec.userName) !== userKey(name)) throw noSuchKey(id);
        await tx.delete(ACCESS_KEY_KIND, '', id);
      });
      return {};
    },

    async PutUserPolicy(input: Input) {
      const { UserName: name, PolicyName: policyName, PolicyDocument: document } = input as Record<string, string>;
      try {
        parsePolicy(document!, 'identity');
      } catch (err) {
        if (err instanceof PolicyError) throw new ApiError('MalformedPolicyDocument', err.message, 400);
        throw err;
      }
      const now = Date.now();
      await store.transact(async (tx) => {
        const user = await requireUser(tx, name!);
        const others = (await tx.list<UserPolicySpec>(USER_POLICY_KIND, user.name)).filter((p) => p.name !== policyName);
        const size = [...others.map((p) => p.spec.document), document!].reduce((n, d) => n + d.replace(/\s/g, '').length, 0);
        if (size > USER_POLICY_SIZE) throw new ApiError('LimitExceeded', `Maximum policy size of ${USER_POLICY_SIZE} bytes exceeded for user ${user.spec.userName}`, 409);
        const existing = await tx.get<UserPolicySpec>(USER_POLICY_KIND, user.name, policyName!);
        await tx.put<UserPolicySpec>({
          kind: USER_POLICY_KIND, scope: user.name, name: policyName!, arn: `${user.arn}/policy/${policyName}`, uid: existing?.uid ?? randomUUID(),
          version: (existing?.version ?? 0) + 1, status: 'ACTIVE', createdAt: existing?.createdAt ?? now, updatedAt: now,
          spec: { userName: user.spec.userName, policyName: policyName!, document: document! }, tags: [],
        }, existing ? { version: existing.version } : { absent: true });
      });
      return {};
    },

    async GetUserPolicy(input: Input) {
      const user = await requireUser(store, input.UserName);
      const row = await store.get<UserPolicySpec>(USER_POLICY_KIND, user.name, input.PolicyName);
      if (!row) throw new ApiError('NoSuchEntity', `The user policy with name ${input.PolicyName} cannot be found.`, 404);
      // IAM returns policy documents URL-encoded (RFC 3986); clients decode them.
      return { UserName: user.spec.userName, PolicyName: row.name, PolicyDocument: encodeURIComponent(row.spec.document) };
    },

    async ListUserPolicies(input: Input) {
      const user = await requireUser(store, input.UserName);
      const maxItems: number = input.MaxItems ?? DEFAULT_MAX_ITEMS;
      const after = afterMarker(input);
      const rows = await store.list<UserPolicySpec>(USER_POLICY_KIND, user.name, { ...(after ? { after } : {}), limit: maxItems + 1 });
      const result = page(rows, maxItems, (r) => r.name);
      return { PolicyNames: result.items.map((r) => r.name), ...pageFields(result) };
    },

    async DeleteUserPolicy(input: Input) {
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

export function iamAuthorizationTarget(accountId: string) {
  return (operation: string, input: Record<string, unknown>, ctx: RequestContext): { action: string; resource: string } => {
    const action = `iam:${operation}`;
    if (operation === 'ListUsers') return { action, resource: `arn:aws:iam::${accountId}:user${(input.PathPrefix as string | undefined) ?? '/'}*` };
    const name = typeof input.UserName === 'string' ? input.UserName : ctx.identity.userName;
    if (!name) return { action, resource: ctx.identity.principalArn };
    const path = operation === 'CreateUser' && typeof input.Path === 'string' ? input.Path : '/';
    return { action, resource: userArn(accountId, path, name) };
  };
}

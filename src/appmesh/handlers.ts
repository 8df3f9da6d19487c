// The 38 App Mesh operations: five generic ones per resource type plus tagging.
import { badRequest, conflict, limitExceeded, notFound, tooManyTags } from '../api/errors.js';
import type { RequestContext } from '../api/service.js';
import type { AppmeshOperations } from '../protocols/generated/appmesh-operations.js';
import type { AppMeshQuotas } from './quotas.js';
import type { Store, StoreReader, StoredResource, Tag } from '../store/types.js';
import { parseArn, resourceArn } from './arn.js';
import { assertDeletable } from './integrity.js';
import { Kind } from './kinds.js';
import type { PageTokens } from '../api/page-tokens.js';
import {
  type CheckedResourceType,
  type ListOperation,
  type Location,
  type ResourceOperations,
  type ResourceType,
  scopeOf,
  type Title,
  toData,
  toRef,
  typeOfOperation,
  checkedTypes,
} from './resources.js';
import { checkName, checkSpec } from './rules.js';
import { newResource } from '../store/new-resource.js';

export interface AppMeshDeps {
  store: Store;
  region: string;
  accountId: string;
  quotas: AppMeshQuotas;
  pageTokens: PageTokens;
}

/** The members the generated operations of every resource type read (besides each type's own name members). */
interface ResourceInput {
  meshName?: string;
  meshOwner?: string;
  spec?: unknown;
  tags?: Tag[];
  clientToken?: string;
  limit?: number;
  nextToken?: string;
  [member: string]: unknown;
}

type ResourceHandler = (input: ResourceInput) => Promise<unknown>;

const DEFAULT_LIMIT = 100;

export function createHandlers(deps: AppMeshDeps): AppmeshOperations {
  const { store, region, accountId, quotas, pageTokens } = deps;

  /** The model has checked that the name members the operation takes are strings. */
  function locate(type: ResourceType, input: ResourceInput, withName = true): Location {
    const owner = input.meshOwner;
    const meshName = String(input.meshName);
    if (owner !== undefined && owner !== accountId) {
      throw notFound(`Mesh with name ${meshName} is not present for account ${owner}`);
    }
    const loc: Location = { type, meshName, name: withName ? String(input[type.nameField]) : '' };
    if (type.parent) loc.parentName = String(input[type.parent.nameField]);
    return loc;
  }

  async function requireParents(reader: StoreReader, loc: Location): Promise<void> {
    if (loc.type.kind === Kind.mesh) return;
    if (!(await reader.get(Kind.mesh, '', loc.meshName)))
      throw notFound(`Mesh with name ${loc.meshName} is not present for account ${accountId}`);
    if (loc.type.parent && !(await reader.get(loc.type.parent.kind, loc.meshName, loc.parentName!))) {
      throw notFound(
        `${loc.type.parent.title} with name ${loc.parentName} is not present under mesh ${loc.meshName} for account ${accountId}`,
      );
    }
  }

  const missing = (loc: Location) =>
    loc.type.kind === Kind.mesh
      ? notFound(`Mesh with name ${loc.name} is not present for account ${accountId}`)
      : notFound(
          `${loc.type.title} with name ${loc.name} is not present under mesh ${loc.meshName} for account ${accountId}`,
        );

  function checkTags(tags: Tag[] | undefined): Tag[] {
    const list = tags ?? [];
    if (list.length > quotas.tagsPerResource)
      throw tooManyTags(`A resource can have at most ${quotas.tagsPerResource} tags`);
    const keys = new Set<string>();
    for (const [i, t] of list.entries()) {
      if (keys.has(t.key)) throw badRequest(`tags[${i}].key: the tag key ${t.key} is given more than once`);
      keys.add(t.key);
    }
    return list;
  }

  const sameRequest = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  // A store may hand out the same frozen row or page until it changes; what is derived from it is frozen and kept
  // beside it, so an unchanged resource is shaped (and, by the protocol, encoded) once.
  const dataMemo = new WeakMap<StoredResource, Readonly<Record<string, unknown>>>();
  const pageMemo = new WeakMap<readonly StoredResource[], Readonly<Record<string, unknown>>>();
  function describedData(type: ResourceType, row: StoredResource): Readonly<Record<string, unknown>> {
    if (!Object.isFrozen(row)) return toData(type, row, accountId);
    let data = dataMemo.get(row);
    if (!data) dataMemo.set(row, (data = Object.freeze(toData(type, row, accountId))));
    return data;
  }

  function create(type: ResourceType): ResourceHandler {
    return async (input) => {
      const loc = locate(type, input);
      checkName(type.kind, loc.name);
      const tags = checkTags(input.tags);
      const clientToken = input.clientToken;
      const scope = scopeOf(loc);
      const row = await store.transact(async (tx) => {
        await requireParents(tx, loc);
        const spec = await checkSpec(type.kind, input.spec, {
          reader: tx,
          meshName: loc.meshName,
          accountId,
          quotas,
          ...(loc.parentName !== undefined ? { parentName: loc.parentName } : {}),
        });
        const existing = await tx.get(type.kind, scope, loc.name);
        if (existing) {
          if (clientToken && existing.clientToken === clientToken && existing.version === 1) {
            if (sameRequest(existing.spec, spec)) return existing;
            throw conflict(`The client token ${clientToken} was used for a different request`);
          }
          throw conflict(
            `${type.title} with name ${loc.name} already exists${type.kind === Kind.mesh ? '' : ` under mesh ${loc.meshName}`}`,
          );
        }
        if (type.quota && (await tx.count(type.kind, scope)) >= quotas[type.quota]) {
          throw limitExceeded(`The ${type.quota} quota of ${quotas[type.quota]} is reached`);
        }
        const now = Date.now();
        return tx.put(
          newResource({
            kind: type.kind,
            scope,
            name: loc.name,
            arn: resourceArn(region, accountId, type.kind, loc.meshName, loc.name, loc.parentName),
            spec,
            tags,
            clientToken,
            now,
          }),
          { absent: true },
        );
      });
      return { [type.kind]: toData(type, row, accountId) };
    };
  }

  function describe(type: ResourceType): ResourceHandler {
    return async (input) => {
      const loc = locate(type, input);
      const row = await store.get(type.kind, scopeOf(loc), loc.name);
      if (!row) throw missing(loc);
      return { [type.kind]: describedData(type, row) };
    };
  }

  function update(type: ResourceType): ResourceHandler {
    return async (input) => {
      const loc = locate(type, input);
      const clientToken = input.clientToken;
      const scope = scopeOf(loc);
      const row = await store.transact(async (tx) => {
        const existing = await tx.get(type.kind, scope, loc.name);
        if (!existing) throw missing(loc);
        const spec = await checkSpec(type.kind, input.spec, {
          reader: tx,
          meshName: loc.meshName,
          accountId,
          quotas,
          ...(loc.parentName !== undefined ? { parentName: loc.parentName } : {}),
        });
        if (clientToken && existing.clientToken === clientToken) {
          if (sameRequest(existing.spec, spec)) return existing;
          throw conflict(`The client token ${clientToken} was used for a different request`);
        }
        return tx.put(
          {
            ...existing,
            spec,
            version: existing.version + 1,
            updatedAt: Math.max(Date.now(), existing.updatedAt),
            clientToken,
          },
          { version: existing.version },
        );
      });
      return { [type.kind]: toData(type, row, accountId) };
    };
  }

  function remove(type: ResourceType): ResourceHandler {
    return async (input) => {
      const loc = locate(type, input);
      const scope = scopeOf(loc);
      const row = await store.transact(async (tx) => {
        const existing = await tx.get(type.kind, scope, loc.name);
        if (!existing) throw missing(loc);
        await assertDeletable(tx, type.kind, loc.meshName, loc.name);
        await tx.delete(type.kind, scope, loc.name);
        return existing;
      });
      return { [type.kind]: toData(type, row, accountId, 'DELETED') };
    };
  }

  function list(type: ResourceType): ResourceHandler {
    return async (input) => {
      const loc = locate(type, input, false);
      const scope = scopeOf(loc);
      const context = `${type.kind}:${scope}`;
      const after = typeof input.nextToken === 'string' ? pageTokens.read(context, input.nextToken) : undefined;
      const limit = input.limit ?? DEFAULT_LIMIT;
      await requireParents(store, loc);
      const rows = await store.list(type.kind, scope, { limit: limit + 1, ...(after !== undefined ? { after } : {}) });
      const memo = Object.isFrozen(rows) ? pageMemo.get(rows) : undefined;
      if (memo) return memo;
      const page = rows.slice(0, limit);
      const out: Record<string, unknown> = { [type.listField]: page.map((r) => toRef(type, r, accountId)) };
      if (rows.length > limit) out.nextToken = pageTokens.issue(context, page[page.length - 1]!.name);
      if (Object.isFrozen(rows)) pageMemo.set(rows, Object.freeze(out));
      return out;
    };
  }

  async function byArn(reader: StoreReader, arn: string): Promise<StoredResource> {
    const parts = parseArn(arn);
    const row =
      parts && parts.region === region && parts.accountId === accountId ? await reader.getByArn(arn) : undefined;
    if (!row) throw notFound(`No App Mesh resource has the ARN ${arn}`);
    return row;
  }

  /** The five operations a resource type's descriptor generates, under the names the model gives them. */
  function resourceOperations<T extends Title, L extends ListOperation>(
    type: CheckedResourceType<T, L>,
  ): ResourceOperations<T, L> {
    const generated: object = {
      [`Create${type.title}`]: create(type),
      [`Describe${type.title}`]: describe(type),
      [`Update${type.title}`]: update(type),
      [`Delete${type.title}`]: remove(type),
      [type.listOperation]: list(type),
    };
    // Keys built from the title are where the checker stops following: the descriptor's kind (the payload
    // member), name and list members are checked against these operations' generated shapes, and the model
    // validated the input the handlers read.
    return generated as ResourceOperations<T, L>;
  }

  return {
    ...resourceOperations(checkedTypes.mesh),
    ...resourceOperations(checkedTypes.virtualNode),
    ...resourceOperations(checkedTypes.virtualService),
    ...resourceOperations(checkedTypes.virtualRouter),
    ...resourceOperations(checkedTypes.route),
    ...resourceOperations(checkedTypes.virtualGateway),
    ...resourceOperations(checkedTypes.gatewayRoute),

    async TagResource(input) {
      const arn = input.resourceArn;
      await store.transact(async (tx) => {
        const row = await byArn(tx, arn);
        const merged = new Map(row.tags.map((t) => [t.key, t.value]));
        for (const t of checkTags(input.tags)) merged.set(t.key, t.value);
        if (merged.size > quotas.tagsPerResource)
          throw tooManyTags(`A resource can have at most ${quotas.tagsPerResource} tags; none were applied`);
        const tags = [...merged].map(([key, value]) => ({ key, value }));
        await tx.put({ ...row, tags }, { version: row.version });
      });
      return {};
    },

    async UntagResource(input) {
      const arn = input.resourceArn;
      const keys = new Set(input.tagKeys);
      await store.transact(async (tx) => {
        const row = await byArn(tx, arn);
        await tx.put({ ...row, tags: row.tags.filter((t) => !keys.has(t.key)) }, { version: row.version });
      });
      return {};
    },

    async ListTagsForResource(input) {
      const arn = input.resourceArn;
      const row = await byArn(store, arn);
      const context = `tags:${arn}`;
      const start = typeof input.nextToken === 'string' ? Number(pageTokens.read(context, input.nextToken)) : 0;
      if (!Number.isInteger(start) || start < 0) throw badRequest('The nextToken is not valid');
      const limit = input.limit ?? 50;
      const page = row.tags.slice(start, start + limit);
      return {
        tags: page,
        ...(start + limit < row.tags.length ? { nextToken: pageTokens.issue(context, String(start + limit)) } : {}),
      };
    },
  };
}

/** The IAM action and resource ARN an App Mesh request is authorized against. */
export function authorizationTarget(
  operation: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): { action: string; resource: string } {
  const action = `appmesh:${operation}`;
  if (typeof input.resourceArn === 'string') return { action, resource: input.resourceArn };
  const type = typeOfOperation.get(operation);
  if (!type || operation === 'ListMeshes') return { action, resource: '*' };
  const meshName = String(input.meshName);
  const parentName = type.parent ? String(input[type.parent.nameField]) : undefined;
  if (operation === type.listOperation) {
    return type.parent
      ? { action, resource: resourceArn(ctx.region, ctx.accountId, type.parent.kind, meshName, parentName!) }
      : { action, resource: resourceArn(ctx.region, ctx.accountId, Kind.mesh, meshName, meshName) };
  }
  return {
    action,
    resource: resourceArn(ctx.region, ctx.accountId, type.kind, meshName, String(input[type.nameField]), parentName),
  };
}

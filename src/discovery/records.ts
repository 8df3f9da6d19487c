// Reading and writing Cloud Map rows: lookups by id (or ARN), operations, and the
// CreatorRequestId ledger that makes retries safe.
import type { PageTokens } from '../api/page-tokens.js';
import { transactRetryingConflicts } from '../store/retry.js';
import type { Store, StoreReader, StoreTx, StoredResource } from '../store/types.js';
import type { OperationType } from '../protocols/generated/servicediscovery-types.js';
import { duplicateRequest, namespaceNotFound, serviceNotFound } from './errors.js';
import { idFrom, newOperationId, operationRowArn } from './ids.js';
import { type NamespaceSpec, type OperationSpec, type RequestSpec, SdKind, type ServiceSpec } from './kinds.js';
import type { CloudMapQuotas } from './quotas.js';
import { newResource } from '../store/new-resource.js';

export interface DiscoveryDeps {
  store: Store;
  /** Signs the NextToken of every listing. */
  pageTokens: PageTokens;
  region: string;
  accountId: string;
  /** The Cloud Map quotas (--quota). */
  quotas: CloudMapQuotas;
}

export type NamespaceRow = StoredResource<NamespaceSpec>;
export type ServiceRow = StoredResource<ServiceSpec>;

/** One call's writes; concurrent registrations in one service must all succeed, so conflicts are retried. */
export const transact = <T>(deps: DiscoveryDeps, fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
  transactRetryingConflicts(deps.store, fn);

export async function requireNamespace(
  deps: DiscoveryDeps,
  reader: StoreReader,
  idOrArn: string,
): Promise<NamespaceRow> {
  const id = idFrom(idOrArn, 'namespace', deps.region, deps.accountId);
  const row = id === undefined ? undefined : await reader.get<NamespaceSpec>(SdKind.namespace, '', id);
  if (!row) throw namespaceNotFound(idOrArn);
  return row;
}

/** Services are scoped by namespace; their unique ARN finds them from the id alone. */
export async function findService(
  deps: DiscoveryDeps,
  reader: StoreReader,
  idOrArn: string,
): Promise<ServiceRow | undefined> {
  const id = idFrom(idOrArn, 'service', deps.region, deps.accountId);
  if (id === undefined) return undefined;
  const row = await reader.getByArn<ServiceSpec>(
    `arn:aws:servicediscovery:${deps.region}:${deps.accountId}:service/${id}`,
  );
  return row?.kind === SdKind.service ? row : undefined;
}

export async function requireService(deps: DiscoveryDeps, reader: StoreReader, idOrArn: string): Promise<ServiceRow> {
  const row = await findService(deps, reader, idOrArn);
  if (!row) throw serviceNotFound(idOrArn);
  return row;
}

/** Every mutating Cloud Map call is an operation; appmeshd completes it before answering. */
export async function recordOperation(
  deps: DiscoveryDeps,
  tx: StoreTx,
  type: OperationType,
  targets: Record<string, string>,
): Promise<string> {
  const id = newOperationId();
  const now = Date.now();
  await tx.put<OperationSpec>(
    newResource({
      kind: SdKind.operation,
      scope: '',
      name: id,
      arn: operationRowArn(deps.region, deps.accountId, id),
      status: 'SUCCESS',
      spec: { type, status: 'SUCCESS', targets },
      tags: [],
      now,
    }),
    { absent: true },
  );
  return id;
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

/** The request without its CreatorRequestId, in a canonical form. */
export const fingerprint = (input: object) => JSON.stringify(stable({ ...input, CreatorRequestId: undefined }));

/**
 * For a CreatorRequestId seen before: the operation id of the same earlier request, or
 * DuplicateRequest when the id was used for a different one. Undefined for a new id.
 */
export async function priorRequest(
  tx: StoreReader,
  operation: string,
  creatorRequestId: string | undefined,
  input: object,
): Promise<string | undefined> {
  if (!creatorRequestId) return undefined;
  const prior = await tx.get<RequestSpec>(SdKind.request, operation, creatorRequestId);
  if (!prior) return undefined;
  if (prior.spec.fingerprint !== fingerprint(input)) throw duplicateRequest(creatorRequestId, prior.spec.operationId);
  return prior.spec.operationId;
}

export async function rememberRequest(
  deps: DiscoveryDeps,
  tx: StoreTx,
  operation: string,
  creatorRequestId: string | undefined,
  input: object,
  operationId: string,
): Promise<void> {
  if (!creatorRequestId) return;
  const now = Date.now();
  await tx.put<RequestSpec>(
    newResource({
      kind: SdKind.request,
      scope: operation,
      name: creatorRequestId,
      arn: `arn:aws:servicediscovery:${deps.region}:${deps.accountId}:request/${operation}/${creatorRequestId}`,
      spec: { fingerprint: fingerprint(input), operationId },
      tags: [],
      now,
    }),
    { absent: true },
  );
}

// GetOperation and ListOperations over the operations recorded by every mutating call.
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import type { StoredResource } from '../store/types.js';
import { invalidInput, operationNotFound } from './errors.js';
import { type OperationSpec, SdKind } from './kinds.js';
import { type Filter, checkFilter, matchesText, paginate, timeKey } from './paging.js';
import type { DiscoveryDeps } from './records.js';

type OperationRow = StoredResource<OperationSpec>;

const seconds = (ms: number) => ms / 1000;

function operationFilter(filter: Filter): (row: OperationRow) => boolean {
  switch (filter.Name) {
    case 'NAMESPACE_ID':
    case 'SERVICE_ID': {
      const c = checkFilter(filter, ['EQ']);
      const target = filter.Name === 'NAMESPACE_ID' ? 'NAMESPACE' : 'SERVICE';
      return (row) => matchesText(row.spec.targets[target], filter, c);
    }
    case 'STATUS':
    case 'TYPE': {
      const c = checkFilter(filter, ['EQ', 'IN']);
      return (row) => matchesText(filter.Name === 'STATUS' ? row.spec.status : row.spec.type, filter, c);
    }
    case 'UPDATE_DATE': {
      checkFilter(filter, ['BETWEEN']);
      const [from = Number.NaN, to = Number.NaN] = filter.Values.map(Number);
      if (!Number.isFinite(from) || !Number.isFinite(to))
        throw invalidInput('UPDATE_DATE values must be timestamps in seconds');
      return (row) => seconds(row.updatedAt) >= from && seconds(row.updatedAt) <= to;
    }
    default:
      throw invalidInput(`Unknown operation filter ${filter.Name}`);
  }
}

export type OperationOperations = Pick<ServicediscoveryOperations, 'GetOperation' | 'ListOperations'>;

export function operationHandlers(deps: DiscoveryDeps): OperationOperations {
  const { store, accountId } = deps;
  return {
    async GetOperation(input) {
      const id = input.OperationId;
      const owner = input.OwnerAccount;
      const row =
        owner === undefined || owner === accountId
          ? await store.get<OperationSpec>(SdKind.operation, '', id)
          : undefined;
      if (!row) throw operationNotFound(id);
      return {
        Operation: {
          Id: row.name,
          OwnerAccount: accountId,
          Type: row.spec.type,
          Status: row.spec.status,
          CreateDate: row.createdAt,
          UpdateDate: row.updatedAt,
          Targets: row.spec.targets,
        },
      };
    },

    async ListOperations(input) {
      const predicates = (input.Filters ?? []).map(operationFilter);
      const rows = (await store.listKind<OperationSpec>(SdKind.operation)).filter((r) => predicates.every((p) => p(r)));
      const key = (r: OperationRow) => timeKey(r.createdAt, r.name);
      rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));
      const page = paginate(rows, key, input.MaxResults, input.NextToken, 100, {
        tokens: deps.pageTokens,
        context: 'ListOperations',
      });
      return {
        Operations: page.items.map((r) => ({ Id: r.name, Status: r.spec.status })),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },
  };
}

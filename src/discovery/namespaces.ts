// Namespace operations: create (HTTP, private DNS, public DNS), get, list, update, delete.
import type * as T from '../protocols/generated/servicediscovery-types.js';
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import { Ec2Kind } from '../ec2/records.js';
import type { NamespaceType } from '../protocols/generated/servicediscovery-types.js';
import { invalidInput, namespaceAlreadyExists, resourceInUse, resourceLimitExceeded } from './errors.js';
import { newHostedZoneId, newNamespaceId, sdArn } from './ids.js';
import { type NamespaceSpec, SdKind } from './kinds.js';
import { checkFilter, matchesText, paginate, timeKey } from './paging.js';
import {
  type DiscoveryDeps,
  type NamespaceRow,
  priorRequest,
  recordOperation,
  rememberRequest,
  requireNamespace,
  transact,
} from './records.js';
import { checkTags, fromWireTags } from './tags.js';
import { newResource } from '../store/new-resource.js';

const DEFAULT_SOA_TTL = 15;

function summary(row: NamespaceRow, accountId: string, serviceCount: number): T.Namespace {
  const s = row.spec;
  const dns =
    s.type === 'HTTP' ? undefined : { HostedZoneId: s.hostedZoneId, SOA: { TTL: s.soaTtl ?? DEFAULT_SOA_TTL } };
  return {
    Id: row.name,
    Arn: row.arn,
    ResourceOwner: accountId,
    Name: s.name,
    Type: s.type,
    ...(s.description !== undefined ? { Description: s.description } : {}),
    ServiceCount: serviceCount,
    Properties: { ...(dns ? { DnsProperties: dns } : {}), HttpProperties: { HttpName: s.name } },
    CreateDate: row.createdAt,
  };
}

/** Two namespaces clash on name unless both are private DNS namespaces of different VPCs. */
const clashes = (a: NamespaceSpec, b: NamespaceSpec) =>
  a.name === b.name && !(a.type === 'DNS_PRIVATE' && b.type === 'DNS_PRIVATE' && a.vpc !== b.vpc);

/** What the three Create*Namespace requests have in common (a VPC and SOA only for DNS namespaces). */
type CreateNamespaceInput = T.CreateHttpNamespaceRequest & {
  Vpc?: string;
  Properties?: T.PublicDnsNamespaceProperties;
};

/** What the three Update*Namespace requests have in common. */
interface UpdateNamespaceInput {
  Id: string;
  Namespace: { Description?: string; Properties?: T.PublicDnsNamespacePropertiesChange };
}

export type NamespaceOperations = Pick<
  ServicediscoveryOperations,
  | 'CreateHttpNamespace'
  | 'CreatePrivateDnsNamespace'
  | 'CreatePublicDnsNamespace'
  | 'GetNamespace'
  | 'ListNamespaces'
  | 'UpdateHttpNamespace'
  | 'UpdatePrivateDnsNamespace'
  | 'UpdatePublicDnsNamespace'
  | 'DeleteNamespace'
>;

export function namespaceHandlers(deps: DiscoveryDeps): NamespaceOperations {
  const { store, region, accountId } = deps;

  function create(operation: string, type: NamespaceType) {
    return async (input: CreateNamespaceInput): Promise<T.CreateHttpNamespaceResponse> => {
      const creatorRequestId = input.CreatorRequestId;
      const tags = checkTags(fromWireTags(input.Tags), String(input.Name));
      const spec: NamespaceSpec = { name: String(input.Name).replace(/\.$/, ''), type };
      if (input.Description !== undefined) spec.description = input.Description;
      if (creatorRequestId) spec.creatorRequestId = creatorRequestId;
      if (type === 'DNS_PRIVATE') {
        const vpc = String(input.Vpc);
        if (!/^vpc-[0-9a-f]{8,17}$/.test(vpc)) throw invalidInput(`Vpc ${vpc} is not a valid VPC id`);
        spec.vpc = vpc;
      }
      if (type !== 'HTTP') {
        spec.hostedZoneId = newHostedZoneId();
        const ttl = input.Properties?.DnsProperties?.SOA?.TTL;
        spec.soaTtl = ttl ?? DEFAULT_SOA_TTL;
      }
      const operationId = await transact(deps, async (tx) => {
        const retried = await priorRequest(tx, operation, creatorRequestId, input);
        if (retried) return retried;
        if (spec.vpc && !(await tx.get(Ec2Kind.vpc, '', spec.vpc)))
          throw invalidInput(`The VPC ${spec.vpc} does not exist`);
        const existing = await tx.listKind<NamespaceSpec>(SdKind.namespace);
        const clash = existing.find((row) => clashes(row.spec, spec));
        if (clash) throw namespaceAlreadyExists(spec.name, clash.name, clash.spec.creatorRequestId);
        if (existing.length >= deps.quotas.namespacesPerRegion) {
          throw resourceLimitExceeded(
            `The quota of ${deps.quotas.namespacesPerRegion} namespaces per Region is reached`,
          );
        }
        const id = newNamespaceId();
        const now = Date.now();
        await tx.put<NamespaceSpec>(
          newResource({
            kind: SdKind.namespace,
            scope: '',
            name: id,
            arn: sdArn(region, accountId, 'namespace', id),
            spec,
            tags,
            now,
          }),
          { absent: true },
        );
        const opId = await recordOperation(deps, tx, 'CREATE_NAMESPACE', { NAMESPACE: id });
        await rememberRequest(deps, tx, operation, creatorRequestId, input, opId);
        return opId;
      });
      return { OperationId: operationId };
    };
  }

  const serviceCount = (id: string) => store.count(SdKind.service, id);

  /** Update{Http,PrivateDns,PublicDns}Namespace: the description and, for DNS namespaces, the SOA TTL. */
  function update(type: NamespaceType) {
    return async (input: UpdateNamespaceInput): Promise<T.UpdateHttpNamespaceResponse> => {
      const change = input.Namespace;
      const operationId = await transact(deps, async (tx) => {
        const row = await requireNamespace(deps, tx, input.Id);
        if (row.spec.type !== type)
          throw invalidInput(`Namespace ${row.name} is a ${row.spec.type} namespace, not ${type}`);
        const spec: NamespaceSpec = { ...row.spec };
        if (change.Description !== undefined) spec.description = change.Description;
        const ttl = change.Properties?.DnsProperties?.SOA?.TTL;
        if (ttl !== undefined) spec.soaTtl = ttl;
        await tx.put<NamespaceSpec>(
          { ...row, spec, version: row.version + 1, updatedAt: Date.now() },
          { version: row.version },
        );
        return recordOperation(deps, tx, 'UPDATE_NAMESPACE', { NAMESPACE: row.name });
      });
      return { OperationId: operationId };
    };
  }

  return {
    CreateHttpNamespace: create('CreateHttpNamespace', 'HTTP'),
    CreatePrivateDnsNamespace: create('CreatePrivateDnsNamespace', 'DNS_PRIVATE'),
    CreatePublicDnsNamespace: create('CreatePublicDnsNamespace', 'DNS_PUBLIC'),

    async GetNamespace(input) {
      const row = await requireNamespace(deps, store, input.Id);
      const out = summary(row, accountId, await serviceCount(row.name));
      if (row.spec.creatorRequestId) out.CreatorRequestId = row.spec.creatorRequestId;
      return { Namespace: out };
    },

    async ListNamespaces(input) {
      let rows = await store.listKind<NamespaceSpec>(SdKind.namespace);
      for (const filter of input.Filters ?? []) {
        switch (filter.Name) {
          case 'TYPE': {
            const c = checkFilter(filter, ['EQ', 'IN']);
            rows = rows.filter((r) => matchesText(r.spec.type, filter, c));
            break;
          }
          case 'NAME':
          case 'HTTP_NAME': {
            const c = checkFilter(filter, ['EQ', 'BEGINS_WITH']);
            rows = rows.filter((r) => matchesText(r.spec.name, filter, c));
            break;
          }
          case 'RESOURCE_OWNER': {
            const c = checkFilter(filter, ['EQ']);
            rows = rows.filter(() => matchesText(accountId, filter, c));
            break;
          }
          default:
            throw invalidInput(`Unknown namespace filter ${filter.Name}`);
        }
      }
      rows.sort((a, b) => (timeKey(a.createdAt, a.name) < timeKey(b.createdAt, b.name) ? -1 : 1));
      const page = paginate(rows, (r) => timeKey(r.createdAt, r.name), input.MaxResults, input.NextToken, 100, {
        tokens: deps.pageTokens,
        context: 'ListNamespaces',
      });
      const items = await Promise.all(page.items.map(async (r) => summary(r, accountId, await serviceCount(r.name))));
      return { Namespaces: items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
    },

    UpdateHttpNamespace: update('HTTP'),
    UpdatePrivateDnsNamespace: update('DNS_PRIVATE'),
    UpdatePublicDnsNamespace: update('DNS_PUBLIC'),

    async DeleteNamespace(input) {
      const operationId = await transact(deps, async (tx) => {
        const row = await requireNamespace(deps, tx, input.Id);
        if ((await tx.count(SdKind.service, row.name)) > 0)
          throw resourceInUse(`Namespace ${row.name} still has services; delete them first`);
        await tx.delete(SdKind.namespace, '', row.name);
        return recordOperation(deps, tx, 'DELETE_NAMESPACE', { NAMESPACE: row.name });
      });
      return { OperationId: operationId };
    },
  };
}

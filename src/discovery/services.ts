// Service operations: create, get, list, update, delete.
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import type { DnsConfig, DnsRecord } from '../protocols/generated/servicediscovery-types.js';
import { invalidInput, resourceInUse, resourceLimitExceeded, serviceAlreadyExists } from './errors.js';
import { idFrom, newServiceId, sdArn } from './ids.js';
import { type NamespaceSpec, SdKind, type ServiceSpec } from './kinds.js';
import { checkFilter, matchesText, paginate, timeKey } from './paging.js';
import {
  type DiscoveryDeps,
  type ServiceRow,
  fingerprint,
  recordOperation,
  requireNamespace,
  requireService,
  transact,
} from './records.js';
import { checkTags, fromWireTags } from './tags.js';
import type * as T from '../protocols/generated/servicediscovery-types.js';
import { newResource } from '../store/new-resource.js';

function describe(row: ServiceRow, accountId: string, instanceCount: number, full: boolean): T.Service {
  const s = row.spec;
  return {
    Id: row.name,
    Arn: row.arn,
    ResourceOwner: accountId,
    Name: s.name,
    ...(full ? { NamespaceId: s.namespaceId } : {}),
    ...(s.description !== undefined ? { Description: s.description } : {}),
    InstanceCount: instanceCount,
    ...(s.dnsConfig ? { DnsConfig: full ? { NamespaceId: s.namespaceId, ...s.dnsConfig } : s.dnsConfig } : {}),
    Type: s.type,
    ...(s.healthCheckConfig ? { HealthCheckConfig: s.healthCheckConfig } : {}),
    ...(s.healthCheckCustomConfig ? { HealthCheckCustomConfig: s.healthCheckCustomConfig } : {}),
    CreateDate: row.createdAt,
    ...(full && s.creatorRequestId ? { CreatorRequestId: s.creatorRequestId } : {}),
    CreatedByAccount: accountId,
  };
}

function checkDnsRecords(records: DnsRecord[], routingPolicy: string): void {
  const types = records.map((r) => r.Type);
  if (new Set(types).size !== types.length) throw invalidInput('DnsRecords may list each record type only once');
  if (types.includes('CNAME') && (types.length > 1 || routingPolicy !== 'WEIGHTED')) {
    throw invalidInput('A CNAME record must be the only record and needs the WEIGHTED routing policy');
  }
}

function checkDnsConfig(dns: DnsConfig, namespace: NamespaceSpec, namespaceId: string): DnsConfig {
  if (namespace.type === 'HTTP') throw invalidInput('DnsConfig is not allowed for a service in an HTTP namespace');
  if (dns.NamespaceId !== undefined && dns.NamespaceId !== namespaceId)
    throw invalidInput('DnsConfig.NamespaceId differs from NamespaceId');
  const routingPolicy = dns.RoutingPolicy ?? 'MULTIVALUE';
  checkDnsRecords(dns.DnsRecords, routingPolicy);
  return { RoutingPolicy: routingPolicy, DnsRecords: dns.DnsRecords };
}

export type ServiceOperations = Pick<
  ServicediscoveryOperations,
  'CreateService' | 'GetService' | 'ListServices' | 'UpdateService' | 'DeleteService'
>;

export function serviceHandlers(deps: DiscoveryDeps): ServiceOperations {
  const { store, region, accountId } = deps;
  const instanceCount = (id: string) => store.count(SdKind.instance, id);

  return {
    async CreateService(input) {
      const dnsInput = input.DnsConfig;
      const namespaceRef = input.NamespaceId ?? dnsInput?.NamespaceId;
      if (!namespaceRef) throw invalidInput('NamespaceId is required');
      const creatorRequestId = input.CreatorRequestId;
      const name = String(input.Name);
      const tags = checkTags(fromWireTags(input.Tags), name);
      if (input.HealthCheckConfig && input.HealthCheckCustomConfig)
        throw invalidInput('HealthCheckConfig and HealthCheckCustomConfig cannot both be set');

      const row = await transact(deps, async (tx) => {
        const namespace = await requireNamespace(deps, tx, namespaceRef);
        const ns = namespace.spec;
        const spec: ServiceSpec = { name, namespaceId: namespace.name, type: 'HTTP', instancesRevision: 0 };
        if (input.Description !== undefined) spec.description = input.Description;
        if (creatorRequestId) {
          spec.creatorRequestId = creatorRequestId;
          spec.requestFingerprint = fingerprint(input);
        }
        if (dnsInput) {
          if (input.Type === 'HTTP') throw invalidInput('A service of type HTTP cannot have a DnsConfig');
          spec.dnsConfig = checkDnsConfig(dnsInput, ns, namespace.name);
          spec.type = 'DNS_HTTP';
        }
        if (input.HealthCheckConfig) {
          if (ns.type !== 'DNS_PUBLIC')
            throw invalidInput('HealthCheckConfig is only valid for services in public DNS namespaces');
          spec.healthCheckConfig = input.HealthCheckConfig;
        }
        if (input.HealthCheckCustomConfig) spec.healthCheckCustomConfig = input.HealthCheckCustomConfig;

        const siblings = await tx.list<ServiceSpec>(SdKind.service, namespace.name);
        const existing = siblings.find((s) => s.spec.name === name);
        if (existing) {
          // A retry of the very same request (same CreatorRequestId) gets the service it created.
          if (
            creatorRequestId &&
            existing.spec.creatorRequestId === creatorRequestId &&
            existing.spec.requestFingerprint === spec.requestFingerprint
          )
            return existing;
          throw serviceAlreadyExists(name, existing.name, existing.arn, existing.spec.creatorRequestId);
        }
        if (siblings.length >= deps.quotas.servicesPerNamespace) {
          throw resourceLimitExceeded(
            `The quota of ${deps.quotas.servicesPerNamespace} services per namespace is reached`,
          );
        }
        const id = newServiceId();
        const now = Date.now();
        return tx.put<ServiceSpec>(
          newResource({
            kind: SdKind.service,
            scope: namespace.name,
            name: id,
            arn: sdArn(region, accountId, 'service', id),
            spec,
            tags,
            now,
          }),
          { absent: true },
        );
      });
      return { Service: describe(row, accountId, await instanceCount(row.name), true) };
    },

    async GetService(input) {
      const row = await requireService(deps, store, input.Id);
      return { Service: describe(row, accountId, await instanceCount(row.name), true) };
    },

    async ListServices(input) {
      let namespaceIds: string[] | undefined;
      let ownerMatches = true;
      for (const filter of input.Filters ?? []) {
        if (filter.Name === 'NAMESPACE_ID') {
          const c = checkFilter(filter, ['EQ', 'IN']);
          const ids = filter.Values.map((v) => idFrom(v, 'namespace', region, accountId) ?? v);
          namespaceIds = c === 'EQ' ? ids.slice(0, 1) : ids;
        } else if (filter.Name === 'RESOURCE_OWNER') {
          ownerMatches &&= matchesText(accountId, filter, checkFilter(filter, ['EQ']));
        } else {
          throw invalidInput(`Unknown service filter ${filter.Name}`);
        }
      }
      const rows = !ownerMatches
        ? []
        : namespaceIds
          ? (await Promise.all(namespaceIds.map((id) => store.list<ServiceSpec>(SdKind.service, id)))).flat()
          : await store.listKind<ServiceSpec>(SdKind.service);
      rows.sort((a, b) => (timeKey(a.createdAt, a.name) < timeKey(b.createdAt, b.name) ? -1 : 1));
      const page = paginate(rows, (r) => timeKey(r.createdAt, r.name), input.MaxResults, input.NextToken, 100, {
        tokens: deps.pageTokens,
        context: 'ListServices',
      });
      const items = await Promise.all(
        page.items.map(async (r) => describe(r, accountId, await instanceCount(r.name), false)),
      );
      return { Services: items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
    },

    async UpdateService(input) {
      const change = input.Service;
      const operationId = await transact(deps, async (tx) => {
        const row = await requireService(deps, tx, input.Id);
        const spec: ServiceSpec = { ...row.spec };
        if (change.Description !== undefined) spec.description = change.Description;
        if (change.DnsConfig) {
          if (!spec.dnsConfig) throw invalidInput(`Service ${row.name} has no DnsConfig to update`);
          const before = spec.dnsConfig.DnsRecords.map((r) => r.Type)
            .sort()
            .join();
          const after = change.DnsConfig.DnsRecords.map((r) => r.Type)
            .sort()
            .join();
          if (before !== after) throw invalidInput('UpdateService can change the TTL of DNS records, not their types');
          spec.dnsConfig = { ...spec.dnsConfig, DnsRecords: change.DnsConfig.DnsRecords };
        }
        if (change.HealthCheckConfig) {
          if (!spec.healthCheckConfig) throw invalidInput(`Service ${row.name} has no HealthCheckConfig to update`);
          spec.healthCheckConfig = change.HealthCheckConfig;
        }
        await tx.put<ServiceSpec>(
          { ...row, spec, version: row.version + 1, updatedAt: Date.now() },
          { version: row.version },
        );
        return recordOperation(deps, tx, 'UPDATE_SERVICE', { SERVICE: row.name });
      });
      return { OperationId: operationId };
    },

    async DeleteService(input) {
      await transact(deps, async (tx) => {
        const row = await requireService(deps, tx, input.Id);
        if ((await tx.count(SdKind.instance, row.name)) > 0)
          throw resourceInUse(`Service ${row.name} still has registered instances; deregister them first`);
        await tx.delete(SdKind.service, row.scope, row.name);
      });
      return {};
    },
  };
}

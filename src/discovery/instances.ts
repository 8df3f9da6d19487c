// Instance operations: register, deregister, get, list, discover, and custom health.
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import type { HealthStatus, HealthStatusFilter } from '../protocols/generated/servicediscovery-types.js';
import type { StoreTx } from '../store/types.js';
import { Attr, checkAttributes, matchesAll } from './attributes.js';
import {
  customHealthNotFound,
  instanceNotFound,
  namespaceNotFound,
  resourceLimitExceeded,
  serviceNotFound,
} from './errors.js';
import { healthOf, isHealthy } from './health.js';
import { instanceRowArn } from './ids.js';
import { type CustomHealth, type InstanceSpec, type NamespaceSpec, SdKind, type ServiceSpec } from './kinds.js';
import { paginate } from './paging.js';
import {
  type DiscoveryDeps,
  type ServiceRow,
  priorRequest,
  recordOperation,
  rememberRequest,
  requireService,
  transact,
} from './records.js';
import { newResource } from '../store/new-resource.js';

/** Instance changes bump the service's revision, which DiscoverInstancesRevision reports. */
async function bumpRevision(tx: StoreTx, service: ServiceRow): Promise<void> {
  const spec = { ...service.spec, instancesRevision: service.spec.instancesRevision + 1 };
  await tx.put<ServiceSpec>(
    { ...service, spec, version: service.version + 1, updatedAt: Date.now() },
    { version: service.version },
  );
}

export async function findServiceByNames(
  reader: DiscoveryDeps['store'],
  namespaceName: string,
  serviceName: string,
): Promise<{ namespace: NamespaceSpec; service: ServiceRow }> {
  const namespaces = (await reader.listKind<NamespaceSpec>(SdKind.namespace)).filter(
    (n) => n.spec.name === namespaceName,
  );
  if (!namespaces.length) throw namespaceNotFound(namespaceName);
  for (const ns of namespaces) {
    const service = (await reader.list<ServiceSpec>(SdKind.service, ns.name)).find((s) => s.spec.name === serviceName);
    if (service) return { namespace: ns.spec, service };
  }
  throw serviceNotFound(`${serviceName} in namespace ${namespaceName}`);
}

/** Instances per service, and per namespace (every service of the service's namespace together). */
async function checkInstanceQuotas(tx: StoreTx, deps: DiscoveryDeps, service: ServiceRow): Promise<void> {
  const { instancesPerService, instancesPerNamespace } = deps.quotas;
  if ((await tx.count(SdKind.instance, service.name)) >= instancesPerService) {
    throw resourceLimitExceeded(`The quota of ${instancesPerService} instances per service is reached`);
  }
  let inNamespace = 0;
  for (const sibling of await tx.list<ServiceSpec>(SdKind.service, service.spec.namespaceId)) {
    inNamespace += await tx.count(SdKind.instance, sibling.name);
    if (inNamespace >= instancesPerNamespace)
      throw resourceLimitExceeded(`The quota of ${instancesPerNamespace} instances per namespace is reached`);
  }
}

function selectByHealth<T extends { health: HealthStatus }>(items: T[], filter: HealthStatusFilter): T[] {
  switch (filter) {
    case 'ALL':
      return items;
    case 'UNHEALTHY':
      return items.filter((i) => i.health === 'UNHEALTHY');
    case 'HEALTHY':
      return items.filter((i) => isHealthy(i.health));
    case 'HEALTHY_OR_ELSE_ALL': {
      const healthy = items.filter((i) => isHealthy(i.health));
      return healthy.length ? healthy : items;
    }
  }
}

export type InstanceOperations = Pick<
  ServicediscoveryOperations,
  | 'RegisterInstance'
  | 'DeregisterInstance'
  | 'GetInstance'
  | 'ListInstances'
  | 'DiscoverInstances'
  | 'DiscoverInstancesRevision'
  | 'UpdateInstanceCustomHealthStatus'
  | 'GetInstancesHealthStatus'
>;

export function instanceHandlers(deps: DiscoveryDeps): InstanceOperations {
  const { store, region, accountId } = deps;

  return {
    async RegisterInstance(input) {
      const creatorRequestId = input.CreatorRequestId;
      const instanceId = input.InstanceId;
      const attributes = input.Attributes;
      const operationId = await transact(deps, async (tx) => {
        const service = await requireService(deps, tx, input.ServiceId);
        const retried = await priorRequest(tx, 'RegisterInstance', creatorRequestId, input);
        if (retried) return retried;
        checkAttributes(attributes, service.spec);
        const existing = await tx.get<InstanceSpec>(SdKind.instance, service.name, instanceId);
        if (!existing) await checkInstanceQuotas(tx, deps, service);
        const spec: InstanceSpec = { attributes, createdByAccount: accountId };
        if (creatorRequestId) spec.creatorRequestId = creatorRequestId;
        // checkAttributes allows only these two values.
        const initValue = attributes[Attr.initHealth];
        const init: CustomHealth | undefined =
          initValue === 'HEALTHY' || initValue === 'UNHEALTHY' ? initValue : undefined;
        const health = existing?.spec.customHealth ?? init;
        if (health) spec.customHealth = health;
        const now = Date.now();
        if (existing) {
          await tx.put<InstanceSpec>(
            { ...existing, spec, version: existing.version + 1, updatedAt: now },
            { version: existing.version },
          );
        } else {
          await tx.put<InstanceSpec>(
            newResource({
              kind: SdKind.instance,
              scope: service.name,
              name: instanceId,
              arn: instanceRowArn(region, accountId, service.name, instanceId),
              spec,
              tags: [],
              now,
            }),
            { absent: true },
          );
        }
        await bumpRevision(tx, service);
        const opId = await recordOperation(deps, tx, 'REGISTER_INSTANCE', {
          INSTANCE: instanceId,
          SERVICE: service.name,
        });
        await rememberRequest(deps, tx, 'RegisterInstance', creatorRequestId, input, opId);
        return opId;
      });
      return { OperationId: operationId };
    },

    async DeregisterInstance(input) {
      const instanceId = input.InstanceId;
      const operationId = await transact(deps, async (tx) => {
        const service = await requireService(deps, tx, input.ServiceId);
        if (!(await tx.delete(SdKind.instance, service.name, instanceId)))
          throw instanceNotFound(instanceId, service.name);
        await bumpRevision(tx, service);
        return recordOperation(deps, tx, 'DEREGISTER_INSTANCE', { INSTANCE: instanceId, SERVICE: service.name });
      });
      return { OperationId: operationId };
    },

    async GetInstance(input) {
      const service = await requireService(deps, store, input.ServiceId);
      const row = await store.get<InstanceSpec>(SdKind.instance, service.name, input.InstanceId);
      if (!row) throw instanceNotFound(input.InstanceId, service.name);
      return {
        ResourceOwner: accountId,
        Instance: {
          Id: row.name,
          Attributes: row.spec.attributes,
          CreatedByAccount: row.spec.createdByAccount,
          ...(row.spec.creatorRequestId ? { CreatorRequestId: row.spec.creatorRequestId } : {}),
        },
      };
    },

    async ListInstances(input) {
      const service = await requireService(deps, store, input.ServiceId);
      const rows = await store.list<InstanceSpec>(SdKind.instance, service.name);
      const page = paginate(rows, (r) => r.name, input.MaxResults, input.NextToken, 100, {
        tokens: deps.pageTokens,
        context: `ListInstances ${service.name}`,
      });
      return {
        ResourceOwner: accountId,
        Instances: page.items.map((r) => ({
          Id: r.name,
          Attributes: r.spec.attributes,
          CreatedByAccount: r.spec.createdByAccount,
        })),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },

    async DiscoverInstances(input) {
      const owner = input.OwnerAccount;
      const namespaceName = input.NamespaceName;
      if (owner !== undefined && owner !== accountId) throw namespaceNotFound(namespaceName);
      const { namespace, service } = await findServiceByNames(store, namespaceName, input.ServiceName);
      const query = input.QueryParameters ?? {};
      const optional = input.OptionalParameters ?? {};
      const rows = await store.list<InstanceSpec>(SdKind.instance, service.name);
      const candidates = rows
        .filter((r) => matchesAll(r.spec.attributes, query))
        .map((r) => ({ row: r, health: healthOf(service.spec, r.spec) }));
      let selected = selectByHealth(candidates, input.HealthStatus ?? 'HEALTHY');
      const preferred = selected.filter((c) => matchesAll(c.row.spec.attributes, optional));
      if (preferred.length) selected = preferred;
      const max = input.MaxResults ?? 100;
      return {
        Instances: selected.slice(0, max).map((c) => ({
          InstanceId: c.row.name,
          NamespaceName: namespace.name,
          ServiceName: service.spec.name,
          HealthStatus: c.health,
          Attributes: c.row.spec.attributes,
        })),
        InstancesRevision: service.spec.instancesRevision,
      };
    },

    async DiscoverInstancesRevision(input) {
      const owner = input.OwnerAccount;
      if (owner !== undefined && owner !== accountId) throw namespaceNotFound(input.NamespaceName);
      const { service } = await findServiceByNames(store, input.NamespaceName, input.ServiceName);
      return { InstancesRevision: service.spec.instancesRevision };
    },

    async UpdateInstanceCustomHealthStatus(input) {
      const instanceId = input.InstanceId;
      const status = input.Status;
      await transact(deps, async (tx) => {
        const service = await requireService(deps, tx, input.ServiceId);
        const row = await tx.get<InstanceSpec>(SdKind.instance, service.name, instanceId);
        if (!row) throw instanceNotFound(instanceId, service.name);
        if (!service.spec.healthCheckCustomConfig)
          throw customHealthNotFound(`Service ${service.name} has no HealthCheckCustomConfig`);
        if ((row.spec.customHealth ?? 'HEALTHY') === status) return;
        await tx.put<InstanceSpec>(
          { ...row, spec: { ...row.spec, customHealth: status }, version: row.version + 1, updatedAt: Date.now() },
          { version: row.version },
        );
        await bumpRevision(tx, service);
      });
      return {};
    },

    async GetInstancesHealthStatus(input) {
      const service = await requireService(deps, store, input.ServiceId);
      let rows = await store.list<InstanceSpec>(SdKind.instance, service.name);
      const wanted = input.Instances;
      if (wanted?.length) {
        const byId = new Map(rows.map((r) => [r.name, r]));
        rows = [...new Set(wanted)].sort().map((id) => {
          const row = byId.get(id);
          if (!row) throw instanceNotFound(id, service.name);
          return row;
        });
      }
      const page = paginate(rows, (r) => r.name, input.MaxResults, input.NextToken, 100, {
        tokens: deps.pageTokens,
        context: `GetInstancesHealthStatus ${service.name}`,
      });
      return {
        Status: Object.fromEntries(page.items.map((r) => [r.name, healthOf(service.spec, r.spec)])),
        ...(page.nextToken ? { NextToken: page.nextToken } : {}),
      };
    },
  };
}

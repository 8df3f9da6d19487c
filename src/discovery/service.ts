// Cloud Map as a service of the edge: the generated model, the JSON 1.1 protocol and the handlers.
import { defineService } from '../api/define-service.js';
import type { AuthorizationTarget, RequestContext, ServiceDefinition } from '../api/service.js';
import { servicediscoveryModel } from '../protocols/generated/servicediscovery.js';
import type { ServicediscoveryOperations } from '../protocols/generated/servicediscovery-operations.js';
import { invalidInput } from './errors.js';
import { type ArnType, sdArn } from './ids.js';
import { instanceHandlers } from './instances.js';
import { namespaceHandlers } from './namespaces.js';
import { operationHandlers } from './operations.js';
import type { DiscoveryDeps } from './records.js';
import { serviceHandlers } from './services.js';
import { tagHandlers } from './tags.js';

/** Which request member names the resource an operation acts on. */
const RESOURCE_MEMBER: Record<string, { member: string; type: ArnType }> = {
  GetNamespace: { member: 'Id', type: 'namespace' },
  DeleteNamespace: { member: 'Id', type: 'namespace' },
  UpdateHttpNamespace: { member: 'Id', type: 'namespace' },
  UpdatePrivateDnsNamespace: { member: 'Id', type: 'namespace' },
  UpdatePublicDnsNamespace: { member: 'Id', type: 'namespace' },
  CreateService: { member: 'NamespaceId', type: 'namespace' },
  GetService: { member: 'Id', type: 'service' },
  UpdateService: { member: 'Id', type: 'service' },
  DeleteService: { member: 'Id', type: 'service' },
  RegisterInstance: { member: 'ServiceId', type: 'service' },
  DeregisterInstance: { member: 'ServiceId', type: 'service' },
  GetInstance: { member: 'ServiceId', type: 'service' },
  ListInstances: { member: 'ServiceId', type: 'service' },
  GetInstancesHealthStatus: { member: 'ServiceId', type: 'service' },
  UpdateInstanceCustomHealthStatus: { member: 'ServiceId', type: 'service' },
};

export function authorizationTarget(
  operation: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): AuthorizationTarget {
  const action = `servicediscovery:${operation}`;
  if (typeof input.ResourceARN === 'string') return { action, resource: input.ResourceARN };
  const ref = RESOURCE_MEMBER[operation];
  const value = ref ? input[ref.member] : undefined;
  if (!ref || typeof value !== 'string') return { action, resource: '*' };
  return { action, resource: value.startsWith('arn:') ? value : sdArn(ctx.region, ctx.accountId, ref.type, value) };
}

export function createDiscoveryService(deps: DiscoveryDeps): ServiceDefinition<ServicediscoveryOperations> {
  return defineService<ServicediscoveryOperations>({
    signingName: 'servicediscovery',
    model: servicediscoveryModel,
    handlers: {
      ...namespaceHandlers(deps),
      ...serviceHandlers(deps),
      ...instanceHandlers(deps),
      ...operationHandlers(deps),
      ...tagHandlers(deps),
    },
    validationError: (message) => invalidInput(message),
    authorization: authorizationTarget,
  });
}

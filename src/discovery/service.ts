// Cloud Map as a service of the edge: the generated model, the JSON 1.1 protocol and the handlers.
import type { AuthorizationTarget, RequestContext, ServiceDefinition } from '../api/service.js';
import { servicediscoveryModel } from '../protocols/generated/servicediscovery.js';
import { Json11Protocol, targetOf } from '../protocols/json11/protocol.js';
import { invalidInput } from './errors.js';
import { type ArnType, sdArn } from './ids.js';
import { instanceHandlers } from './instances.js';
import { namespaceHandlers } from './namespaces.js';
import { operationHandlers } from './operations.js';
import type { DiscoveryDeps, Input } from './records.js';
import { serviceHandlers } from './services.js';
import { tagHandlers } from './tags.js';

const TARGET_PREFIX = `${servicediscoveryModel.metadata.targetPrefix}.`;

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

export function authorizationTarget(operation: string, input: Input, ctx: RequestContext): AuthorizationTarget {
  const action = `servicediscovery:${operation}`;
  if (typeof input.ResourceARN === 'string') return { action, resource: input.ResourceARN };
  const ref = RESOURCE_MEMBER[operation];
  const value = ref ? input[ref.member] : undefined;
  if (!ref || typeof value !== 'string') return { action, resource: '*' };
  return { action, resource: value.startsWith('arn:') ? value : sdArn(ctx.region, ctx.accountId, ref.type, value) };
}

export function createDiscoveryService(deps: DiscoveryDeps): ServiceDefinition {
  return {
    signingName: 'servicediscovery',
    model: servicediscoveryModel,
    protocol: new Json11Protocol('InvalidInput'),
    handlers: {
      ...namespaceHandlers(deps),
      ...serviceHandlers(deps),
      ...instanceHandlers(deps),
      ...operationHandlers(deps),
      ...tagHandlers(deps),
    },
    validationError: (message) => invalidInput(message),
    authorization: authorizationTarget,
    recognizes: (req) => targetOf(req)?.startsWith(TARGET_PREFIX) ?? false,
  };
}

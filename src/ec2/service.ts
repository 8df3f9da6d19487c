// EC2 as a service of the edge: the generated model, the EC2 Query protocol and the
// handlers for VPCs, subnets, security groups and interface VPC endpoints.
import { defineService } from '../api/define-service.js';
import type { AuthorizationTarget, RequestContext, ServiceDefinition } from '../api/service.js';
import { ec2Model } from '../protocols/generated/ec2.js';
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import { memberWireName } from '../protocols/query/decode.js';
import { catalogHandlers } from './catalog.js';
import type { Ec2Deps } from './deps.js';
import { endpointHandlers } from './endpoints.js';
import { dryRunOperation, invalidParameterValue, missingParameter } from './errors.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { type Ec2KindName, Ec2Kind, ec2Arn } from './records.js';
import { prefixListHandlers } from './prefix-lists.js';
import { routingHandlers } from './routing.js';
import { securityGroupRuleHandlers } from './security-group-rule-handlers.js';
import { securityGroupHandlers } from './security-groups.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { vpcHandlers } from './vpcs.js';

/** Which input member names the one resource an operation acts on. */
const TARGET: Record<string, { member: string; kind: Ec2KindName }> = {
  ModifyVpcAttribute: { member: 'VpcId', kind: Ec2Kind.vpc },
  DescribeVpcAttribute: { member: 'VpcId', kind: Ec2Kind.vpc },
  DeleteVpc: { member: 'VpcId', kind: Ec2Kind.vpc },
  DeleteSubnet: { member: 'SubnetId', kind: Ec2Kind.subnet },
  AuthorizeSecurityGroupIngress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  AuthorizeSecurityGroupEgress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  RevokeSecurityGroupIngress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  RevokeSecurityGroupEgress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  DeleteSecurityGroup: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  ModifySecurityGroupRules: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  UpdateSecurityGroupRuleDescriptionsIngress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  UpdateSecurityGroupRuleDescriptionsEgress: { member: 'GroupId', kind: Ec2Kind.securityGroup },
  ModifyVpcEndpoint: { member: 'VpcEndpointId', kind: Ec2Kind.vpcEndpoint },
  DeleteVpcEndpoints: { member: 'VpcEndpointIds', kind: Ec2Kind.vpcEndpoint },
};

export function ec2AuthorizationTarget(deps: Pick<Ec2Deps, 'region' | 'accountId'>) {
  return (operation: string, input: Record<string, unknown>, _ctx: RequestContext): AuthorizationTarget => {
    const t = TARGET[operation];
    let id = t ? input[t.member] : undefined;
    if (Array.isArray(id)) id = id.length === 1 ? id[0] : undefined;
    return {
      action: `ec2:${operation}`,
      resource: t && typeof id === 'string' ? ec2Arn(deps.region, deps.accountId, t.kind, id) : '*',
    };
  };
}

export function createEc2Service(deps: Ec2Deps): ServiceDefinition<Ec2Operations> {
  const handlers: Ec2Operations = {
    ...vpcHandlers(deps),
    ...subnetHandlers(deps),
    ...securityGroupHandlers(deps),
    ...catalogHandlers(deps),
    ...endpointHandlers(deps),
    ...networkInterfaceHandlers(deps),
    ...tagHandlers(deps),
    ...securityGroupRuleHandlers(deps),
    ...prefixListHandlers(deps),
    ...routingHandlers(deps),
  };
  return defineService<Ec2Operations>({
    signingName: 'ec2',
    model: ec2Model,
    handlers,
    validationError: (message) => invalidParameterValue(message),
    authorization: ec2AuthorizationTarget(deps),
    // DryRun=true: the caller was authorized (the pipeline authorizes first), so the call would have succeeded.
    beforeHandling: (_operation, input) => {
      if (input.DryRun === true) throw dryRunOperation();
    },
    beforeValidation: (operation, input) => {
      // EC2 names a missing parameter by its wire name, with its own error code.
      const op = ec2Model.operations[operation];
      const shape = op?.input ? ec2Model.shapes[op.input] : undefined;
      for (const name of shape?.required ?? []) {
        if (input[name] === undefined) throw missingParameter(memberWireName(name, shape!.members![name]!, 'ec2'));
      }
    },
  });
}

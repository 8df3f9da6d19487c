// CreateVpc, DescribeVpcs, ModifyVpcAttribute, DescribeVpcAttribute, DeleteVpc.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { StoreReader, StoredResource } from '../store/types.js';
import { formatCidr, parseCidr } from './cidr.js';
import type { Ec2Deps } from './deps.js';
import {
  dependencyViolation,
  ec2Error,
  invalidParameterValue,
  limitExceeded,
  missingParameter,
  vpcNotFound,
} from './errors.js';
import { newId } from './ids.js';
import { checkFilterNames, matchesFilters, paginate, wireTags } from './listing.js';
import { type Ec2KindName, Ec2Kind, type SecurityGroupSpec, type VpcSpec, VPC_SCOPE, vpcScope } from './records.js';
import { createRow, describedRows, findById, newRow, tagsFromSpecifications, transact, updateRow } from './rows.js';
import { defaultEgress } from './security-group-rules.js';
import type * as E from '../protocols/generated/ec2-types.js';

export function toWireVpc(row: StoredResource<VpcSpec>, deps: Ec2Deps): E.Vpc {
  const v = row.spec;
  return {
    VpcId: v.vpcId,
    State: 'available',
    CidrBlock: v.cidrBlock,
    DhcpOptionsId: 'default',
    InstanceTenancy: v.instanceTenancy,
    IsDefault: false,
    OwnerId: deps.accountId,
    CidrBlockAssociationSet: [
      { AssociationId: v.cidrAssociationId, CidrBlock: v.cidrBlock, CidrBlockState: { State: 'associated' } },
    ],
    Ipv6CidrBlockAssociationSet: [],
    Tags: wireTags(row.tags),
  };
}

export async function requireVpc(
  deps: Ec2Deps,
  id: string | undefined,
  reader: StoreReader = deps.store,
): Promise<StoredResource<VpcSpec>> {
  if (!id) throw missingParameter('VpcId');
  const row = await findById<VpcSpec>(reader, deps, Ec2Kind.vpc, id);
  if (!row) throw vpcNotFound(id);
  return row;
}

const DNS_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames'] as const;

export function vpcHandlers(
  deps: Ec2Deps,
): Pick<Ec2Operations, 'CreateVpc' | 'DeleteVpc' | 'DescribeVpcAttribute' | 'DescribeVpcs' | 'ModifyVpcAttribute'> {
  return {
    async CreateVpc(input) {
      if (!input.CidrBlock) throw missingParameter('CidrBlock');
      const cidr = parseCidr(input.CidrBlock);
      if (!cidr)
        throw invalidParameterValue(
          `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      if (cidr.prefix < 16 || cidr.prefix > 28)
        throw ec2Error('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
      const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc');
      const vpcId = newId('vpc');
      const groupId = newId('sg');
      const spec: VpcSpec = {
        vpcId,
        cidrBlock: formatCidr(cidr),
        enableDnsSupport: true,
        enableDnsHostnames: false,
        defaultSecurityGroupId: groupId,
        instanceTenancy: input.InstanceTenancy ?? 'default',
        cidrAssociationId: newId('vpc-cidr-assoc'),
      };
      // The default group: all traffic in from its own members, all traffic out.
      const group: SecurityGroupSpec = {
        groupId,
        groupName: 'default',
        description: 'default VPC security group',
        vpcId,
        ingress: [{ ruleId: newId('sgr'), ipProtocol: '-1', fromPort: -1, toPort: -1, referencedGroupId: groupId }],
        egress: defaultEgress(),
      };
      const row = await transact(deps, async (tx) => {
        if ((await tx.count(Ec2Kind.vpc, VPC_SCOPE)) >= deps.quotas.vpcsPerRegion)
          throw limitExceeded('VpcLimitExceeded', 'VPCs', deps.quotas.vpcsPerRegion);
        const created = await createRow(tx, newRow(deps, Ec2Kind.vpc, VPC_SCOPE, vpcId, spec, 'available', tags));
        await createRow(tx, newRow(deps, Ec2Kind.securityGroup, vpcScope(vpcId), groupId, group, 'available'));
        return created;
      });
      return { Vpc: toWireVpc(row, deps) };
    },

    async DescribeVpcs(input) {
      checkFilterNames(input.Filters, [
        'vpc-id',
        'cidr',
        'cidr-block-association.cidr-block',
        'state',
        'is-default',
        'owner-id',
        'dhcp-options-id',
      ]);
      const rows = await describedRows<VpcSpec>(deps, Ec2Kind.vpc, input.VpcIds, vpcNotFound);
      const selected = rows.filter(
        (r) =>
          (!input.VpcIds?.length || input.VpcIds.includes(r.name)) &&
          matchesFilters(
            input.Filters,
            {
              'vpc-id': r.spec.vpcId,
              cidr: r.spec.cidrBlock,
              'cidr-block-association.cidr-block': r.spec.cidrBlock,
              state: 'available',
              'is-default': 'false',
              'owner-id': deps.accountId,
              'dhcp-options-id': 'default',
            },
            r.tags,
          ),
      );
      const page = paginate(selected, (r) => r.name, input, deps.pageTokens, 'DescribeVpcs');
      return { Vpcs: page.items.map((r) => toWireVpc(r, deps)), NextToken: page.nextToken };
    },

    async ModifyVpcAttribute(input) {
      const given = (['EnableDnsSupport', 'EnableDnsHostnames', 'EnableNetworkAddressUsageMetrics'] as const).filter(
        (k) => input[k] !== undefined,
      );
      if (given.length !== 1) {
        throw ec2Error(
          'InvalidParameterCombination',
          'Exactly one of EnableDnsSupport, EnableDnsHostnames and EnableNetworkAddressUsageMetrics must be specified',
        );
      }
      const which = given[0]!;
      const value = input[which]?.Value;
      if (value === undefined) throw missingParameter(`${which}.Value`);
      if (which === 'EnableNetworkAddressUsageMetrics') {
        if (value) throw invalidParameterValue('enableNetworkAddressUsageMetrics is not supported by this deployment');
        return {};
      }
      await transact(deps, async (tx) => {
        const row = await requireVpc(deps, input.VpcId, tx);
        const spec = { ...row.spec };
        if (which === 'EnableDnsSupport') spec.enableDnsSupport = value;
        else spec.enableDnsHostnames = value;
        if (spec.enableDnsHostnames && !spec.enableDnsSupport) {
          throw ec2Error(
            'InvalidParameterCombination',
            'enableDnsHostnames cannot be true while enableDnsSupport is false',
          );
        }
        await updateRow(tx, row, { spec });
      });
      return {};
    },

    async DescribeVpcAttribute(input) {
      const row = await requireVpc(deps, input.VpcId);
      const attr = input.Attribute;
      if (attr === 'enableNetworkAddressUsageMetrics')
        return { VpcId: row.name, EnableNetworkAddressUsageMetrics: { Value: false } };
      if (!DNS_ATTRIBUTES.some((a) => a === attr)) throw missingParameter('Attribute');
      return attr === 'enableDnsSupport'
        ? { VpcId: row.name, EnableDnsSupport: { Value: row.spec.enableDnsSupport } }
        : { VpcId: row.name, EnableDnsHostnames: { Value: row.spec.enableDnsHostnames } };
    },

    async DeleteVpc(input) {
      await transact(deps, async (tx) => {
        const row = await requireVpc(deps, input.VpcId, tx);
        const scope = vpcScope(row.name);
        const dependents: Ec2KindName[] = [Ec2Kind.subnet, Ec2Kind.vpcEndpoint, Ec2Kind.networkInterface];
        for (const kind of dependents) {
          if (await tx.count(kind, scope))
            throw dependencyViolation(`The vpc '${row.name}' has dependencies and cannot be deleted.`);
        }
        const groups = await tx.list<SecurityGroupSpec>(Ec2Kind.securityGroup, scope);
        if (groups.some((g) => g.name !== row.spec.defaultSecurityGroupId)) {
          throw dependencyViolation(`The vpc '${row.name}' has dependencies and cannot be deleted.`);
        }
        for (const g of groups) await tx.delete(Ec2Kind.securityGroup, scope, g.name);
        await tx.delete(Ec2Kind.vpc, VPC_SCOPE, row.name);
      });
      return {};
    },
  };
}

// CreateSecurityGroup, Authorize/Revoke ingress and egress, DescribeSecurityGroups, DeleteSecurityGroup.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { StoreReader, StoreTx, StoredResource } from '../store/types.js';
import { requirePrefixList } from './prefix-lists.js';
import type { Ec2Deps } from './deps.js';
import {
  dependencyViolation,
  ec2Error,
  groupNotFound,
  invalidParameterValue,
  limitExceeded,
  missingParameter,
} from './errors.js';
import { newId } from './ids.js';
import { checkFilterNames, matchesFilters, paginate, wireTags } from './listing.js';
import {
  Ec2Kind,
  type NetworkInterfaceSpec,
  type SecurityGroupRule,
  type SecurityGroupSpec,
  type VpcEndpointSpec,
  vpcScope,
} from './records.js';
import {
  createRow,
  describedRows,
  findById,
  newRow,
  tagsFromSpecifications,
  transact,
  updateRow,
  type TagSpecificationInput,
} from './rows.js';
import {
  type FlatPermissionInput,
  defaultEgress,
  describeRule,
  rulesFromRequest,
  sameRule,
  toIpPermissions,
  toWireRule,
} from './security-group-rules.js';
import { requireVpc } from './vpcs.js';
import type * as E from '../protocols/generated/ec2-types.js';

export async function requireGroup(
  deps: Ec2Deps,
  id: string,
  reader: StoreReader = deps.store,
): Promise<StoredResource<SecurityGroupSpec>> {
  const row = await findById<SecurityGroupSpec>(reader, deps, Ec2Kind.securityGroup, id);
  if (!row) throw groupNotFound(id);
  return row;
}

function toWireGroup(row: StoredResource<SecurityGroupSpec>, deps: Ec2Deps): E.SecurityGroup {
  const g = row.spec;
  return {
    GroupId: g.groupId,
    GroupName: g.groupName,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: deps.accountId,
    IpPermissions: toIpPermissions(g.ingress, deps.accountId),
    IpPermissionsEgress: toIpPermissions(g.egress, deps.accountId),
    Tags: wireTags(row.tags),
    SecurityGroupArn: row.arn,
  };
}

type Direction = 'ingress' | 'egress';

interface RuleRequest extends FlatPermissionInput {
  GroupId?: string;
  GroupName?: string;
  SecurityGroupRuleIds?: string[];
  TagSpecifications?: TagSpecificationInput[];
}

/**
 * Resolves group references (by id or, within the VPC, by name) to ids of groups of the
 * same VPC, and checks that named prefix lists exist.
 */
export async function resolvePeers(
  tx: StoreReader,
  deps: Ec2Deps,
  group: SecurityGroupSpec,
  rules: SecurityGroupRule[],
): Promise<SecurityGroupRule[]> {
  const siblings = await tx.list<SecurityGroupSpec>(Ec2Kind.securityGroup, vpcScope(group.vpcId));
  return rules.map((r) => {
    if (r.prefixListId) requirePrefixList(deps.region, r.prefixListId);
    if (!r.referencedGroupId) return r;
    const ref = r.referencedGroupId;
    const found = siblings.find((s) => s.name === ref || s.spec.groupName === ref);
    if (!found) throw groupNotFound(ref);
    return { ...r, referencedGroupId: found.name };
  });
}

export function securityGroupHandlers(
  deps: Ec2Deps,
): Pick<
  Ec2Operations,
  | 'AuthorizeSecurityGroupEgress'
  | 'AuthorizeSecurityGroupIngress'
  | 'CreateSecurityGroup'
  | 'DeleteSecurityGroup'
  | 'DescribeSecurityGroups'
  | 'RevokeSecurityGroupEgress'
  | 'RevokeSecurityGroupIngress'
> {
  async function groupOf(tx: StoreTx, input: RuleRequest): Promise<StoredResource<SecurityGroupSpec>> {
    if (input.GroupId) return requireGroup(deps, input.GroupId, tx);
    if (input.GroupName) {
      throw ec2Error('InvalidGroup.NotFound', `The security group '${input.GroupName}' does not exist in default VPC`);
    }
    throw missingParameter('GroupId');
  }

  function authorize(direction: Direction) {
    return async (input: RuleRequest) => {
      const added = await transact(deps, async (tx) => {
        const row = await groupOf(tx, input);
        const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group-rule');
        const rules = await resolvePeers(tx, deps, row.spec, rulesFromRequest(input, tags));
        const existing = row.spec[direction];
        for (const [i, r] of rules.entries()) {
          if (existing.some((e) => sameRule(e, r)) || rules.slice(0, i).some((e) => sameRule(e, r))) {
            throw ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);
          }
        }
        const limit =
          direction === 'ingress'
            ? deps.quotas.inboundRulesPerSecurityGroup
            : deps.quotas.outboundRulesPerSecurityGroup;
        if (existing.length + rules.length > limit) {
          throw limitExceeded(
            'RulesPerSecurityGroupLimitExceeded',
            `${direction === 'ingress' ? 'inbound' : 'outbound'} rules per security group`,
            limit,
          );
        }
        await updateRow(tx, row, { spec: { ...row.spec, [direction]: [...existing, ...rules] } });
        return { groupId: row.name, rules };
      });
      return {
        Return: true,
        SecurityGroupRules: added.rules.map((r) => toWireRule(r, added.groupId, direction === 'egress', deps)),
      };
    };
  }

  function revoke(direction: Direction) {
    return async (input: RuleRequest) => {
      const removed = await transact(deps, async (tx) => {
        const row = await groupOf(tx, input);
        const existing = row.spec[direction];
        let gone: SecurityGroupRule[];
        if (input.SecurityGroupRuleIds?.length) {
          for (const id of input.SecurityGroupRuleIds) {
            if (!existing.some((r) => r.ruleId === id))
              throw ec2Error(
                'InvalidSecurityGroupRuleId.NotFound',
                `The security group rule ID '${id}' does not exist`,
              );
          }
          gone = existing.filter((r) => input.SecurityGroupRuleIds!.includes(r.ruleId));
        } else {
          const wanted = await resolvePeers(tx, deps, row.spec, rulesFromRequest(input));
          gone = existing.filter((e) => wanted.some((w) => sameRule(e, w)));
          if (gone.length < wanted.length) {
            throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
          }
        }
        await updateRow(tx, row, { spec: { ...row.spec, [direction]: existing.filter((r) => !gone.includes(r)) } });
        return { groupId: row.name, gone };
      });
      return {
        Return: true,
        RevokedSecurityGroupRules: removed.gone.map((r) => {
          const {
            ReferencedGroupInfo: _info,
            Tags: _tags,
            GroupOwnerId: _owner,
            ...rest
          } = toWireRule(r, removed.groupId, direction === 'egress', deps);
          return { ...rest, ...(r.referencedGroupId ? { ReferencedGroupId: r.referencedGroupId } : {}) };
        }),
      };
    };
  }

  return {
    async CreateSecurityGroup(input) {
      if (!input.GroupName) throw missingParameter('GroupName');
      if (input.Description === undefined) throw missingParameter('GroupDescription');
      if (!input.VpcId) throw ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
      if (input.GroupName === 'default')
        throw invalidParameterValue('Cannot use reserved security group name: default');
      if (input.GroupName.startsWith('sg-')) throw invalidParameterValue(`Group names may not be in the format sg-*.`);
      if (input.GroupName.length > 255 || input.Description.length > 255) {
        throw invalidParameterValue('Group name and description are limited to 255 characters');
      }
      const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group');
      const groupId = newId('sg');
      const name = input.GroupName;
      const description = input.Description;
      const row = await transact(deps, async (tx) => {
        const vpc = await requireVpc(deps, input.VpcId, tx);
        if ((await tx.count(Ec2Kind.securityGroup)) >= deps.quotas.securityGroupsPerRegion) {
          throw limitExceeded('SecurityGroupLimitExceeded', 'security groups', deps.quotas.securityGroupsPerRegion);
        }
        const siblings = await tx.list<SecurityGroupSpec>(Ec2Kind.securityGroup, vpcScope(vpc.name));
        if (siblings.some((s) => s.spec.groupName === name)) {
          throw ec2Error('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpc.name}'`);
        }
        const spec: SecurityGroupSpec = {
          groupId,
          groupName: name,
          description,
          vpcId: vpc.name,
          ingress: [],
          egress: defaultEgress(),
        };
        return createRow(tx, newRow(deps, Ec2Kind.securityGroup, vpcScope(vpc.name), groupId, spec, 'available', tags));
      });
      return { GroupId: row.name, Tags: wireTags(row.tags), SecurityGroupArn: row.arn };
    },

    AuthorizeSecurityGroupIngress: authorize('ingress'),
    AuthorizeSecurityGroupEgress: authorize('egress'),
    RevokeSecurityGroupIngress: revoke('ingress'),
    RevokeSecurityGroupEgress: revoke('egress'),

    async DescribeSecurityGroups(input) {
      checkFilterNames(input.Filters, [
        'group-id',
        'group-name',
        'vpc-id',
        'description',
        'owner-id',
        'ip-permission.cidr',
        'ip-permission.group-id',
        'ip-permission.from-port',
        'ip-permission.to-port',
        'ip-permission.protocol',
        'ip-permission.ipv6-cidr',
        'ip-permission.prefix-list-id',
        'egress.ip-permission.cidr',
        'egress.ip-permission.ipv6-cidr',
        'egress.ip-permission.prefix-list-id',
      ]);
      const rows = await describedRows<SecurityGroupSpec>(deps, Ec2Kind.securityGroup, input.GroupIds, groupNotFound);
      for (const n of input.GroupNames ?? []) if (!rows.some((r) => r.spec.groupName === n)) throw groupNotFound(n);
      const selected = rows.filter(
        (r) =>
          (!input.GroupIds?.length || input.GroupIds.includes(r.name)) &&
          (!input.GroupNames?.length || input.GroupNames.includes(r.spec.groupName)) &&
          matchesFilters(
            input.Filters,
            {
              'group-id': r.name,
              'group-name': r.spec.groupName,
              'vpc-id': r.spec.vpcId,
              description: r.spec.description,
              'owner-id': deps.accountId,
              'ip-permission.cidr': r.spec.ingress.flatMap((x) => x.cidrIpv4 ?? []),
              'ip-permission.group-id': r.spec.ingress.flatMap((x) => x.referencedGroupId ?? []),
              'ip-permission.from-port': r.spec.ingress.map((x) => String(x.fromPort)),
              'ip-permission.to-port': r.spec.ingress.map((x) => String(x.toPort)),
              'ip-permission.protocol': r.spec.ingress.map((x) => x.ipProtocol),
              'ip-permission.ipv6-cidr': r.spec.ingress.flatMap((x) => x.cidrIpv6 ?? []),
              'ip-permission.prefix-list-id': r.spec.ingress.flatMap((x) => x.prefixListId ?? []),
              'egress.ip-permission.cidr': r.spec.egress.flatMap((x) => x.cidrIpv4 ?? []),
              'egress.ip-permission.ipv6-cidr': r.spec.egress.flatMap((x) => x.cidrIpv6 ?? []),
              'egress.ip-permission.prefix-list-id': r.spec.egress.flatMap((x) => x.prefixListId ?? []),
            },
            r.tags,
          ),
      );
      const page = paginate(selected, (r) => r.name, input, deps.pageTokens, 'DescribeSecurityGroups');
      return { SecurityGroups: page.items.map((r) => toWireGroup(r, deps)), NextToken: page.nextToken };
    },

    async DeleteSecurityGroup(input) {
      if (!input.GroupId) {
        if (input.GroupName)
          throw ec2Error(
            'InvalidGroup.NotFound',
            `The security group '${input.GroupName}' does not exist in default VPC`,
          );
        throw missingParameter('GroupId');
      }
      const id = input.GroupId;
      await transact(deps, async (tx) => {
        const row = await requireGroup(deps, id, tx);
        if (row.spec.groupName === 'default') {
          throw ec2Error('CannotDelete', `the specified group: "${id}" name: "default" cannot be deleted by a user`);
        }
        const scope = row.scope;
        const enis = await tx.list<NetworkInterfaceSpec>(Ec2Kind.networkInterface, scope);
        const endpoints = await tx.list<VpcEndpointSpec>(Ec2Kind.vpcEndpoint, scope);
        const groups = await tx.list<SecurityGroupSpec>(Ec2Kind.securityGroup, scope);
        const referenced = groups.some(
          (g) => g.name !== id && [...g.spec.ingress, ...g.spec.egress].some((r) => r.referencedGroupId === id),
        );
        if (
          enis.some((e) => e.spec.groups.includes(id)) ||
          endpoints.some((e) => e.spec.securityGroupIds.includes(id)) ||
          referenced
        ) {
          throw dependencyViolation(`resource ${id} has a dependent object`);
        }
        await tx.delete(Ec2Kind.securityGroup, scope, id);
      });
      return { Return: true, GroupId: id };
    },
  };
}

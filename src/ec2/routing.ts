// The main route table and the default network ACL every VPC has (DescribeRouteTables,
// DescribeNetworkAcls). appmeshd routes nothing between subnets, so each VPC has exactly
// these two: a route table with the one local route, and an ACL allowing all traffic,
// associated with every subnet. Their ids are derived from the VPC's (and the ACL
// associations' from the subnet's), so they need no rows of their own.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type * as E from '../protocols/generated/ec2-types.js';
import type { StoredResource } from '../store/types.js';
import type { Ec2Deps } from './deps.js';
import { ec2Error } from './errors.js';
import { checkFilterNames, matchesFilters, paginate } from './listing.js';
import { Ec2Kind, type SubnetSpec, type VpcSpec, vpcScope } from './records.js';

const suffix = (id: string) => id.slice(id.indexOf('-') + 1);

export const mainRouteTableId = (vpcId: string) => `rtb-${suffix(vpcId)}`;
export const defaultNetworkAclId = (vpcId: string) => `acl-${suffix(vpcId)}`;

interface VpcNetwork {
  vpc: StoredResource<VpcSpec>;
  subnets: readonly StoredResource<SubnetSpec>[];
}

function allowAll(egress: boolean, ruleNumber: number, action: E.RuleAction): E.NetworkAclEntry {
  return { CidrBlock: '0.0.0.0/0', Egress: egress, Protocol: '-1', RuleAction: action, RuleNumber: ruleNumber };
}

export function routingHandlers(deps: Ec2Deps): Pick<Ec2Operations, 'DescribeNetworkAcls' | 'DescribeRouteTables'> {
  async function networks(): Promise<VpcNetwork[]> {
    const vpcs = await deps.store.listKind<VpcSpec>(Ec2Kind.vpc);
    return Promise.all(
      vpcs.map(async (vpc) => ({
        vpc,
        subnets: await deps.store.list<SubnetSpec>(Ec2Kind.subnet, vpcScope(vpc.name)),
      })),
    );
  }

  function requireIds(wanted: string[] | undefined, present: string[], code: string, what: string): void {
    for (const id of wanted ?? [])
      if (!present.includes(id)) throw ec2Error(code, `The ${what} ID '${id}' does not exist`);
  }

  return {
    async DescribeRouteTables(input) {
      checkFilterNames(input.Filters, [
        'vpc-id',
        'route-table-id',
        'association.main',
        'association.route-table-association-id',
        'association.route-table-id',
        'association.subnet-id',
        'owner-id',
        'route.destination-cidr-block',
        'route.gateway-id',
        'route.state',
      ]);
      const tables = (await networks()).map(({ vpc }) => {
        const id = mainRouteTableId(vpc.name);
        return {
          id,
          fields: {
            'vpc-id': vpc.name,
            'route-table-id': id,
            'association.main': 'true',
            'association.route-table-association-id': `rtbassoc-${suffix(vpc.name)}`,
            'association.route-table-id': id,
            'owner-id': deps.accountId,
            'route.destination-cidr-block': vpc.spec.cidrBlock,
            'route.gateway-id': 'local',
            'route.state': 'active',
          },
          wire: {
            RouteTableId: id,
            VpcId: vpc.name,
            OwnerId: deps.accountId,
            PropagatingVgws: [],
            Tags: [],
            Associations: [
              {
                Main: true,
                RouteTableAssociationId: `rtbassoc-${suffix(vpc.name)}`,
                RouteTableId: id,
                AssociationState: { State: 'associated' },
              },
            ],
            Routes: [
              {
                DestinationCidrBlock: vpc.spec.cidrBlock,
                GatewayId: 'local',
                Origin: 'CreateRouteTable',
                State: 'active',
              },
            ],
          } satisfies E.RouteTable,
        };
      });
      requireIds(
        input.RouteTableIds,
        tables.map((t) => t.id),
        'InvalidRouteTableID.NotFound',
        'route table',
      );
      const selected = tables.filter(
        (t) =>
          (!input.RouteTableIds?.length || input.RouteTableIds.includes(t.id)) &&
          matchesFilters(input.Filters, t.fields, []),
      );
      const page = paginate(selected, (t) => t.id, input, deps.pageTokens, 'DescribeRouteTables');
      return { RouteTables: page.items.map((t) => t.wire), NextToken: page.nextToken };
    },

    async DescribeNetworkAcls(input) {
      checkFilterNames(input.Filters, [
        'vpc-id',
        'network-acl-id',
        'default',
        'association.subnet-id',
        'association.network-acl-id',
        'association.association-id',
        'owner-id',
      ]);
      const acls = (await networks()).map(({ vpc, subnets }) => {
        const id = defaultNetworkAclId(vpc.name);
        const associations = subnets.map((s) => ({
          NetworkAclAssociationId: `aclassoc-${suffix(s.name)}`,
          NetworkAclId: id,
          SubnetId: s.name,
        }));
        return {
          id,
          fields: {
            'vpc-id': vpc.name,
            'network-acl-id': id,
            default: 'true',
            'owner-id': deps.accountId,
            'association.subnet-id': associations.map((a) => a.SubnetId),
            'association.network-acl-id': associations.map(() => id),
            'association.association-id': associations.map((a) => a.NetworkAclAssociationId),
          },
          wire: {
            NetworkAclId: id,
            VpcId: vpc.name,
            OwnerId: deps.accountId,
            IsDefault: true,
            Tags: [],
            Associations: associations,
            Entries: [
              allowAll(true, 100, 'allow'),
              allowAll(true, 32767, 'deny'),
              allowAll(false, 100, 'allow'),
              allowAll(false, 32767, 'deny'),
            ],
          } satisfies E.NetworkAcl,
        };
      });
      requireIds(
        input.NetworkAclIds,
        acls.map((a) => a.id),
        'InvalidNetworkAclID.NotFound',
        'network ACL',
      );
      const selected = acls.filter(
        (a) =>
          (!input.NetworkAclIds?.length || input.NetworkAclIds.includes(a.id)) &&
          matchesFilters(input.Filters, a.fields, []),
      );
      const page = paginate(selected, (a) => a.id, input, deps.pageTokens, 'DescribeNetworkAcls');
      return { NetworkAcls: page.items.map((a) => a.wire), NextToken: page.nextToken };
    },
  };
}

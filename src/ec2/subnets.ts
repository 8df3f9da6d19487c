// CreateSubnet, DescribeSubnets, DeleteSubnet.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { StoreReader, StoredResource } from '../store/types.js';
import { cidrInside, cidrSize, cidrsOverlap, formatCidr, parseCidr } from './cidr.js';
import type { Ec2Deps } from './deps.js';
import {
  dependencyViolation,
  ec2Error,
  invalidParameterValue,
  limitExceeded,
  missingParameter,
  subnetNotFound,
} from './errors.js';
import { newId } from './ids.js';
import { checkFilterNames, matchesFilters, paginate, wireTags } from './listing.js';
import { Ec2Kind, type NetworkInterfaceSpec, type SubnetSpec, vpcScope } from './records.js';
import { createRow, describedRows, findById, newRow, tagsFromSpecifications, transact } from './rows.js';
import { requireVpc } from './vpcs.js';
import { zoneId } from './zones.js';
import type * as E from '../protocols/generated/ec2-types.js';

export async function requireSubnet(
  deps: Ec2Deps,
  id: string,
  reader: StoreReader = deps.store,
): Promise<StoredResource<SubnetSpec>> {
  const row = await findById<SubnetSpec>(reader, deps, Ec2Kind.subnet, id);
  if (!row) throw subnetNotFound(id);
  return row;
}

function toWireSubnet(row: StoredResource<SubnetSpec>, deps: Ec2Deps, interfaces: number): E.Subnet {
  const s = row.spec;
  const cidr = parseCidr(s.cidrBlock)!;
  return {
    SubnetId: s.subnetId,
    VpcId: s.vpcId,
    State: 'available',
    AvailabilityZone: s.availabilityZone,
    AvailabilityZoneId: s.availabilityZoneId,
    CidrBlock: s.cidrBlock,
    AvailableIpAddressCount: cidrSize(cidr) - 5 - interfaces,
    DefaultForAz: false,
    MapPublicIpOnLaunch: false,
    MapCustomerOwnedIpOnLaunch: false,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    Ipv6Native: false,
    EnableDns64: false,
    OwnerId: deps.accountId,
    SubnetArn: row.arn,
    Tags: wireTags(row.tags),
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
  };
}

export function subnetHandlers(
  deps: Ec2Deps,
): Pick<Ec2Operations, 'CreateSubnet' | 'DeleteSubnet' | 'DescribeSubnets'> {
  async function interfaceCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const eni of await deps.store.listKind<NetworkInterfaceSpec>(Ec2Kind.networkInterface)) {
      counts.set(eni.spec.subnetId, (counts.get(eni.spec.subnetId) ?? 0) + 1);
    }
    return counts;
  }

  return {
    async CreateSubnet(input) {
      if (!input.CidrBlock) throw missingParameter('CidrBlock');
      const cidr = parseCidr(input.CidrBlock);
      if (!cidr)
        throw invalidParameterValue(
          `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
        );
      let zone = input.AvailabilityZone;
      if (zone === undefined && input.AvailabilityZoneId !== undefined) {
        zone = deps.zones.find((z) => zoneId(deps.region, z) === input.AvailabilityZoneId);
        if (!zone)
          throw invalidParameterValue(
            `Value (${input.AvailabilityZoneId}) for parameter availabilityZoneId is invalid.`,
          );
      }
      zone ??= deps.zones[0]!;
      if (!deps.zones.includes(zone)) {
        throw invalidParameterValue(
          `Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${deps.zones.join(', ')}.`,
        );
      }
      const tags = tagsFromSpecifications(input.TagSpecifications, 'subnet');
      const subnetId = newId('subnet');
      const row = await transact(deps, async (tx) => {
        const vpc = await requireVpc(deps, input.VpcId, tx);
        const vpcCidr = parseCidr(vpc.spec.cidrBlock)!;
        if (cidr.prefix < 16 || cidr.prefix > 28 || !cidrInside(cidr, vpcCidr)) {
          throw ec2Error('InvalidSubnet.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
        }
        if ((await tx.count(Ec2Kind.subnet, vpcScope(vpc.name))) >= deps.quotas.subnetsPerVpc) {
          throw limitExceeded('SubnetLimitExceeded', 'subnets', deps.quotas.subnetsPerVpc);
        }
        const siblings = await tx.list<SubnetSpec>(Ec2Kind.subnet, vpcScope(vpc.name));
        if (siblings.some((s) => cidrsOverlap(parseCidr(s.spec.cidrBlock)!, cidr))) {
          throw ec2Error('InvalidSubnet.Conflict', `The CIDR '${input.CidrBlock}' conflicts with another subnet`);
        }
        const spec: SubnetSpec = {
          subnetId,
          vpcId: vpc.name,
          availabilityZone: zone,
          availabilityZoneId: zoneId(deps.region, zone),
          cidrBlock: formatCidr(cidr),
        };
        return createRow(tx, newRow(deps, Ec2Kind.subnet, vpcScope(vpc.name), subnetId, spec, 'available', tags));
      });
      return { Subnet: toWireSubnet(row, deps, 0) };
    },

    async DescribeSubnets(input) {
      checkFilterNames(input.Filters, [
        'subnet-id',
        'vpc-id',
        'availability-zone',
        'availability-zone-id',
        'cidr-block',
        'cidr',
        'cidrBlock',
        'state',
        'owner-id',
        'default-for-az',
        'subnet-arn',
      ]);
      const rows = await describedRows<SubnetSpec>(deps, Ec2Kind.subnet, input.SubnetIds, subnetNotFound);
      const selected = rows.filter(
        (r) =>
          (!input.SubnetIds?.length || input.SubnetIds.includes(r.name)) &&
          matchesFilters(
            input.Filters,
            {
              'subnet-id': r.name,
              'vpc-id': r.spec.vpcId,
              'availability-zone': r.spec.availabilityZone,
              'availability-zone-id': r.spec.availabilityZoneId,
              'cidr-block': r.spec.cidrBlock,
              cidr: r.spec.cidrBlock,
              cidrBlock: r.spec.cidrBlock,
              state: 'available',
              'owner-id': deps.accountId,
              'default-for-az': 'false',
              'subnet-arn': r.arn,
            },
            r.tags,
          ),
      );
      const page = paginate(selected, (r) => r.name, input, deps.pageTokens, 'DescribeSubnets');
      const counts = await interfaceCounts();
      return {
        Subnets: page.items.map((r) => toWireSubnet(r, deps, counts.get(r.name) ?? 0)),
        NextToken: page.nextToken,
      };
    },

    async DeleteSubnet(input) {
      if (!input.SubnetId) throw missingParameter('SubnetId');
      const id = input.SubnetId;
      await transact(deps, async (tx) => {
        const row = await requireSubnet(deps, id, tx);
        const enis = await tx.list<NetworkInterfaceSpec>(Ec2Kind.networkInterface, row.scope);
        if (enis.some((e) => e.spec.subnetId === id))
          throw dependencyViolation(`The subnet '${id}' has dependencies and cannot be deleted.`);
        await tx.delete(Ec2Kind.subnet, row.scope, id);
      });
      return {};
    },
  };
}

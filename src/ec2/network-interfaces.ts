// DescribeNetworkInterfaces: the requester-managed interfaces of interface endpoints.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { Ec2Deps } from './deps.js';
import { ec2Error, networkInterfaceNotFound } from './errors.js';
import { checkFilterNames, matchesFilters, paginate, wireTags } from './listing.js';
import { Ec2Kind, type NetworkInterfaceSpec, type SecurityGroupSpec } from './records.js';
import { describedRows } from './rows.js';
import { zoneId } from './zones.js';

/** The account AWS shows as the requester of endpoint interfaces is AWS's, not the caller's. */
const ENDPOINT_REQUESTER_ID = '727180483921';

export function networkInterfaceHandlers(deps: Ec2Deps): Pick<Ec2Operations, 'DescribeNetworkInterfaces'> {
  return {
    async DescribeNetworkInterfaces(input) {
      if (input.NetworkInterfaceIds?.length && input.MaxResults !== undefined) {
        throw ec2Error(
          'InvalidParameterCombination',
          'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults',
        );
      }
      checkFilterNames(input.Filters, [
        'network-interface-id',
        'vpc-id',
        'subnet-id',
        'availability-zone',
        'interface-type',
        'requester-managed',
        'requester-id',
        'description',
        'private-ip-address',
        'addresses.private-ip-address',
        'group-id',
        'group-name',
        'status',
        'owner-id',
        'mac-address',
      ]);
      const rows = await describedRows<NetworkInterfaceSpec>(
        deps,
        Ec2Kind.networkInterface,
        input.NetworkInterfaceIds,
        networkInterfaceNotFound,
      );
      const groups = new Map(
        (await deps.store.listKind<SecurityGroupSpec>(Ec2Kind.securityGroup)).map((g) => [g.name, g.spec.groupName]),
      );
      const selected = rows.filter(
        (r) =>
          (!input.NetworkInterfaceIds?.length || input.NetworkInterfaceIds.includes(r.name)) &&
          matchesFilters(
            input.Filters,
            {
              'network-interface-id': r.name,
              'vpc-id': r.spec.vpcId,
              'subnet-id': r.spec.subnetId,
              'availability-zone': r.spec.availabilityZone,
              'interface-type': r.spec.interfaceType,
              'requester-managed': 'true',
              'requester-id': ENDPOINT_REQUESTER_ID,
              description: r.spec.description,
              'private-ip-address': r.spec.privateIpAddress,
              'addresses.private-ip-address': r.spec.privateIpAddress,
              'group-id': r.spec.groups,
              'group-name': r.spec.groups.map((g) => groups.get(g) ?? g),
              status: 'in-use',
              'owner-id': deps.accountId,
              'mac-address': r.spec.macAddress,
            },
            r.tags,
          ),
      );
      const page = paginate(selected, (r) => r.name, input, deps.pageTokens, 'DescribeNetworkInterfaces');
      return {
        NetworkInterfaces: page.items.map((r) => {
          const n = r.spec;
          return {
            NetworkInterfaceId: n.networkInterfaceId,
            SubnetId: n.subnetId,
            VpcId: n.vpcId,
            AvailabilityZone: n.availabilityZone,
            AvailabilityZoneId: zoneId(deps.region, n.availabilityZone),
            Description: n.description,
            Groups: n.groups.map((g) => ({ GroupId: g, GroupName: groups.get(g) ?? g })),
            InterfaceType: n.interfaceType,
            Ipv6Addresses: [],
            MacAddress: n.macAddress,
            OwnerId: deps.accountId,
            PrivateIpAddress: n.privateIpAddress,
            PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: n.privateIpAddress }],
            RequesterId: ENDPOINT_REQUESTER_ID,
            RequesterManaged: n.requesterManaged,
            SourceDestCheck: true,
            Status: 'in-use',
            TagSet: wireTags(r.tags),
            DenyAllIgwTraffic: false,
          };
        }),
        NextToken: page.nextToken,
      };
    },
  };
}

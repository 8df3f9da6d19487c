// DescribeAvailabilityZones and DescribeVpcEndpointServices: what the region offers.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import { createHash } from 'node:crypto';
import type { Ec2Deps } from './deps.js';
import { invalidParameterValue, serviceNotFound } from './errors.js';
import {
  ENDPOINT_SERVICE_CODES,
  type EndpointServiceCode,
  baseEndpointDnsName,
  endpointServiceName,
  policySupported,
  privateDnsName,
} from './endpoint-services.js';
import { checkFilterNames, matchesFilters, paginate } from './listing.js';
import { zoneId } from './zones.js';
import type * as E from '../protocols/generated/ec2-types.js';

/** The zones a service is offered in (--service-zones; all zones by default). */
export const serviceZones = (deps: Ec2Deps, code: EndpointServiceCode) => deps.serviceZones[code] ?? deps.zones;

/** A stable service id per region and service: vpce-svc- + 17 hex. */
export const serviceId = (region: string, code: EndpointServiceCode) =>
  `vpce-svc-${createHash('sha256').update(`${region}/${code}`).digest('hex').slice(0, 17)}`;

function serviceDetail(deps: Ec2Deps, code: EndpointServiceCode): E.ServiceDetail {
  const zones = serviceZones(deps, code);
  return {
    ServiceName: endpointServiceName(deps.region, code),
    ServiceId: serviceId(deps.region, code),
    ServiceType: [{ ServiceType: 'Interface' }],
    ServiceRegion: deps.region,
    AvailabilityZoneIds: zones.map((z) => zoneId(deps.region, z)),
    AvailabilityZones: zones,
    Owner: 'amazon',
    BaseEndpointDnsNames: [baseEndpointDnsName(code, deps.region)],
    PrivateDnsName: privateDnsName(code, deps.region),
    PrivateDnsNames: [{ PrivateDnsName: privateDnsName(code, deps.region) }],
    VpcEndpointPolicySupported: policySupported(code),
    AcceptanceRequired: false,
    ManagesVpcEndpoints: false,
    Tags: [],
    PrivateDnsNameVerificationState: 'verified',
    SupportedIpAddressTypes: ['ipv4'],
  };
}

export function catalogHandlers(
  deps: Ec2Deps,
): Pick<Ec2Operations, 'DescribeAvailabilityZones' | 'DescribeVpcEndpointServices'> {
  return {
    async DescribeAvailabilityZones(input) {
      checkFilterNames(input.Filters, [
        'zone-name',
        'zone-id',
        'state',
        'region-name',
        'zone-type',
        'group-name',
        'opt-in-status',
        'network-border-group',
      ]);
      for (const z of input.ZoneNames ?? [])
        if (!deps.zones.includes(z)) throw invalidParameterValue(`Invalid availability zone: [${z}]`);
      for (const z of input.ZoneIds ?? []) {
        if (!deps.zones.some((n) => zoneId(deps.region, n) === z))
          throw invalidParameterValue(`Invalid availability zone: [${z}]`);
      }
      const zones = deps.zones.filter(
        (z) =>
          (!input.ZoneNames?.length || input.ZoneNames.includes(z)) &&
          (!input.ZoneIds?.length || input.ZoneIds.includes(zoneId(deps.region, z))) &&
          matchesFilters(
            input.Filters,
            {
              'zone-name': z,
              'zone-id': zoneId(deps.region, z),
              state: 'available',
              'region-name': deps.region,
              'zone-type': 'availability-zone',
              'group-name': deps.region,
              'opt-in-status': 'opt-in-not-required',
              'network-border-group': deps.region,
            },
            [],
          ),
      );
      return {
        AvailabilityZones: zones.map((z) => ({
          State: 'available',
          OptInStatus: 'opt-in-not-required',
          Messages: [],
          RegionName: deps.region,
          ZoneName: z,
          ZoneId: zoneId(deps.region, z),
          GroupName: deps.region,
          NetworkBorderGroup: deps.region,
          ZoneType: 'availability-zone',
        })),
      };
    },

    async DescribeVpcEndpointServices(input) {
      checkFilterNames(input.Filters, [
        'service-name',
        'service-type',
        'owner',
        'service-region',
        'supported-ip-address-types',
      ]);
      const known = ENDPOINT_SERVICE_CODES.map((code) => ({ code, name: endpointServiceName(deps.region, code) }));
      for (const n of input.ServiceNames ?? []) if (!known.some((k) => k.name === n)) throw serviceNotFound(n);
      for (const r of input.ServiceRegions ?? []) {
        if (r !== deps.region)
          throw invalidParameterValue(
            `The service region '${r}' is not supported; this deployment serves ${deps.region}`,
          );
      }
      const selected = known.filter(
        (k) =>
          (!input.ServiceNames?.length || input.ServiceNames.includes(k.name)) &&
          matchesFilters(
            input.Filters,
            {
              'service-name': k.name,
              'service-type': 'Interface',
              owner: 'amazon',
              'service-region': deps.region,
              'supported-ip-address-types': 'ipv4',
            },
            [],
          ),
      );
      const page = paginate(selected, (k) => k.name, input, deps.pageTokens, 'DescribeVpcEndpointServices');
      return {
        ServiceNames: page.items.map((k) => k.name),
        ServiceDetails: page.items.map((k) => serviceDetail(deps, k.code)),
        NextToken: page.nextToken,
      };
    },
  };
}

// DNS records of interface endpoints: the regional and zonal vpce names answer anyone
// with the interfaces' addresses; the service's private name (appmesh.<region>.amazonaws.com
// …) answers only clients inside a VPC whose endpoint has private DNS active.
import { ipInCidr } from '../../ec2/cidr.js';
import {
  baseEndpointDnsName,
  ENDPOINT_SERVICE_CODES,
  type EndpointServiceCode,
  privateDnsName,
  regionalEndpointDnsName,
  serviceCodeOf,
  zonalEndpointDnsName,
} from '../../ec2/endpoint-services.js';
import { endpointServing, privateDnsActive, type VpcEndpointSpec } from '../../ec2/records.js';
import type { Ec2Snapshot } from '../view.js';
import type { ResourceRecord } from './message.js';
import type { DnsRecordSource, LookupResult } from './record-source.js';

const TTL = 60;

interface Index {
  snapshot: Ec2Snapshot;
  /** vpce name → addresses. */
  publicNames: Map<string, string[]>;
  /** Private name → VPCs with private DNS active for it → addresses. */
  privateNames: Map<string, { cidr: string; addresses: string[] }[]>;
}

export function endpointAddresses(
  snapshot: Ec2Snapshot,
  endpoint: VpcEndpointSpec,
): { zone: string; address: string }[] {
  return endpoint.networkInterfaceIds.flatMap((id) => {
    const eni = snapshot.interfaces.get(id);
    return eni ? [{ zone: eni.availabilityZone, address: eni.privateIpAddress }] : [];
  });
}

export class EndpointRecordSource implements DnsRecordSource {
  private index?: Index;
  private rotation = 0;

  constructor(
    private readonly region: string,
    private readonly snapshot: () => Ec2Snapshot,
  ) {}

  zones(): string[] {
    return [
      `${this.region}.vpce.amazonaws.com`,
      ...ENDPOINT_SERVICE_CODES.map((code) => privateDnsName(code, this.region)),
    ];
  }

  lookup(name: string, client: string): LookupResult {
    const index = this.currentIndex();
    const publicAddresses = index.publicNames.get(name);
    if (publicAddresses) return { records: this.records(name, publicAddresses) };
    const views = index.privateNames.get(name);
    if (views) {
      const inside = views.find((v) => ipInCidr(client, v.cidr));
      return inside ? { records: this.records(name, inside.addresses) } : 'refused';
    }
    if (ENDPOINT_SERVICE_CODES.some((code) => name === privateDnsName(code, this.region))) return 'refused';
    if (ENDPOINT_SERVICE_CODES.some((code) => name === baseEndpointDnsName(code, this.region))) return { records: [] };
    return 'nxdomain';
  }

  /** Rotates the order per answer, as the regional name round-robins across interfaces. */
  private records(name: string, addresses: string[]): ResourceRecord[] {
    const start = addresses.length ? this.rotation++ % addresses.length : 0;
    const ordered = [...addresses.slice(start), ...addresses.slice(0, start)];
    return ordered.map((address) => ({ type: 'A', name, ttl: TTL, address }));
  }

  private currentIndex(): Index {
    const snapshot = this.snapshot();
    if (this.index?.snapshot === snapshot) return this.index;
    const publicNames = new Map<string, string[]>();
    const privateNames = new Map<string, { cidr: string; addresses: string[] }[]>();
    for (const endpoint of snapshot.endpoints.values()) {
      const code: EndpointServiceCode | undefined = serviceCodeOf(endpoint.serviceName, this.region);
      // Names exist from creation on and stay while a modification settles (pending), as in AWS.
      if (!code || !(endpointServing(endpoint) || endpoint.state === 'pending')) continue;
      const addresses = endpointAddresses(snapshot, endpoint);
      if (!addresses.length) continue;
      publicNames.set(
        regionalEndpointDnsName(endpoint.vpcEndpointId, endpoint.dnsSuffix, code, this.region).toLowerCase(),
        addresses.map((a) => a.address),
      );
      for (const { zone, address } of addresses) {
        const zonal = zonalEndpointDnsName(
          endpoint.vpcEndpointId,
          endpoint.dnsSuffix,
          zone,
          code,
          this.region,
        ).toLowerCase();
        publicNames.set(zonal, [...(publicNames.get(zonal) ?? []), address]);
      }
      const vpc = snapshot.vpcs.get(endpoint.vpcId);
      if (vpc && privateDnsActive(vpc, { ...endpoint, state: 'available' })) {
        const name = privateDnsName(code, this.region);
        privateNames.set(name, [
          ...(privateNames.get(name) ?? []),
          { cidr: vpc.cidrBlock, addresses: addresses.map((a) => a.address) },
        ]);
      }
    }
    this.index = { snapshot, publicNames, privateNames };
    return this.index;
  }
}

// Shared pieces of the endpoint runtime tests: DNS queries from a chosen
// source address, and a VPC with interface endpoints built through the EC2 SDK.
import { connect, type LookupFunction } from 'node:net';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

import { dnsQuery, RecordType } from '../helpers/dns.js';

export { dnsQuery, dnsQueryTcp, RecordType, type DnsAnswer } from '../helpers/dns.js';

/** A `lookup` for sockets (https.Agent) that resolves names through appmeshd's DNS, asking from `source`. */
export function lookupVia(dnsPort: () => number, source: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsQuery(dnsPort(), hostname, RecordType.A, source).then(
      (res) => {
        const a = res.answers.find((r) => r.type === 'A');
        const cb = callback as (
          err: Error | null,
          address: string | { address: string; family: number }[],
          family?: number,
        ) => void;
        if (a?.type !== 'A') return cb(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
        if ((options as { all?: boolean }).all) return cb(null, [{ address: a.address, family: 4 }]);
        return cb(null, a.address, 4);
      },
      (err) => (callback as (e: Error) => void)(err),
    );
  };
}

export function ec2Client(server: RunningServer): EC2Client {
  return new EC2Client({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
}

export function waitAvailable(ec2: EC2Client, ids: string[]): Promise<VpcEndpoint[]> {
  return until(
    async () => {
      const found = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ids }))).VpcEndpoints ?? [];
      const available = found.every((e) => String(e.State).toLowerCase() === 'available');
      return found.length === ids.length && available ? found : undefined;
    },
    { timeoutMs: 15_000, what: `endpoints ${ids.join(', ')} to become available` },
  );
}

export interface Lab {
  vpcId: string;
  subnets: string[];
  groupId: string;
  /** By service code. */
  endpoints: Record<LabService, VpcEndpoint>;
  /** Interface addresses by service code, in subnet order. */
  addresses: Record<LabService, string[]>;
}

export type LabService = 'appmesh' | 'appmesh-envoy-management' | 'logs';

/**
 * VPC `<prefix>.0.0/16` with DNS on, subnets `<prefix>.0.0/24` (zone a, where clients
 * live) and `<prefix>.1.0/24` (zone b), a group allowing the endpoint port from the
 * client subnet, and endpoints (both App Mesh ones unless told) with private DNS.
 */
export async function buildLab(
  ec2: EC2Client,
  region: string,
  prefix: string,
  port: number,
  services: readonly LabService[] = ['appmesh', 'appmesh-envoy-management'],
): Promise<Lab> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${prefix}.0.0/16` }))).Vpc!.VpcId!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnets: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    subnets.push(
      (
        await ec2.send(
          new CreateSubnetCommand({
            VpcId: vpcId,
            CidrBlock: `${prefix}.${i}.0/24`,
            AvailabilityZone: `${region}${zone}`,
          }),
        )
      ).Subnet!.SubnetId!,
    );
  }
  const groupId = (
    await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'vpce', Description: 'endpoints', VpcId: vpcId }))
  ).GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: `${prefix}.0.0/24` }] }],
    }),
  );
  const endpoints = {} as Lab['endpoints'];
  const addresses = {} as Lab['addresses'];
  for (const code of services) {
    const created = (
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcEndpointType: 'Interface',
          VpcId: vpcId,
          ServiceName: `com.amazonaws.${region}.${code}`,
          SubnetIds: subnets,
          SecurityGroupIds: [groupId],
          PrivateDnsEnabled: true,
        }),
      )
    ).VpcEndpoint!;
    endpoints[code] = (await waitAvailable(ec2, [created.VpcEndpointId!]))[0]!;
    addresses[code] = await interfaceAddresses(ec2, endpoints[code]);
  }
  return { vpcId, subnets, groupId, endpoints, addresses };
}

export async function interfaceAddresses(ec2: EC2Client, endpoint: VpcEndpoint): Promise<string[]> {
  const enis =
    (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: endpoint.NetworkInterfaceIds })))
      .NetworkInterfaces ?? [];
  const bySubnet = new Map(enis.map((e) => [e.SubnetId, e.PrivateIpAddress!]));
  return (endpoint.SubnetIds ?? []).map((s) => bySubnet.get(s)!);
}

/** Waits until a TCP connect to address:port gives `want` ('open' or 'refused'). */
export async function waitPort(address: string, port: number, want: 'open' | 'refused'): Promise<void> {
  const state = () =>
    new Promise<'open' | 'refused'>((resolve) => {
      const s = connect({ host: address, port });
      s.once('connect', () => {
        s.destroy();
        resolve('open');
      });
      s.once('error', () => resolve('refused'));
    });
  await until(async () => (await state()) === want, { timeoutMs: 15_000, what: `${address}:${port} to be ${want}` });
}

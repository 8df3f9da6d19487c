// Endpoint network interfaces: one requester-managed interface per endpoint subnet, with
// a private IP allocated from the subnet inside the caller's store transaction (so two
// concurrent creates can never take the same address).
import type { StoreTx } from '../store/types.js';
import { formatIpv4, parseCidr, parseIpv4, usableAddresses } from './cidr.js';
import type { Ec2Deps } from './deps.js';
import { ec2Error } from './errors.js';
import { newId, newMacAddress } from './ids.js';
import { Ec2Kind, type NetworkInterfaceSpec, type SubnetSpec, vpcScope } from './records.js';
import { createRow, newRow } from './rows.js';

export async function allocateIp(tx: StoreTx, subnet: SubnetSpec): Promise<string> {
  const taken = new Set(
    (await tx.list<NetworkInterfaceSpec>(Ec2Kind.networkInterface, vpcScope(subnet.vpcId)))
      .filter((e) => e.spec.subnetId === subnet.subnetId)
      .map((e) => parseIpv4(e.spec.privateIpAddress)),
  );
  const { first, last } = usableAddresses(parseCidr(subnet.cidrBlock)!);
  for (let ip = first; ip <= last; ip++) if (!taken.has(ip)) return formatIpv4(ip);
  throw ec2Error(
    'InsufficientFreeAddressesInSubnet',
    `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`,
  );
}

export async function createEndpointInterface(
  tx: StoreTx,
  deps: Ec2Deps,
  subnet: SubnetSpec,
  vpcEndpointId: string,
  groups: string[],
): Promise<NetworkInterfaceSpec> {
  const spec: NetworkInterfaceSpec = {
    networkInterfaceId: newId('eni'),
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    privateIpAddress: await allocateIp(tx, subnet),
    vpcEndpointId,
    groups,
    requesterManaged: true,
    interfaceType: 'vpc_endpoint',
    description: `VPC Endpoint Interface ${vpcEndpointId}`,
    macAddress: newMacAddress(),
  };
  await createRow(
    tx,
    newRow(deps, Ec2Kind.networkInterface, vpcScope(subnet.vpcId), spec.networkInterfaceId, spec, 'in-use'),
  );
  return spec;
}

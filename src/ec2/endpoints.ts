// CreateVpcEndpoint, DescribeVpcEndpoints, ModifyVpcEndpoint, DeleteVpcEndpoints: interface
// endpoints for the App Mesh services, with their interfaces and DNS entries.
import type { Ec2Operations } from '../protocols/generated/ec2-operations.js';
import type { StoreTx, StoredResource } from '../store/types.js';
import { serviceZones } from './catalog.js';
import type { Ec2Deps } from './deps.js';
import {
  ec2Error,
  endpointNotFound,
  invalidParameter,
  limitExceeded,
  missingParameter,
  serviceNotFound,
} from './errors.js';
import {
  type EndpointServiceCode,
  privateDnsName,
  regionalEndpointDnsName,
  serviceCodeOf,
  vpceHostedZoneId,
  privateHostedZoneId,
  zonalEndpointDnsName,
  policySupported,
} from './endpoint-services.js';
import { newDnsSuffix, newId } from './ids.js';
import { createEndpointInterface } from './interfaces.js';
import { checkFilterNames, matchesFilters, paginate, wireTags } from './listing.js';
import {
  DEFAULT_ENDPOINT_POLICY,
  type DnsEntry,
  Ec2Kind,
  type NetworkInterfaceSpec,
  type SecurityGroupSpec,
  type SubnetSpec,
  type VpcEndpointSpec,
  type VpcSpec,
  vpcScope,
} from './records.js';
import { createRow, describedRows, findById, newRow, tagsFromSpecifications, transact, updateRow } from './rows.js';
import { requireGroup } from './security-groups.js';
import { requireSubnet } from './subnets.js';
import { requireVpc } from './vpcs.js';
import type * as E from '../protocols/generated/ec2-types.js';

export const MAX_POLICY_CHARS = 20_480;
function checkPolicy(code: EndpointServiceCode, serviceName: string, policy: string | undefined): void {
  if (policy === undefined) return;
  if (!policySupported(code))
    throw invalidParameter(`The VPC endpoint service ${serviceName} does not support VPC endpoint policies.`);
  if (policy.length > MAX_POLICY_CHARS) {
    throw invalidParameter(
      `The policy document is ${policy.length} characters long; the maximum is ${MAX_POLICY_CHARS} characters.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('Statement' in parsed)) {
    throw ec2Error('InvalidPolicyDocument', 'The specified policy document is not a valid JSON policy document.');
  }
}

function checkPrivateDns(vpc: VpcSpec): void {
  if (!vpc.enableDnsSupport || !vpc.enableDnsHostnames) {
    throw invalidParameter(
      `Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpc.vpcId}`,
    );
  }
}

async function checkPrivateDnsUnclaimed(
  tx: StoreTx,
  vpcId: string,
  serviceName: string,
  code: EndpointServiceCode,
  region: string,
  self?: string,
): Promise<void> {
  const others = await tx.list<VpcEndpointSpec>(Ec2Kind.vpcEndpoint, vpcScope(vpcId));
  if (
    others.some(
      (e) =>
        e.name !== self &&
        e.spec.serviceName === serviceName &&
        e.spec.privateDnsEnabled &&
        e.spec.state !== 'deleting',
    )
  ) {
    throw invalidParameter(
      `private-dns-enabled cannot be set because there is already a conflicting DNS domain for ${privateDnsName(code, region)} in the VPC ${vpcId}`,
    );
  }
}

/** Loads the subnets and checks they are in the VPC, in zones the service offers, one per zone. */
async function loadSubnets(
  tx: StoreTx,
  deps: Ec2Deps,
  vpcId: string,
  ids: string[],
  code: EndpointServiceCode,
  serviceName: string,
): Promise<SubnetSpec[]> {
  const subnets: SubnetSpec[] = [];
  const offered = serviceZones(deps, code);
  for (const id of ids) {
    const s = (await requireSubnet(deps, id, tx)).spec;
    if (s.vpcId !== vpcId) throw invalidParameter(`The subnet ID '${id}' does not belong to the VPC '${vpcId}'.`);
    if (!offered.includes(s.availabilityZone)) {
      throw invalidParameter(
        `The VPC endpoint service ${serviceName} does not support the availability zone of the subnet: ${id}.`,
      );
    }
    if (subnets.some((o) => o.subnetId === id)) continue;
    if (subnets.some((o) => o.availabilityZone === s.availabilityZone)) {
      throw ec2Error(
        'DuplicateSubnetsInSameZone',
        `Found another VPC endpoint subnet in the availability zone of ${id}`,
      );
    }
    subnets.push(s);
  }
  return subnets;
}

async function loadGroups(tx: StoreTx, deps: Ec2Deps, vpcId: string, ids: string[]): Promise<SecurityGroupSpec[]> {
  const limit = deps.quotas.securityGroupsPerNetworkInterface;
  if (new Set(ids).size > limit)
    throw limitExceeded('SecurityGroupsPerInterfaceLimitExceeded', 'security groups per network interface', limit);
  const groups: SecurityGroupSpec[] = [];
  for (const id of new Set(ids)) {
    const g = (await requireGroup(deps, id, tx)).spec;
    if (g.vpcId !== vpcId) throw invalidParameter(`The security group '${id}' does not belong to the VPC '${vpcId}'.`);
    groups.push(g);
  }
  return groups;
}

function dnsEntries(
  deps: Ec2Deps,
  spec: Pick<VpcEndpointSpec, 'vpcEndpointId' | 'dnsSuffix' | 'vpcId' | 'privateDnsEnabled'>,
  code: EndpointServiceCode,
  zones: string[],
): DnsEntry[] {
  const zoneIdPublic = vpceHostedZoneId(deps.region);
  return [
    {
      dnsName: regionalEndpointDnsName(spec.vpcEndpointId, spec.dnsSuffix, code, deps.region),
      hostedZoneId: zoneIdPublic,
    },
    ...[...zones].sort().map((z) => ({
      dnsName: zonalEndpointDnsName(spec.vpcEndpointId, spec.dnsSuffix, z, code, deps.region),
      hostedZoneId: zoneIdPublic,
    })),
    ...(spec.privateDnsEnabled
      ? [{ dnsName: privateDnsName(code, deps.region), hostedZoneId: privateHostedZoneId(deps.region, spec.vpcId) }]
      : []),
  ];
}

/** Not typed as the model's VpcEndpoint: EC2 sends states in lower case, where the model's State enum has capitals. */
async function toWireEndpoint(deps: Ec2Deps, row: StoredResource<VpcEndpointSpec>): Promise<Record<string, unknown>> {
  const e = row.spec;
  const groups = await deps.store.list<SecurityGroupSpec>(Ec2Kind.securityGroup, vpcScope(e.vpcId));
  return {
    VpcEndpointId: e.vpcEndpointId,
    VpcEndpointType: e.vpcEndpointType,
    VpcId: e.vpcId,
    ServiceName: e.serviceName,
    State: e.state,
    PolicyDocument: e.policyDocument,
    RouteTableIds: [],
    SubnetIds: e.subnetIds,
    Groups: e.securityGroupIds.map((id) => ({
      GroupId: id,
      GroupName: groups.find((g) => g.name === id)?.spec.groupName ?? id,
    })),
    IpAddressType: e.ipAddressType,
    DnsOptions: { DnsRecordIpType: 'ipv4', PrivateDnsOnlyForInboundResolverEndpoint: false },
    PrivateDnsEnabled: e.privateDnsEnabled,
    RequesterManaged: false,
    NetworkInterfaceIds: e.networkInterfaceIds,
    DnsEntries: e.dnsEntries.map((d) => ({ DnsName: d.dnsName, HostedZoneId: d.hostedZoneId })),
    CreationTimestamp: e.creationTimestamp,
    Tags: wireTags(row.tags),
    OwnerId: e.ownerId,
    ServiceRegion: deps.region,
    ...(e.state === 'failed' && e.lastError
      ? { LastError: { Code: e.lastError.code, Message: e.lastError.message } }
      : {}),
  };
}

export function endpointHandlers(
  deps: Ec2Deps,
): Pick<Ec2Operations, 'CreateVpcEndpoint' | 'DeleteVpcEndpoints' | 'DescribeVpcEndpoints' | 'ModifyVpcEndpoint'> {
  async function byClientToken(token: string): Promise<StoredResource<VpcEndpointSpec> | undefined> {
    return (await deps.store.listKind<VpcEndpointSpec>(Ec2Kind.vpcEndpoint)).find((r) => r.clientToken === token);
  }

  return {
    async CreateVpcEndpoint(input) {
      const type = input.VpcEndpointType ?? 'Gateway';
      if (!input.ServiceName) throw missingParameter('ServiceName');
      const serviceName = input.ServiceName;
      if (input.ServiceRegion !== undefined && input.ServiceRegion !== deps.region) {
        throw ec2Error(
          'InvalidServiceName',
          `The Vpc Endpoint Service '${serviceName}' does not exist in Region ${input.ServiceRegion}`,
        );
      }
      const code = serviceCodeOf(serviceName, deps.region);
      if (!code) throw serviceNotFound(serviceName);
      if (type !== 'Interface') {
        if (input.SubnetIds?.length)
          throw invalidParameter(
            'Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.',
          );
        throw invalidParameter(
          `The VPC endpoint service ${serviceName} does not support the VPC endpoint type ${type}.`,
        );
      }
      if (input.RouteTableIds?.length)
        throw invalidParameter('Route table IDs are only supported for Gateway type VPC Endpoint.');
      if ((input.IpAddressType ?? 'ipv4') !== 'ipv4')
        throw invalidParameter(
          `The VPC endpoint service ${serviceName} does not support IP address type ${input.IpAddressType}.`,
        );
      if (input.DnsOptions?.DnsRecordIpType && input.DnsOptions.DnsRecordIpType !== 'ipv4') {
        throw invalidParameter(
          `DnsRecordIpType ${input.DnsOptions.DnsRecordIpType} is not supported for IP address type ipv4.`,
        );
      }
      if (input.SubnetConfigurations?.length)
        throw invalidParameter(
          'SubnetConfigurations are not supported by this deployment; addresses are allocated automatically.',
        );
      checkPolicy(code, serviceName, input.PolicyDocument);
      const tags = tagsFromSpecifications(input.TagSpecifications, 'vpc-endpoint');
      const privateDnsEnabled = input.PrivateDnsEnabled ?? true;

      if (input.ClientToken) {
        const earlier = await byClientToken(input.ClientToken);
        if (earlier) {
          if (earlier.spec.serviceName !== serviceName || earlier.spec.vpcId !== input.VpcId) {
            throw ec2Error(
              'IdempotentParameterMismatch',
              'The client token has already been used with different parameters.',
            );
          }
          return { VpcEndpoint: await toWireEndpoint(deps, earlier), ClientToken: input.ClientToken };
        }
      }

      const row = await transact(deps, async (tx) => {
        const vpc = (await requireVpc(deps, input.VpcId, tx)).spec;
        if ((await tx.count(Ec2Kind.vpcEndpoint, vpcScope(vpc.vpcId))) >= deps.quotas.interfaceEndpointsPerVpc) {
          throw limitExceeded(
            'VpcEndpointLimitExceeded',
            'interface VPC endpoints per VPC',
            deps.quotas.interfaceEndpointsPerVpc,
          );
        }
        const subnets = await loadSubnets(tx, deps, vpc.vpcId, input.SubnetIds ?? [], code, serviceName);
        const groupIds = input.SecurityGroupIds?.length ? input.SecurityGroupIds : [vpc.defaultSecurityGroupId];
        const groups = await loadGroups(tx, deps, vpc.vpcId, groupIds);
        if (privateDnsEnabled) {
          checkPrivateDns(vpc);
          await checkPrivateDnsUnclaimed(tx, vpc.vpcId, serviceName, code, deps.region);
        }
        const vpcEndpointId = newId('vpce');
        const interfaces: NetworkInterfaceSpec[] = [];
        for (const s of subnets)
          interfaces.push(
            await createEndpointInterface(
              tx,
              deps,
              s,
              vpcEndpointId,
              groups.map((g) => g.groupId),
            ),
          );
        const base = { vpcEndpointId, dnsSuffix: newDnsSuffix(), vpcId: vpc.vpcId, privateDnsEnabled };
        const spec: VpcEndpointSpec = {
          ...base,
          vpcEndpointType: 'Interface',
          serviceName,
          subnetIds: subnets.map((s) => s.subnetId),
          securityGroupIds: groups.map((g) => g.groupId),
          policyDocument: input.PolicyDocument ?? DEFAULT_ENDPOINT_POLICY,
          state: 'pending',
          dnsEntries: dnsEntries(
            deps,
            base,
            code,
            subnets.map((s) => s.availabilityZone),
          ),
          networkInterfaceIds: interfaces.map((i) => i.networkInterfaceId),
          creationTimestamp: Date.now(),
          ownerId: deps.accountId,
          ipAddressType: 'ipv4',
        };
        const fresh = newRow(deps, Ec2Kind.vpcEndpoint, vpcScope(vpc.vpcId), vpcEndpointId, spec, spec.state, tags);
        return createRow(tx, input.ClientToken ? { ...fresh, clientToken: input.ClientToken } : fresh);
      });
      return {
        VpcEndpoint: await toWireEndpoint(deps, row),
        ...(input.ClientToken ? { ClientToken: input.ClientToken } : {}),
      };
    },

    async DescribeVpcEndpoints(input) {
      checkFilterNames(input.Filters, [
        'vpc-id',
        'vpc-endpoint-id',
        'vpc-endpoint-state',
        'vpc-endpoint-type',
        'service-name',
        'service-region',
        'ip-address-type',
      ]);
      const rows = await describedRows<VpcEndpointSpec>(
        deps,
        Ec2Kind.vpcEndpoint,
        input.VpcEndpointIds,
        endpointNotFound,
      );
      const selected = rows.filter(
        (r) =>
          (!input.VpcEndpointIds?.length || input.VpcEndpointIds.includes(r.name)) &&
          matchesFilters(
            input.Filters,
            {
              'vpc-id': r.spec.vpcId,
              'vpc-endpoint-id': r.name,
              'vpc-endpoint-state': r.spec.state,
              'vpc-endpoint-type': r.spec.vpcEndpointType,
              'service-name': r.spec.serviceName,
              'service-region': deps.region,
              'ip-address-type': r.spec.ipAddressType,
            },
            r.tags,
          ),
      );
      const page = paginate(selected, (r) => r.name, input, deps.pageTokens, 'DescribeVpcEndpoints');
      const items = [];
      for (const r of page.items) items.push(await toWireEndpoint(deps, r));
      return { VpcEndpoints: items, NextToken: page.nextToken };
    },

    async ModifyVpcEndpoint(input) {
      if (!input.VpcEndpointId) throw missingParameter('VpcEndpointId');
      const id = input.VpcEndpointId;
      if (input.AddRouteTableIds?.length || input.RemoveRouteTableIds?.length) {
        throw invalidParameter('Route table IDs are only supported for Gateway type VPC Endpoint.');
      }
      if (input.IpAddressType !== undefined && input.IpAddressType !== 'ipv4')
        throw invalidParameter(`IP address type ${input.IpAddressType} is not supported.`);
      if (input.ResetPolicy && input.PolicyDocument !== undefined) {
        throw ec2Error('InvalidParameterCombination', 'PolicyDocument and ResetPolicy cannot both be specified');
      }
      await transact(deps, async (tx) => {
        const row = await findById<VpcEndpointSpec>(tx, deps, Ec2Kind.vpcEndpoint, id);
        if (!row || row.spec.state === 'deleting' || row.spec.state === 'deleted') throw endpointNotFound(id);
        const e = row.spec;
        const code = serviceCodeOf(e.serviceName, deps.region)!;
        checkPolicy(code, e.serviceName, input.PolicyDocument);
        const vpc = (await requireVpc(deps, e.vpcId, tx)).spec;
        const scope = vpcScope(e.vpcId);

        for (const s of input.RemoveSubnetIds ?? []) {
          if (!e.subnetIds.includes(s))
            throw invalidParameter(`Subnet ${s} is not associated with VPC endpoint ${id}.`);
        }
        const keptSubnetIds = e.subnetIds.filter((s) => !(input.RemoveSubnetIds ?? []).includes(s));
        const addIds = (input.AddSubnetIds ?? []).filter((s) => !keptSubnetIds.includes(s));
        const subnets = await loadSubnets(tx, deps, e.vpcId, [...keptSubnetIds, ...addIds], code, e.serviceName);

        for (const g of input.RemoveSecurityGroupIds ?? []) {
          if (!e.securityGroupIds.includes(g))
            throw invalidParameter(`Security group ${g} is not associated with VPC endpoint ${id}.`);
        }
        const groupIds = [
          ...e.securityGroupIds.filter((g) => !(input.RemoveSecurityGroupIds ?? []).includes(g)),
          ...(input.AddSecurityGroupIds ?? []),
        ];
        if (!groupIds.length)
          throw invalidParameter('An interface VPC endpoint must have at least one security group.');
        const groups = (await loadGroups(tx, deps, e.vpcId, groupIds)).map((g) => g.groupId);

        const privateDnsEnabled = input.PrivateDnsEnabled ?? e.privateDnsEnabled;
        if (privateDnsEnabled && !e.privateDnsEnabled) {
          checkPrivateDns(vpc);
          await checkPrivateDnsUnclaimed(tx, e.vpcId, e.serviceName, code, deps.region, id);
        }

        // Interfaces: keep those of kept subnets (same IPs, new groups), delete the others, add new ones.
        const enis = (await tx.list<NetworkInterfaceSpec>(Ec2Kind.networkInterface, scope)).filter(
          (n) => n.spec.vpcEndpointId === id,
        );
        const interfaceIds: string[] = [];
        for (const s of subnets) {
          const existing = enis.find((n) => n.spec.subnetId === s.subnetId);
          if (existing) {
            if (existing.spec.groups.join() !== groups.join())
              await updateRow(tx, existing, { spec: { ...existing.spec, groups } });
            interfaceIds.push(existing.name);
          } else {
            interfaceIds.push((await createEndpointInterface(tx, deps, s, id, groups)).networkInterfaceId);
          }
        }
        for (const n of enis)
          if (!subnets.some((s) => s.subnetId === n.spec.subnetId))
            await tx.delete(Ec2Kind.networkInterface, scope, n.name);

        const policyDocument = input.ResetPolicy ? DEFAULT_ENDPOINT_POLICY : (input.PolicyDocument ?? e.policyDocument);
        const next: VpcEndpointSpec = {
          ...e,
          subnetIds: subnets.map((s) => s.subnetId),
          securityGroupIds: groups,
          privateDnsEnabled,
          policyDocument,
          networkInterfaceIds: interfaceIds,
          dnsEntries: dnsEntries(
            deps,
            { ...e, privateDnsEnabled },
            code,
            subnets.map((s) => s.availabilityZone),
          ),
          // A modified endpoint goes back to pending until the change is in place (PrivateLink endpoint states).
          state: 'pending',
          lastError: undefined,
        };
        await updateRow(tx, row, { spec: next, status: next.state });
      });
      return { Return: true };
    },

    async DeleteVpcEndpoints(input) {
      if (!input.VpcEndpointIds?.length) throw missingParameter('VpcEndpointId');
      const unsuccessful: E.UnsuccessfulItem[] = [];
      for (const id of new Set(input.VpcEndpointIds)) {
        const ok = await transact(deps, async (tx) => {
          const row = await findById<VpcEndpointSpec>(tx, deps, Ec2Kind.vpcEndpoint, id);
          if (!row || row.spec.state === 'deleting' || row.spec.state === 'deleted') return false;
          // AWS deletes the endpoint's interfaces with it; the row lingers as 'deleting' until the settle job removes it.
          for (const eni of row.spec.networkInterfaceIds) await tx.delete(Ec2Kind.networkInterface, row.scope, eni);
          await updateRow(tx, row, {
            spec: { ...row.spec, state: 'deleting', networkInterfaceIds: [] },
            status: 'deleting',
          });
          return true;
        });
        if (!ok) {
          unsuccessful.push({
            ResourceId: id,
            Error: { Code: 'InvalidVpcEndpoint.NotFound', Message: `The VPC Endpoint Id '${id}' does not exist` },
          });
        }
      }
      return { Unsuccessful: unsuccessful };
    },
  };
}

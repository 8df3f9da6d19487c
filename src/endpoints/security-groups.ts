// Security groups on endpoint interfaces: a TCP connection is allowed when an ingress
// rule of one of the endpoint's groups covers the port and the source, either by CIDR or
// by naming a group that an interface with the source's address carries.
import { ipInCidr } from '../ec2/cidr.js';
import type { SecurityGroupRule, VpcEndpointSpec } from '../ec2/records.js';
import type { Ec2Snapshot } from './view.js';

function coversPort(rule: SecurityGroupRule, port: number): boolean {
  if (rule.ipProtocol === '-1') return true;
  if (rule.ipProtocol !== 'tcp' && rule.ipProtocol !== '6') return false;
  return rule.fromPort === -1 || (port >= rule.fromPort && port <= rule.toPort);
}

function sourceCarriesGroup(snapshot: Ec2Snapshot, source: string, groupId: string): boolean {
  for (const eni of snapshot.interfaces.values()) {
    if (eni.privateIpAddress === source && eni.groups.includes(groupId)) return true;
  }
  return false;
}

/** The id of the first rule that admits the connection, or undefined when none does. */
export function admittingRule(
  snapshot: Ec2Snapshot,
  endpoint: VpcEndpointSpec,
  source: string,
  port: number,
): string | undefined {
  const ip = source.replace(/^::ffff:/, '');
  for (const groupId of endpoint.securityGroupIds) {
    const group = snapshot.groups.get(groupId);
    for (const rule of group?.ingress ?? []) {
      if (!coversPort(rule, port)) continue;
      if (rule.cidrIpv4 !== undefined && ipInCidr(ip, rule.cidrIpv4)) return rule.ruleId;
      if (rule.referencedGroupId !== undefined && sourceCarriesGroup(snapshot, ip, rule.referencedGroupId))
        return rule.ruleId;
    }
  }
  return undefined;
}

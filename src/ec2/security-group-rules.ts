// Security-group rules: from the IpPermissions of Authorize/Revoke calls to one rule per
// source, and back to grouped IpPermissions for Describe.
import { parseCidr, formatCidr } from './cidr.js';
import { ec2Error, invalidParameterValue, missingParameter } from './errors.js';
import { newId } from './ids.js';
import type { SecurityGroupRule } from './records.js';

export interface IpPermissionInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: unknown[];
  PrefixListIds?: unknown[];
  UserIdGroupPairs?: { GroupId?: string; GroupName?: string; Description?: string }[];
}

export interface FlatPermissionInput {
  IpPermissions?: IpPermissionInput[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SourceSecurityGroupName?: string;
}

const PROTOCOL_NAMES = new Map([['6', 'tcp'], ['17', 'udp'], ['1', 'icmp'], ['all', '-1']]);

function normalizeProtocol(p: string | undefined): string {
  if (p === undefined || p === '') throw missingParameter('IpProtocol');
  const lower = p.toLowerCase();
  const name = PROTOCOL_NAMES.get(lower) ?? lower;
  if (!['tcp', 'udp', 'icmp', '-1'].includes(name) && !/^\d{1,3}$/.test(name)) {
    throw invalidParameterValue(`Invalid value '${p}' for IP protocol. Unknown protocol.`);
  }
  return name;
}

function portRange(protocol: string, from: number | undefined, to: number | undefined): { fromPort: number; toPort: number } {
  if (protocol === '-1') return { fromPort: -1, toPort: -1 };
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) {
      throw invalidParameterValue(`Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`);
    }
    if (from < 0 || to > 65535 || from > to) throw invalidParameterValue(`Invalid value 'Invalid TCP/UDP port range ${from}-${to}' for portRange`);
    return { fromPort: from, toPort: to };
  }
  return { fromPort: from ?? -1, toPort: to ?? -1 };
}

/** Rules (one per source) the request describes; group references are returned unresolved. */
export function rulesFromRequest(input: FlatPermissionInput): SecurityGroupRule[] {
  const permissions: IpPermissionInput[] = [...(input.IpPermissions ?? [])];
  if (input.IpProtocol !== undefined || input.CidrIp !== undefined || input.SourceSecurityGroupName !== undefined) {
    permissions.push({
      IpProtocol: input.IpProtocol ?? '-1', FromPort: input.FromPort, ToPort: input.ToPort,
      ...(input.CidrIp !== undefined ? { IpRanges: [{ CidrIp: input.CidrIp }] } : {}),
      ...(input.SourceSecurityGroupName !== undefined ? { UserIdGroupPairs: [{ GroupName: input.SourceSecurityGroupName }] } : {}),
    } as IpPermissionInput);
  }
  if (!permissions.length) throw missingParameter('IpPermissions');
  const rules: SecurityGroupRule[] = [];
  for (const p of permissions) {
    const ipProtocol = normalizeProtocol(p.IpProtocol);
    const ports = portRange(ipProtocol, p.FromPort, p.ToPort);
    if (p.Ipv6Ranges?.length || p.PrefixListIds?.length) {
      throw invalidParameterValue('IPv6 ranges and prefix lists are not supported here; use IPv4 CIDR ranges or security group references');
    }
    for (const r of p.IpRanges ?? []) {
      const cidr = r.CidrIp === undefined ? undefined : parseCidr(r.CidrIp);
      if (!cidr) throw ec2Error('InvalidPermission.Malformed', `CIDR block ${r.CidrIp ?? ''} is malformed`);
      rules.push({ ruleId: newId('sgr'), ipProtocol, ...ports, cidrIpv4: formatCidr(cidr), ...(r.Description ? { description: r.Description } : {}) });
    }
    for (const g of p.UserIdGroupPairs ?? []) {
      const ref = g.GroupId ?? g.GroupName;
      if (!ref) throw missingParameter('GroupId');
      rules.push({ ruleId: newId('sgr'), ipProtocol, ...ports, referencedGroupId: ref, ...(g.Description ? { description: g.Description } : {}) });
    }
    if (!(p.IpRanges?.length) && !(p.UserIdGroupPairs?.length)) {
      throw missingParameter('IpPermissions.IpRanges or IpPermissions.UserIdGroupPairs');
    }
  }
  return rules;
}

export const sameRule = (a: SecurityGroupRule, b: SecurityGroupRule) =>
  a.ipProtocol === b.ipProtocol && a.fromPort === b.fromPort && a.toPort === b.toPort
  && a.cidrIpv4 === b.cidrIpv4 && a.referencedGroupId === b.referencedGroupId;

export function describeRule(r: SecurityGroupRule): string {
  const peer = r.cidrIpv4 ?? r.referencedGroupId;
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  return `peer: ${peer}, ${proto}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

/** Grouped by (protocol, ports), as DescribeSecurityGroups returns them. */
export function toIpPermissions(rules: SecurityGroupRule[], accountId: string): Record<string, unknown>[] {
  const groups = new Map<string, { rule: SecurityGroupRule; ranges: SecurityGroupRule[]; pairs: SecurityGroupRule[] }>();
  for (const r of rules) {
    const key = `${r.ipProtocol}/${r.fromPort}/${r.toPort}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule: r, ranges: [], pairs: [] }));
    (r.cidrIpv4 ? g.ranges : g.pairs).push(r);
  }
  return [...groups.values()].map(({ rule, ranges, pairs }) => ({
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol !== '-1' ? { FromPort: rule.fromPort, ToPort: rule.toPort } : {}),
    IpRanges: ranges.map((r) => ({ CidrIp: r.cidrIpv4, ...(r.description ? { Description: r.description } : {}) })),
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: pairs.map((r) => ({ GroupId: r.referencedGroupId, UserId: accountId, ...(r.description ? { Description: r.description } : {}) })),
  }));
}

export function toWireRule(r: SecurityGroupRule, groupId: string, isEgress: boolean, accountId: string): Record<string, unknown> {
  return {
    SecurityGroupRuleId: r.ruleId, GroupId: groupId, GroupOwnerId: accountId, IsEgress: isEgress, IpProtocol: r.ipProtocol,
    FromPort: r.fromPort, ToPort: r.toPort,
    ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    ...(r.referencedGroupId ? { ReferencedGroupInfo: { GroupId: r.referencedGroupId, UserId: accountId } } : {}),
    ...(r.description ? { Description: r.description } : {}),
    Tags: [],
  };
}

/** The rules every new group starts with: all outbound traffic allowed. */
export const defaultEgress = (): SecurityGroupRule[] => [{ ruleId: newId('sgr'), ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }];

// Security-group rules: from the IpPermissions of Authorize/Revoke calls (or one
// SecurityGroupRuleRequest) to one rule per peer, and back to grouped IpPermissions and
// SecurityGroupRule items for Describe.
import { isIPv6 } from 'node:net';
import type { Tag } from '../store/types.js';
import { parseCidr, formatCidr } from './cidr.js';
import { ec2Error, invalidParameterValue, missingParameter } from './errors.js';
import { newId } from './ids.js';
import { wireTags } from './listing.js';
import type { SecurityGroupRule } from './records.js';
import type * as E from '../protocols/generated/ec2-types.js';

export interface IpPermissionInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
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

const PROTOCOL_NAMES = new Map([
  ['6', 'tcp'],
  ['17', 'udp'],
  ['1', 'icmp'],
  ['all', '-1'],
]);

function normalizeProtocol(p: string | undefined): string {
  if (p === undefined || p === '') throw missingParameter('IpProtocol');
  const lower = p.toLowerCase();
  const name = PROTOCOL_NAMES.get(lower) ?? lower;
  if (!['tcp', 'udp', 'icmp', '-1'].includes(name) && !/^\d{1,3}$/.test(name)) {
    throw invalidParameterValue(`Invalid value '${p}' for IP protocol. Unknown protocol.`);
  }
  return name;
}

function portRange(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
): { fromPort: number; toPort: number } {
  if (protocol === '-1') return { fromPort: -1, toPort: -1 };
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) {
      throw invalidParameterValue(`Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`);
    }
    if (from < 0 || to > 65535 || from > to)
      throw invalidParameterValue(`Invalid value 'Invalid TCP/UDP port range ${from}-${to}' for portRange`);
    return { fromPort: from, toPort: to };
  }
  return { fromPort: from ?? -1, toPort: to ?? -1 };
}

/** The canonical text of an IPv6 CIDR block, or undefined when it is not one. */
export function parseIpv6Cidr(text: string): string | undefined {
  const m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(text);
  if (!m || !isIPv6(m[1]!) || Number(m[2]) > 128) return undefined;
  // The WHATWG URL parser prints IPv6 addresses in their canonical (RFC 5952) form.
  return `${new URL(`http://[${m[1]}]/`).hostname.slice(1, -1)}/${Number(m[2])}`;
}

type Peer = Pick<SecurityGroupRule, 'cidrIpv4' | 'cidrIpv6' | 'prefixListId' | 'referencedGroupId'>;

function ipv4Peer(cidrIp: string | undefined): Peer {
  const cidr = cidrIp === undefined ? undefined : parseCidr(cidrIp);
  if (!cidr) throw ec2Error('InvalidPermission.Malformed', `CIDR block ${cidrIp ?? ''} is malformed`);
  return { cidrIpv4: formatCidr(cidr) };
}

function ipv6Peer(cidrIpv6: string | undefined): Peer {
  const cidr = cidrIpv6 === undefined ? undefined : parseIpv6Cidr(cidrIpv6);
  if (!cidr) throw ec2Error('InvalidParameterValue', `CIDR block ${cidrIpv6 ?? ''} is malformed`);
  return { cidrIpv6: cidr };
}

function prefixListPeer(id: string | undefined): Peer {
  if (!id) throw missingParameter('PrefixListId');
  if (!/^pl-[0-9a-f]{8,17}$/.test(id)) throw ec2Error('InvalidPrefixListId.Malformed', `Invalid id: "${id}"`);
  return { prefixListId: id };
}

function rule(
  ipProtocol: string,
  ports: { fromPort: number; toPort: number },
  peer: Peer,
  description: string | undefined,
  tags: Tag[],
): SecurityGroupRule {
  return {
    ruleId: newId('sgr'),
    ipProtocol,
    ...ports,
    ...peer,
    ...(description ? { description } : {}),
    ...(tags.length ? { tags } : {}),
  };
}

/** Rules (one per peer) the request describes; group references are returned unresolved. */
export function rulesFromRequest(input: FlatPermissionInput, tags: Tag[] = []): SecurityGroupRule[] {
  const permissions: IpPermissionInput[] = [...(input.IpPermissions ?? [])];
  if (input.IpProtocol !== undefined || input.CidrIp !== undefined || input.SourceSecurityGroupName !== undefined) {
    permissions.push({
      IpProtocol: input.IpProtocol ?? '-1',
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      ...(input.CidrIp !== undefined ? { IpRanges: [{ CidrIp: input.CidrIp }] } : {}),
      ...(input.SourceSecurityGroupName !== undefined
        ? { UserIdGroupPairs: [{ GroupName: input.SourceSecurityGroupName }] }
        : {}),
    });
  }
  if (!permissions.length) throw missingParameter('IpPermissions');
  const rules: SecurityGroupRule[] = [];
  for (const p of permissions) {
    const ipProtocol = normalizeProtocol(p.IpProtocol);
    const ports = portRange(ipProtocol, p.FromPort, p.ToPort);
    for (const r of p.IpRanges ?? []) rules.push(rule(ipProtocol, ports, ipv4Peer(r.CidrIp), r.Description, tags));
    for (const r of p.Ipv6Ranges ?? []) rules.push(rule(ipProtocol, ports, ipv6Peer(r.CidrIpv6), r.Description, tags));
    for (const r of p.PrefixListIds ?? [])
      rules.push(rule(ipProtocol, ports, prefixListPeer(r.PrefixListId), r.Description, tags));
    for (const g of p.UserIdGroupPairs ?? []) {
      const ref = g.GroupId ?? g.GroupName;
      if (!ref) throw missingParameter('GroupId');
      rules.push(rule(ipProtocol, ports, { referencedGroupId: ref }, g.Description, tags));
    }
    if (!p.IpRanges?.length && !p.Ipv6Ranges?.length && !p.PrefixListIds?.length && !p.UserIdGroupPairs?.length) {
      throw missingParameter('IpPermissions.IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs');
    }
  }
  return rules;
}

export interface SecurityGroupRuleRequest {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
  Description?: string;
}

/** The rule a ModifySecurityGroupRules entry asks for, keeping the id and tags of the rule it replaces. */
export function ruleFromRuleRequest(req: SecurityGroupRuleRequest, replacing: SecurityGroupRule): SecurityGroupRule {
  const ipProtocol = normalizeProtocol(req.IpProtocol);
  const ports = portRange(ipProtocol, req.FromPort, req.ToPort);
  const peers: Peer[] = [
    ...(req.CidrIpv4 !== undefined ? [ipv4Peer(req.CidrIpv4)] : []),
    ...(req.CidrIpv6 !== undefined ? [ipv6Peer(req.CidrIpv6)] : []),
    ...(req.PrefixListId !== undefined ? [prefixListPeer(req.PrefixListId)] : []),
    ...(req.ReferencedGroupId !== undefined ? [{ referencedGroupId: req.ReferencedGroupId }] : []),
  ];
  if (peers.length !== 1) {
    throw ec2Error(
      'InvalidParameterCombination',
      'Exactly one of CidrIpv4, CidrIpv6, PrefixListId and ReferencedGroupId must be specified',
    );
  }
  return { ...rule(ipProtocol, ports, peers[0]!, req.Description, replacing.tags ?? []), ruleId: replacing.ruleId };
}

export const sameRule = (a: SecurityGroupRule, b: SecurityGroupRule) =>
  a.ipProtocol === b.ipProtocol &&
  a.fromPort === b.fromPort &&
  a.toPort === b.toPort &&
  a.cidrIpv4 === b.cidrIpv4 &&
  a.cidrIpv6 === b.cidrIpv6 &&
  a.prefixListId === b.prefixListId &&
  a.referencedGroupId === b.referencedGroupId;

const peerOf = (r: SecurityGroupRule) => r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId;

export function describeRule(r: SecurityGroupRule): string {
  const peer = peerOf(r);
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  return `peer: ${peer}, ${proto}, from port: ${r.fromPort}, to port: ${r.toPort}, ALLOW`;
}

const withDescription = (r: SecurityGroupRule) => (r.description ? { Description: r.description } : {});

/** Grouped by (protocol, ports), as DescribeSecurityGroups returns them. */
export function toIpPermissions(rules: SecurityGroupRule[], accountId: string): E.IpPermission[] {
  const groups = new Map<string, { rule: SecurityGroupRule; rules: SecurityGroupRule[] }>();
  for (const r of rules) {
    const key = `${r.ipProtocol}/${r.fromPort}/${r.toPort}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule: r, rules: [] }));
    g.rules.push(r);
  }
  return [...groups.values()].map(({ rule: first, rules: members }) => ({
    IpProtocol: first.ipProtocol,
    ...(first.ipProtocol !== '-1' ? { FromPort: first.fromPort, ToPort: first.toPort } : {}),
    IpRanges: members.filter((r) => r.cidrIpv4).map((r) => ({ CidrIp: r.cidrIpv4, ...withDescription(r) })),
    Ipv6Ranges: members.filter((r) => r.cidrIpv6).map((r) => ({ CidrIpv6: r.cidrIpv6, ...withDescription(r) })),
    PrefixListIds: members
      .filter((r) => r.prefixListId)
      .map((r) => ({ PrefixListId: r.prefixListId, ...withDescription(r) })),
    UserIdGroupPairs: members
      .filter((r) => r.referencedGroupId)
      .map((r) => ({ GroupId: r.referencedGroupId, UserId: accountId, ...withDescription(r) })),
  }));
}

/** One rule as a SecurityGroupRule item (Describe, Authorize and Revoke results). */
export function toWireRule(
  r: SecurityGroupRule,
  groupId: string,
  isEgress: boolean,
  { region, accountId }: { region: string; accountId: string },
): E.SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.ruleId,
    GroupId: groupId,
    GroupOwnerId: accountId,
    IsEgress: isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort,
    ToPort: r.toPort,
    ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    ...(r.cidrIpv6 ? { CidrIpv6: r.cidrIpv6 } : {}),
    ...(r.prefixListId ? { PrefixListId: r.prefixListId } : {}),
    ...(r.referencedGroupId ? { ReferencedGroupInfo: { GroupId: r.referencedGroupId, UserId: accountId } } : {}),
    ...withDescription(r),
    Tags: wireTags(r.tags ?? []),
    SecurityGroupRuleArn: `arn:aws:ec2:${region}:${accountId}:security-group-rule/${r.ruleId}`,
  };
}

/** The rules every new group starts with: all outbound traffic allowed. */
export const defaultEgress = (): SecurityGroupRule[] => [
  { ruleId: newId('sgr'), ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' },
];

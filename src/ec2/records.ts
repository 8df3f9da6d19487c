// The EC2 records appmeshd keeps in the store: one row per VPC, subnet, security group,
// interface VPC endpoint and endpoint network interface. The EC2 handlers write them;
// the endpoint runtime (listeners, security-group checks, DNS) reads them and follows
// the change feed. Row name = the resource id; every row's arn is unique, so any
// resource can be found by id alone with `store.getByArn(ec2Arn(...))`.

import type { Tag } from '../store/types.js';
import type { Tenancy } from '../protocols/generated/ec2-types.js';

export const Ec2Kind = {
  vpc: 'ec2:vpc',
  subnet: 'ec2:subnet',
  securityGroup: 'ec2:securityGroup',
  vpcEndpoint: 'ec2:vpcEndpoint',
  networkInterface: 'ec2:networkInterface',
} as const;
export type Ec2KindName = (typeof Ec2Kind)[keyof typeof Ec2Kind];

/** VPCs live in scope ''; everything else in the scope of its VPC ('<vpc-id>'). */
export const VPC_SCOPE = '';
export const vpcScope = (vpcId: string) => vpcId;

/** The ARN resource type of each kind: arn:aws:ec2:<region>:<account>:<type>/<id>. */
export const arnResourceType: Record<Ec2KindName, string> = {
  'ec2:vpc': 'vpc',
  'ec2:subnet': 'subnet',
  'ec2:securityGroup': 'security-group',
  'ec2:vpcEndpoint': 'vpc-endpoint',
  'ec2:networkInterface': 'network-interface',
};

export function ec2Arn(region: string, accountId: string, kind: Ec2KindName, id: string): string {
  return `arn:aws:ec2:${region}:${accountId}:${arnResourceType[kind]}/${id}`;
}

export interface VpcSpec {
  vpcId: string;
  cidrBlock: string;
  /** AWS default true. */
  enableDnsSupport: boolean;
  /** AWS default false (for non-default VPCs). */
  enableDnsHostnames: boolean;
  /** The group every VPC gets at creation, named 'default'. */
  defaultSecurityGroupId: string;
  instanceTenancy: Tenancy;
  /** The association id of the primary CIDR block (vpc-cidr-assoc-…). */
  cidrAssociationId: string;
}

export interface SubnetSpec {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  availabilityZoneId: string;
  cidrBlock: string;
}

/**
 * One rule = one peer, as in AWS's SecurityGroupRule (its own `sgr-` resource, with tags).
 * `ipProtocol` is 'tcp', 'udp', 'icmp' or '-1' (all; then the ports are -1). Exactly one
 * of `cidrIpv4`, `cidrIpv6`, `prefixListId` and `referencedGroupId` is set. A group
 * reference matches a source address that is the private IP of a network interface
 * carrying that group. Endpoint interfaces are IPv4-only, so only `cidrIpv4` and group
 * references ever admit a connection; the other peers are kept and described.
 */
export interface SecurityGroupRule {
  ruleId: string;
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
  /** Absent on rules stored before rules carried tags. */
  tags?: Tag[];
}

export interface SecurityGroupSpec {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

/** Wire values (lower camel case), as the EC2 API returns them. */
export type VpcEndpointState = 'pending' | 'available' | 'failed' | 'deleting' | 'deleted';

/** Why an endpoint is 'failed' (EC2's LastError), and which server said so. */
export interface EndpointLastError {
  code: string;
  message: string;
  /** The server (replica) whose listener failed; only it clears the failure once it binds. */
  reportedBy: string;
}

export interface DnsEntry {
  dnsName: string;
  hostedZoneId: string;
}

export interface VpcEndpointSpec {
  vpcEndpointId: string;
  vpcEndpointType: 'Interface';
  /** com.amazonaws.<region>.appmesh or com.amazonaws.<region>.appmesh-envoy-management */
  serviceName: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  privateDnsEnabled: boolean;
  /** The endpoint policy (JSON text); the default full-access policy when none was given. */
  policyDocument: string;
  state: VpcEndpointState;
  /** The random 8-character part of the endpoint's vpce DNS names. */
  dnsSuffix: string;
  /** Regional, then one zonal per subnet's zone, then (when private DNS is on) the private name. */
  dnsEntries: DnsEntry[];
  /** One per subnet, in subnetIds order. */
  networkInterfaceIds: string[];
  /** Epoch milliseconds. */
  creationTimestamp: number;
  ownerId: string;
  ipAddressType: 'ipv4';
  /** Set while state is 'failed': a listener of the endpoint could not bind. */
  lastError?: EndpointLastError;
}

export interface NetworkInterfaceSpec {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIpAddress: string;
  /** The endpoint that owns this requester-managed interface. */
  vpcEndpointId: string;
  /** Security group ids (the endpoint's groups). */
  groups: string[];
  requesterManaged: true;
  interfaceType: 'vpc_endpoint';
  description: string;
  macAddress: string;
}

/** The endpoint policy attached when none is given (AWS PrivateLink guide). */
export const DEFAULT_ENDPOINT_POLICY = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

/** Whether the endpoint's private DNS name answers inside its VPC (needs both VPC DNS attributes). */
export function privateDnsActive(vpc: VpcSpec, endpoint: VpcEndpointSpec): boolean {
  return endpointServing(endpoint) && endpoint.privateDnsEnabled && vpc.enableDnsSupport && vpc.enableDnsHostnames;
}

/**
 * Whether an endpoint's listeners should be up. A 'failed' endpoint (one of its listeners
 * could not bind) keeps the others serving and retries the failed one.
 */
export function endpointServing(endpoint: VpcEndpointSpec): boolean {
  return endpoint.state === 'available' || endpoint.state === 'failed';
}

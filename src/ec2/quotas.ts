// The Amazon VPC and PrivateLink quotas, with AWS's defaults (--quota).
export interface Ec2Quotas {
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  /** Security groups of all VPCs together, the default groups included. */
  securityGroupsPerRegion: number;
  /** Security groups on one network interface (an endpoint's groups are its interfaces' groups). */
  securityGroupsPerNetworkInterface: number;
  inboundRulesPerSecurityGroup: number;
  outboundRulesPerSecurityGroup: number;
  interfaceEndpointsPerVpc: number;
}

export const defaultEc2Quotas: Ec2Quotas = {
  vpcsPerRegion: 5,
  subnetsPerVpc: 200,
  securityGroupsPerRegion: 2500,
  securityGroupsPerNetworkInterface: 5,
  inboundRulesPerSecurityGroup: 60,
  outboundRulesPerSecurityGroup: 60,
  interfaceEndpointsPerVpc: 50,
};

// VPC and PrivateLink quotas, each with EC2's own error code, against a server started with
// small --quota values; deleting frees room again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  ModifyVpcEndpointCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { awsEc2Fails, sdkClient, sdkErrorOf } from './cli.js';

let server: RunningServer;
let ec2: EC2Client;
const R = 'us-east-1';

const quotas = {
  vpcsPerRegion: 2,
  subnetsPerVpc: 1,
  securityGroupsPerRegion: 4,
  securityGroupsPerNetworkInterface: 2,
  inboundRulesPerSecurityGroup: 2,
  outboundRulesPerSecurityGroup: 2,
  interfaceEndpointsPerVpc: 1,
};

before(async () => {
  server = await startServer({
    args: [...Object.entries(quotas).flatMap(([k, v]) => ['--quota', `${k}=${v}`]), '--endpoint-port', '0'],
  });
  ec2 = sdkClient(server);
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

async function refused(call: Promise<unknown>, code: string): Promise<void> {
  const err = await sdkErrorOf(call);
  assert.equal(err.name, code, err.message);
  assert.equal(err.status, 400);
}

test('VPCs per Region (VpcLimitExceeded), subnets per VPC (SubnetLimitExceeded); deleting frees room', async () => {
  const a = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.94.0.0/16' }))).Vpc!.VpcId!;
  const b = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.95.0.0/16' }))).Vpc!.VpcId!;
  await refused(ec2.send(new CreateVpcCommand({ CidrBlock: '127.96.0.0/16' })), 'VpcLimitExceeded');
  // The aws CLI sees the same code.
  assert.match(await awsEc2Fails(server, ['create-vpc', '--cidr-block', '127.96.0.0/16']), /VpcLimitExceeded/);
  await ec2.send(new DeleteVpcCommand({ VpcId: b }));
  const c = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.96.0.0/16' }))).Vpc!.VpcId!;

  const s = (
    await ec2.send(new CreateSubnetCommand({ VpcId: a, CidrBlock: '127.94.1.0/24', AvailabilityZone: `${R}a` }))
  ).Subnet!.SubnetId!;
  await refused(
    ec2.send(new CreateSubnetCommand({ VpcId: a, CidrBlock: '127.94.2.0/24', AvailabilityZone: `${R}a` })),
    'SubnetLimitExceeded',
  );
  await ec2.send(new DeleteSubnetCommand({ SubnetId: s }));
  await ec2.send(new CreateSubnetCommand({ VpcId: a, CidrBlock: '127.94.2.0/24', AvailabilityZone: `${R}a` }));
  await ec2.send(new DeleteVpcCommand({ VpcId: c }));
});

test('security groups per Region (SecurityGroupLimitExceeded), rules per group (RulesPerSecurityGroupLimitExceeded)', async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.97.0.0/16' }))).Vpc!.VpcId!;
  // Two default groups (one per VPC) count too: two more fit under the quota of 4.
  const g1 = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'g1', Description: 'd' })))
    .GroupId!;
  await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'g2', Description: 'd' }));
  await refused(
    ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'g3', Description: 'd' })),
    'SecurityGroupLimitExceeded',
  );

  const ingress = (cidrs: string[]) =>
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: g1,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: cidrs.map((c) => ({ CidrIp: c })) }],
    });
  await refused(ec2.send(ingress(['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16'])), 'RulesPerSecurityGroupLimitExceeded');
  await ec2.send(ingress(['10.0.0.0/8', '10.1.0.0/16']));
  await refused(ec2.send(ingress(['10.2.0.0/16'])), 'RulesPerSecurityGroupLimitExceeded');
  // Outbound: the default allow-all rule is one of the two.
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: g1,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
    }),
  );
  await refused(
    ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: g1,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 81, ToPort: 81, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      }),
    ),
    'RulesPerSecurityGroupLimitExceeded',
  );
});

test('interface endpoints per VPC (VpcEndpointLimitExceeded) and security groups per interface', async () => {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.94.0.0/16' })).catch(() => undefined))?.Vpc?.VpcId;
  assert.equal(vpc, undefined, 'both VPCs of the quota are in use');
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
  const target = Vpcs!.find((v) => v.CidrBlock === '127.94.0.0/16')!;
  const create = (groups?: string[]) =>
    ec2.send(
      new CreateVpcEndpointCommand({
        VpcEndpointType: 'Interface',
        VpcId: target.VpcId!,
        ServiceName: `com.amazonaws.${R}.appmesh`,
        PrivateDnsEnabled: false,
        ...(groups ? { SecurityGroupIds: groups } : {}),
      }),
    );
  const defaultGroup = (
    await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [target.VpcId!] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    )
  ).SecurityGroups![0]!.GroupId!;
  await refused(
    create([defaultGroup, 'sg-00000000000000001', 'sg-00000000000000002']),
    'SecurityGroupsPerInterfaceLimitExceeded',
  );
  const endpoint = (await create()).VpcEndpoint!.VpcEndpointId!;
  await refused(create(), 'VpcEndpointLimitExceeded');
  await refused(
    ec2.send(
      new ModifyVpcEndpointCommand({
        VpcEndpointId: endpoint,
        AddSecurityGroupIds: ['sg-00000000000000001', 'sg-00000000000000002'],
      }),
    ),
    'SecurityGroupsPerInterfaceLimitExceeded',
  );
});

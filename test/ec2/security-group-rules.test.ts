// Security-group rules as Terraform's resources use them, through @aws-sdk/client-ec2:
// IPv6 and prefix-list peers, the provider's revoke of the default IPv6 egress rule,
// sgr- rules described, modified, re-described and tagged; the region's prefix lists; the
// main route table and default network ACL of a VPC.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribePrefixListsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  type EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdkClient, sdkErrorOf } from './cli.js';

let server: RunningServer;
let ec2: EC2Client;
let vpcId: string;

before(async () => {
  server = await startServer();
  ec2 = sdkClient(server);
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.90.0.0/16' }))).Vpc!.VpcId!;
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

const S3 = 'pl-63a5400a';

test('prefix lists: the gateway services of the region, none for interface services', async () => {
  const all = await ec2.send(new DescribePrefixListsCommand({}));
  assert.deepEqual(all.PrefixLists!.map((p) => p.PrefixListName).sort(), [
    'com.amazonaws.us-east-1.dynamodb',
    'com.amazonaws.us-east-1.s3',
  ]);
  const s3 = all.PrefixLists!.find((p) => p.PrefixListId === S3)!;
  assert.ok(s3.Cidrs!.includes('52.216.0.0/15'));
  const byName = await ec2.send(
    new DescribePrefixListsCommand({
      Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.us-east-1.appmesh'] }],
    }),
  );
  assert.deepEqual(byName.PrefixLists, []);
  const managed = await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [S3] }));
  assert.equal(managed.PrefixLists![0]!.OwnerId, 'AWS');
  assert.equal(managed.PrefixLists![0]!.AddressFamily, 'IPv4');
  assert.equal(
    (await sdkErrorOf(ec2.send(new DescribePrefixListsCommand({ PrefixListIds: ['pl-00000000'] })))).name,
    'InvalidPrefixListId.NotFound',
  );
});

test('IPv6 and prefix-list peers are stored and described; revoking a rule that does not exist is InvalidPermission.NotFound', async () => {
  const g = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'v6', Description: 'v6' })))
    .GroupId!;
  // What the Terraform provider does after every CreateSecurityGroup: revoke both default egress rules.
  await ec2.send(
    new RevokeSecurityGroupEgressCommand({
      GroupId: g,
      IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  const v6Revoke = await sdkErrorOf(
    ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: g,
        IpPermissions: [{ IpProtocol: '-1', FromPort: 0, ToPort: 0, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
      }),
    ),
  );
  assert.equal(v6Revoke.name, 'InvalidPermission.NotFound');

  const added = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: g,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Ipv6Ranges: [{ CidrIpv6: '2001:DB8::/32', Description: 'v6' }],
          PrefixListIds: [{ PrefixListId: S3 }],
        },
      ],
      TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'https' }] }],
    }),
  );
  assert.deepEqual(
    added.SecurityGroupRules!.map((r) => [r.CidrIpv6, r.PrefixListId, r.Tags]),
    [
      ['2001:db8::/32', undefined, [{ Key: 'Name', Value: 'https' }]],
      [undefined, S3, [{ Key: 'Name', Value: 'https' }]],
    ],
  );
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: g,
      IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    }),
  );
  const described = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [g] }))).SecurityGroups![0]!;
  assert.deepEqual(described.IpPermissions![0]!.Ipv6Ranges, [{ CidrIpv6: '2001:db8::/32', Description: 'v6' }]);
  assert.deepEqual(described.IpPermissions![0]!.PrefixListIds, [{ PrefixListId: S3 }]);
  assert.deepEqual(described.IpPermissionsEgress![0]!.Ipv6Ranges, [{ CidrIpv6: '::/0' }]);
  const filtered = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.ipv6-cidr', Values: ['2001:db8::/32'] }] }),
  );
  assert.deepEqual(
    filtered.SecurityGroups!.map((x) => x.GroupId),
    [g],
  );

  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: g,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, PrefixListIds: [{ PrefixListId: 'pl-0123abcd' }] },
            ],
          }),
        ),
      )
    ).name,
    'InvalidPrefixListId.NotFound',
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: g,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/129' }] },
            ],
          }),
        ),
      )
    ).name,
    'InvalidParameterValue',
  );
});

test('sgr- rules: describe, modify, update descriptions, tags', async () => {
  const g = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'rules', Description: 'rules' })))
    .GroupId!;
  const [rule] = (
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: g,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.90.0.0/16', Description: 'old' }] },
        ],
      }),
    )
  ).SecurityGroupRules!;
  const id = rule!.SecurityGroupRuleId!;

  const one = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }));
  assert.equal(one.SecurityGroupRules!.length, 1);
  assert.equal(one.SecurityGroupRules![0]!.CidrIpv4, '10.90.0.0/16');
  assert.equal(one.SecurityGroupRules![0]!.IsEgress, false);
  const ofGroup = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [g] }] }),
  );
  assert.equal(ofGroup.SecurityGroupRules!.length, 2, 'the ingress rule and the default egress rule');

  await ec2.send(
    new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: g,
      SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: id, Description: 'new' }],
    }),
  );
  await ec2.send(
    new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: g,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.90.0.0/16', Description: 'newer' }] },
      ],
    }),
  );
  assert.equal(
    (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }))).SecurityGroupRules![0]!
      .Description,
    'newer',
  );

  await ec2.send(
    new ModifySecurityGroupRulesCommand({
      GroupId: g,
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: id,
          SecurityGroupRule: {
            IpProtocol: 'tcp',
            FromPort: 8080,
            ToPort: 8081,
            CidrIpv6: '2001:db8::/48',
            Description: 'moved',
          },
        },
      ],
    }),
  );
  const modified = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] })))
    .SecurityGroupRules![0]!;
  assert.deepEqual(
    [modified.FromPort, modified.ToPort, modified.CidrIpv6, modified.CidrIpv4, modified.Description],
    [8080, 8081, '2001:db8::/48', undefined, 'moved'],
  );

  await ec2.send(
    new CreateTagsCommand({
      Resources: [id],
      Tags: [
        { Key: 'Name', Value: 'web' },
        { Key: 'Env', Value: 'ci' },
      ],
    }),
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'Env' }] }));
  assert.deepEqual(
    (
      await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:Name', Values: ['web'] }] }))
    ).SecurityGroupRules!.map((r) => r.SecurityGroupRuleId),
    [id],
  );
  const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
  assert.deepEqual(
    tags.Tags!.map((t) => [t.ResourceType, t.Key, t.Value]),
    [['security-group-rule', 'Name', 'web']],
  );

  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] })),
      )
    ).name,
    'InvalidSecurityGroupRuleId.NotFound',
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(new CreateTagsCommand({ Resources: ['sgr-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })),
      )
    ).name,
    'InvalidSecurityGroupRuleId.NotFound',
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new ModifySecurityGroupRulesCommand({
            GroupId: g,
            SecurityGroupRules: [
              {
                SecurityGroupRuleId: id,
                SecurityGroupRule: {
                  IpProtocol: 'tcp',
                  FromPort: 1,
                  ToPort: 1,
                  CidrIpv4: '10.0.0.0/8',
                  CidrIpv6: '::/0',
                },
              },
            ],
          }),
        ),
      )
    ).name,
    'InvalidParameterCombination',
  );
});

test('every VPC has a main route table and a default network ACL associated with its subnets', async () => {
  const subnet = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.90.1.0/24', AvailabilityZone: 'us-east-1a' }))
  ).Subnet!.SubnetId!;
  const tables = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  );
  assert.equal(tables.RouteTables!.length, 1);
  assert.match(tables.RouteTables![0]!.RouteTableId!, /^rtb-[0-9a-f]{17}$/);
  assert.deepEqual(
    tables.RouteTables![0]!.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId]),
    [['10.90.0.0/16', 'local']],
  );
  const acls = await ec2.send(
    new DescribeNetworkAclsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'default', Values: ['true'] },
      ],
    }),
  );
  assert.equal(acls.NetworkAcls!.length, 1);
  assert.deepEqual(
    acls.NetworkAcls![0]!.Associations!.map((a) => a.SubnetId),
    [subnet],
  );
  assert.equal(acls.NetworkAcls![0]!.Entries!.length, 4);
  assert.equal(
    (await sdkErrorOf(ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0123456789abcdef0'] })))).name,
    'InvalidRouteTableID.NotFound',
  );
});

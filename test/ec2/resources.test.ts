// VPCs, subnets, security groups, zones, tags, filters, pagination, DryRun and the wire format.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import { unsignedToken, withCursor, cursorOf } from '../helpers/page-tokens.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw.js';
import { awsEc2, sdkClient, sdkErrorOf } from './cli.js';

const R = 'us-east-1';
let server: RunningServer;
let ec2: EC2Client;

before(async () => {
  server = await startServer({ region: R, args: ['--zones', `${R}a,${R}b`, '--quota', 'vpcsPerRegion=50'] });
  ec2 = sdkClient(server);
});

after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

const ec2Query = (body: string) =>
  rawRequest(server, {
    method: 'POST',
    path: '/',
    body,
    service: 'ec2',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });

test('wire format: EC2 XML with requestId first, the error envelope, DryRun as 412', async () => {
  const ok = await ec2Query('Action=DescribeAvailabilityZones&Version=2016-11-15');
  assert.equal(ok.status, 200);
  assert.match(
    ok.text,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeAvailabilityZonesResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><availabilityZoneInfo><item>/,
  );
  assert.match(ok.text, /<zoneId>use1-az1<\/zoneId><zoneName>us-east-1a<\/zoneName>/);

  const missing = await ec2Query('Action=DeleteVpc&Version=2016-11-15');
  assert.equal(missing.status, 400);
  assert.match(
    missing.text,
    /^<\?xml[^>]*>\n<Response><Errors><Error><Code>MissingParameter<\/Code><Message>The request must contain the parameter VpcId<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
  );

  const unknown = await ec2Query('Action=RunInstances&Version=2016-11-15');
  assert.match(unknown.text, /<Code>InvalidAction<\/Code>/);

  const dry = await ec2Query('Action=CreateVpc&Version=2016-11-15&CidrBlock=127.30.0.0/16&DryRun=true');
  assert.equal(dry.status, 412);
  assert.match(dry.text, /<Code>DryRunOperation<\/Code>/);
  assert.deepEqual((await ec2.send(new DescribeVpcsCommand({}))).Vpcs, [], 'a dry run creates nothing');

  const noOutput = await ec2Query('Action=DescribeVpcs&Version=2016-11-15&MaxResults=2');
  assert.match(noOutput.text, /<Code>InvalidParameterValue<\/Code>/, 'the model range of MaxResults');
});

test('VPCs: CIDR rules, default group, DNS attributes, filters and pagination', async () => {
  assert.equal(
    (await sdkErrorOf(ec2.send(new CreateVpcCommand({ CidrBlock: '127.0.0.0/8' })))).name,
    'InvalidVpc.Range',
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new CreateVpcCommand({ CidrBlock: '127.300.0.0/16' })))).name,
    'InvalidParameterValue',
  );
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    const vpc = (
      await ec2.send(
        new CreateVpcCommand({
          CidrBlock: `127.${40 + i}.0.0/16`,
          TagSpecifications: [
            {
              ResourceType: 'vpc',
              Tags: [
                { Key: 'team', Value: i % 2 ? 'odd' : 'even' },
                { Key: `n${i}`, Value: '' },
              ],
            },
          ],
        }),
      )
    ).Vpc!;
    ids.push(vpc.VpcId!);
  }
  const pages: number[] = [];
  const seen: string[] = [];
  for await (const page of paginateDescribeVpcs({ client: ec2, pageSize: 5 }, {})) {
    pages.push(page.Vpcs!.length);
    seen.push(...page.Vpcs!.map((v) => v.VpcId!));
  }
  assert.deepEqual(pages, [5, 2]);
  assert.deepEqual([...seen].sort(), [...ids].sort());
  // A NextToken altered, unsigned or issued for another listing is refused.
  const token = (await ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }))).NextToken!;
  const other = ids.find((id) => id !== cursorOf(token))!;
  for (const bad of [withCursor(token, other), unsignedToken(other)]) {
    const refused = await sdkErrorOf(ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: bad })));
    assert.equal(refused.name, 'InvalidNextToken');
  }
  assert.equal((await sdkErrorOf(ec2.send(new DescribeSubnetsCommand({ NextToken: token })))).name, 'InvalidNextToken');
  const odd = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:team', Values: ['odd'] }] }));
  assert.equal(odd.Vpcs!.length, 3);
  const wild = await ec2.send(
    new DescribeVpcsCommand({
      Filters: [
        { Name: 'cidr', Values: ['127.4?.0.0/16'] },
        { Name: 'tag-key', Values: ['n1', 'n2'] },
      ],
    }),
  );
  assert.equal(wild.Vpcs!.length, 2);
  assert.equal(
    (await sdkErrorOf(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })))).name,
    'InvalidParameterValue',
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })))).name,
    'InvalidVpcID.NotFound',
  );

  const defaults = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids[0]!] }] }),
  );
  assert.equal(defaults.SecurityGroups!.length, 1);
  const dflt = defaults.SecurityGroups![0]!;
  assert.equal(dflt.GroupName, 'default');
  assert.deepEqual(
    dflt.IpPermissions![0]!.UserIdGroupPairs!.map((p) => p.GroupId),
    [dflt.GroupId],
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: dflt.GroupId! })))).name,
    'CannotDelete',
  );

  // The CLI's view of attributes (one per call) and the default values.
  const support = await awsEc2(server, [
    'describe-vpc-attribute',
    '--vpc-id',
    ids[0]!,
    '--attribute',
    'enableDnsSupport',
  ]);
  assert.deepEqual(support, { VpcId: ids[0], EnableDnsSupport: { Value: true } });

  for (const id of ids) await ec2.send(new DeleteVpcCommand({ VpcId: id }));
  assert.equal((await sdkErrorOf(ec2.send(new DeleteVpcCommand({ VpcId: ids[0]! })))).name, 'InvalidVpcID.NotFound');
});

test('subnets: zones from --zones, CIDR inside the VPC, no overlap, dependencies', async () => {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.50.0.0/16' }))).Vpc!.VpcId!;
  const zone = await sdkErrorOf(
    ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.50.1.0/24', AvailabilityZone: `${R}c` })),
  );
  assert.equal(zone.name, 'InvalidParameterValue');
  assert.match(zone.message, /us-east-1a, us-east-1b/);
  assert.equal(
    (await sdkErrorOf(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.51.1.0/24' })))).name,
    'InvalidSubnet.Range',
  );
  const a = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.50.0.0/20', AvailabilityZone: `${R}a` }))
  ).Subnet!;
  assert.equal(
    (await sdkErrorOf(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.50.1.0/24' })))).name,
    'InvalidSubnet.Conflict',
  );
  const b = (
    await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.50.16.0/24', AvailabilityZoneId: 'use1-az2' }),
    )
  ).Subnet!;
  assert.equal(b.AvailabilityZone, `${R}b`);
  const inB = await ec2.send(
    new DescribeSubnetsCommand({
      Filters: [
        { Name: 'availability-zone', Values: [`${R}b`] },
        { Name: 'vpc-id', Values: [vpcId] },
      ],
    }),
  );
  assert.deepEqual(
    inB.Subnets!.map((s) => s.SubnetId),
    [b.SubnetId],
  );
  assert.equal((await sdkErrorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).name, 'DependencyViolation');
  await ec2.send(new DeleteSubnetCommand({ SubnetId: a.SubnetId! }));
  await ec2.send(new DeleteSubnetCommand({ SubnetId: b.SubnetId! }));
  assert.equal(
    (await sdkErrorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: b.SubnetId! })))).name,
    'InvalidSubnetID.NotFound',
  );
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
});

test('security groups: rules with CIDR and group sources, duplicates, revoke, references block deletion', async () => {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.60.0.0/16' }))).Vpc!.VpcId!;
  const web = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web' })))
    .GroupId!;
  const app = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'app', Description: 'app' })))
    .GroupId!;
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'again' })),
      )
    ).name,
    'InvalidGroup.Duplicate',
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'default', Description: 'x' })),
      )
    ).name,
    'InvalidParameterValue',
  );
  const added = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: app,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '127.60.1.0/24' }],
          UserIdGroupPairs: [{ GroupId: web }],
        },
      ],
    }),
  );
  assert.equal(added.Return, true);
  assert.equal(added.SecurityGroupRules!.length, 2);
  assert.match(added.SecurityGroupRules![0]!.SecurityGroupRuleId!, /^sgr-[0-9a-f]{17}$/);
  const dup = await sdkErrorOf(
    ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: app,
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        CidrIp: '127.60.1.0/24',
      }),
    ),
  );
  assert.equal(dup.name, 'InvalidPermission.Duplicate');
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: app,
            IpProtocol: 'tcp',
            FromPort: 1,
            ToPort: 2,
            CidrIp: '127.60.1/24',
          }),
        ),
      )
    ).name,
    'InvalidPermission.Malformed',
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: 'sg-0123456789abcdef0',
            IpProtocol: '-1',
            CidrIp: '0.0.0.0/0',
          }),
        ),
      )
    ).name,
    'InvalidGroup.NotFound',
  );

  const byCidr = await ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.cidr', Values: ['127.60.1.0/24'] }] }),
  );
  assert.deepEqual(
    byCidr.SecurityGroups!.map((g) => g.GroupId),
    [app],
  );
  const desc = byCidr.SecurityGroups![0]!.IpPermissions!;
  assert.equal(desc.length, 1);
  assert.deepEqual(
    desc[0]!.UserIdGroupPairs!.map((p) => p.GroupId),
    [web],
  );

  assert.equal(
    (await sdkErrorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: web })))).name,
    'DependencyViolation',
  );
  await ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: app,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: web }] }],
    }),
  );
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: app,
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: web }] }],
          }),
        ),
      )
    ).name,
    'InvalidPermission.NotFound',
  );
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: web }));
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app }));
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
});

test('zones and tags', async () => {
  const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  assert.deepEqual(
    zones.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.State]),
    [
      [`${R}a`, 'use1-az1', 'available'],
      [`${R}b`, 'use1-az2', 'available'],
    ],
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: [`${R}z`] })))).name,
    'InvalidParameterValue',
  );

  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.70.0.0/16' }))).Vpc!.VpcId!;
  await ec2.send(
    new CreateTagsCommand({
      Resources: [vpcId],
      Tags: [
        { Key: 'Name', Value: 'mesh' },
        { Key: 'env', Value: 'dev' },
      ],
    }),
  );
  let tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }));
  assert.deepEqual(
    tags.Tags!.map((t) => [t.Key, t.Value, t.ResourceType]),
    [
      ['Name', 'mesh', 'vpc'],
      ['env', 'dev', 'vpc'],
    ],
  );
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env', Value: 'prod' }] }));
  tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }));
  assert.equal(tags.Tags!.length, 2, 'a non-matching value deletes nothing');
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'env' }] }));
  const vpc = (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
  assert.deepEqual(vpc.Tags, [{ Key: 'Name', Value: 'mesh' }]);
  assert.equal(
    (
      await sdkErrorOf(
        ec2.send(new CreateTagsCommand({ Resources: ['vpc-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })),
      )
    ).name,
    'InvalidVpcID.NotFound',
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] }))))
      .name,
    'InvalidParameterValue',
  );
  const wrongType = await sdkErrorOf(
    ec2.send(
      new CreateVpcCommand({
        CidrBlock: '127.71.0.0/16',
        TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'a', Value: 'b' }] }],
      }),
    ),
  );
  assert.equal(wrongType.name, 'InvalidParameterValue');
  await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
});

// App Mesh's documented interface-endpoint set-up, step by step with the real aws CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { awsEc2, sdkClient } from './cli.js';
import { poll } from '../helpers/wait.js';

const REGION = 'us-east-2';
let server: RunningServer;

before(async () => {
  server = await startServer({
    region: REGION,
    args: [
      '--zones',
      `${REGION}a,${REGION}b,${REGION}c`,
      '--service-zones',
      `appmesh-envoy-management=${REGION}a,${REGION}b`,
      '--endpoint-settle-ms',
      '300',
    ],
  });
});

after(async () => {
  await server?.stop();
  server?.cleanup();
});

test('the documented workflow: VPC, DNS attributes, subnets, security group, both endpoints with private DNS', async () => {
  const vpc = (await awsEc2(server, ['create-vpc', '--cidr-block', '127.10.0.0/16'])).Vpc;
  assert.match(vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
  assert.equal(vpc.CidrBlock, '127.10.0.0/16');
  const vpcId: string = vpc.VpcId;

  // Independent steps run side by side: each CLI call costs a Python start-up.
  const [, , subnetA, subnetB, zones, sg] = await Promise.all([
    awsEc2(server, ['modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-support', '{"Value":true}']),
    awsEc2(server, ['modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames', '{"Value":true}']),
    awsEc2(server, [
      'create-subnet',
      '--vpc-id',
      vpcId,
      '--cidr-block',
      '127.10.1.0/24',
      '--availability-zone',
      `${REGION}a`,
    ]).then((o) => o.Subnet),
    awsEc2(server, [
      'create-subnet',
      '--vpc-id',
      vpcId,
      '--cidr-block',
      '127.10.2.0/24',
      '--availability-zone',
      `${REGION}b`,
    ]).then((o) => o.Subnet),
    awsEc2(server, [
      'describe-vpc-endpoint-services',
      '--query',
      `ServiceDetails[?ServiceName==\`com.amazonaws.${REGION}.appmesh-envoy-management\`].AvailabilityZones[]`,
    ]),
    awsEc2(server, [
      'create-security-group',
      '--group-name',
      'appmesh-vpce',
      '--description',
      'App Mesh endpoints',
      '--vpc-id',
      vpcId,
    ]),
  ]);
  assert.deepEqual(zones, [`${REGION}a`, `${REGION}b`]);
  // Checks go through the SDK: each CLI call costs a Python start-up.
  const ec2 = sdkClient(server);
  const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
  assert.deepEqual([hostnames.VpcId, hostnames.EnableDnsHostnames], [vpcId, { Value: true }]);

  assert.match(subnetA.SubnetId, /^subnet-[0-9a-f]{17}$/);
  assert.equal(subnetB.AvailabilityZone, `${REGION}b`);
  assert.equal(subnetA.AvailableIpAddressCount, 251);

  assert.match(sg.GroupId, /^sg-[0-9a-f]{17}$/);
  await awsEc2(server, [
    'authorize-security-group-ingress',
    '--group-id',
    sg.GroupId,
    '--protocol',
    'tcp',
    '--port',
    '443',
    '--cidr',
    '127.10.1.0/24',
  ]);
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg.GroupId] }))).SecurityGroups!;
  assert.deepEqual(
    groups[0]!.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges]),
    [['tcp', 443, 443, [{ CidrIp: '127.10.1.0/24' }]]],
  );

  const services = ['appmesh', 'appmesh-envoy-management'];
  const created = await Promise.all(
    services.map((service) =>
      awsEc2(server, [
        'create-vpc-endpoint',
        '--vpc-endpoint-type',
        'Interface',
        '--vpc-id',
        vpcId,
        '--service-name',
        `com.amazonaws.${REGION}.${service}`,
        '--subnet-ids',
        subnetA.SubnetId,
        subnetB.SubnetId,
        '--security-group-ids',
        sg.GroupId,
        '--private-dns-enabled',
      ]),
    ),
  );
  const endpoints: any[] = created.map((c) => c.VpcEndpoint);
  for (const [i, service] of services.entries()) {
    const e = endpoints[i];
    assert.match(e.VpcEndpointId, /^vpce-[0-9a-f]{17}$/);
    assert.equal(e.State, 'pending');
    assert.equal(e.VpcEndpointType, 'Interface');
    assert.equal(e.PrivateDnsEnabled, true);
    assert.deepEqual(e.Groups, [{ GroupId: sg.GroupId, GroupName: 'appmesh-vpce' }]);
    assert.equal(e.NetworkInterfaceIds.length, 2);
    const names: string[] = e.DnsEntries.map((d: any) => d.DnsName);
    const id = e.VpcEndpointId;
    assert.equal(names.length, 4);
    assert.match(names[0]!, new RegExp(`^${id}-[a-z0-9]{8}\\.${service}\\.${REGION}\\.vpce\\.amazonaws\\.com$`));
    assert.match(
      names[1]!,
      new RegExp(`^${id}-[a-z0-9]{8}-${REGION}a\\.${service}\\.${REGION}\\.vpce\\.amazonaws\\.com$`),
    );
    assert.match(
      names[2]!,
      new RegExp(`^${id}-[a-z0-9]{8}-${REGION}b\\.${service}\\.${REGION}\\.vpce\\.amazonaws\\.com$`),
    );
    assert.equal(names[3], `${service}.${REGION}.amazonaws.com`);
    assert.match(e.CreationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }

  // The v1 CLI has no vpc-endpoint waiter; poll describe as Terraform does.
  const ids = endpoints.map((e) => e.VpcEndpointId);
  const states = await poll(
    async () =>
      (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ids }))).VpcEndpoints!.map((e) =>
        String(e.State),
      ),
    { until: (now) => now.every((s) => s === 'available'), timeoutMs: 6000 },
  );
  assert.deepEqual(states, ['available', 'available']);

  const enis: any[] = (
    await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'interface-type', Values: ['vpc_endpoint'] },
        ],
      }),
    )
  ).NetworkInterfaces!;
  assert.equal(enis.length, 4);
  for (const eni of enis) {
    assert.match(eni.NetworkInterfaceId, /^eni-[0-9a-f]{17}$/);
    assert.equal(eni.RequesterManaged, true);
    assert.equal(eni.InterfaceType, 'vpc_endpoint');
    assert.match(eni.Description, /^VPC Endpoint Interface vpce-[0-9a-f]{17}$/);
    assert.deepEqual(eni.Groups, [{ GroupId: sg.GroupId, GroupName: 'appmesh-vpce' }]);
    const subnet = eni.SubnetId === subnetA.SubnetId ? '127.10.1.' : '127.10.2.';
    assert.ok(eni.PrivateIpAddress.startsWith(subnet), eni.PrivateIpAddress);
    // The first four addresses of a subnet are AWS's.
    assert.ok(Number(eni.PrivateIpAddress.split('.')[3]) >= 4);
  }
  const ips = enis.map((e: any) => e.PrivateIpAddress);
  assert.equal(new Set(ips).size, 4, 'every interface has its own address');
  ec2.destroy();
});

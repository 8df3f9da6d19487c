// Interface endpoint refusals, modification and deletion through @aws-sdk/client-ec2 (and the CLI where it matters).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  ModifyVpcAttributeCommand,
  ModifyVpcEndpointCommand,
  DeleteSecurityGroupCommand,
} from '@aws-sdk/client-ec2';
import { startServer, type RunningServer } from '../helpers/server.js';
import { awsEc2Fails, sdkClient, sdkErrorOf } from './cli.js';
import { poll } from '../helpers/wait.js';

const R = 'us-east-1';
const APPMESH = `com.amazonaws.${R}.appmesh`;
const ENVOY = `com.amazonaws.${R}.appmesh-envoy-management`;
const LOGS = `com.amazonaws.${R}.logs`;
let server: RunningServer;
let ec2: EC2Client;
let vpcId: string;
const subnets: Record<string, string> = {};

before(async () => {
  server = await startServer({
    region: R,
    args: [
      '--service-zones',
      `appmesh-envoy-management=${R}a,${R}b`,
      '--service-zones',
      `logs=${R}b`,
      '--endpoint-settle-ms',
      '200',
    ],
  });
  ec2 = sdkClient(server);
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.20.0.0/16' }))).Vpc!.VpcId!;
  const zones = ['a', 'b', 'c'];
  for (const [i, z] of zones.entries()) {
    subnets[z] = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `127.20.${i}.0/28`, AvailabilityZone: `${R}${z}` }),
      )
    ).Subnet!.SubnetId!;
  }
  subnets.a2 = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.20.10.0/24', AvailabilityZone: `${R}a` }))
  ).Subnet!.SubnetId!;
});

after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
});

const create = (input: Record<string, unknown>) =>
  ec2.send(
    new CreateVpcEndpointCommand({ VpcEndpointType: 'Interface', VpcId: vpcId, PrivateDnsEnabled: false, ...input }),
  );

test('service catalog: details, policy support, region and unknown names', async () => {
  const out = await ec2.send(new DescribeVpcEndpointServicesCommand({}));
  assert.deepEqual(out.ServiceNames, [APPMESH, ENVOY, LOGS]);
  const logs = out.ServiceDetails!.find((d) => d.ServiceName === LOGS)!;
  assert.deepEqual(logs.AvailabilityZones, [`${R}b`]);
  assert.equal(logs.VpcEndpointPolicySupported, true);
  assert.equal(logs.PrivateDnsName, `logs.${R}.amazonaws.com`);
  const envoy = out.ServiceDetails!.find((d) => d.ServiceName === ENVOY)!;
  assert.deepEqual(envoy.AvailabilityZones, [`${R}a`, `${R}b`]);
  assert.equal(envoy.VpcEndpointPolicySupported, false);
  assert.equal(envoy.AcceptanceRequired, false);
  assert.equal(envoy.ManagesVpcEndpoints, false);
  assert.equal(envoy.Owner, 'amazon');
  assert.deepEqual(envoy.ServiceType, [{ ServiceType: 'Interface' }]);
  assert.deepEqual(envoy.BaseEndpointDnsNames, [`appmesh-envoy-management.${R}.vpce.amazonaws.com`]);
  assert.equal(envoy.PrivateDnsName, `appmesh-envoy-management.${R}.amazonaws.com`);
  const mesh = out.ServiceDetails!.find((d) => d.ServiceName === APPMESH)!;
  assert.deepEqual(mesh.AvailabilityZones, [`${R}a`, `${R}b`, `${R}c`]);
  assert.equal(mesh.VpcEndpointPolicySupported, true);
  const paged = await ec2.send(new DescribeVpcEndpointServicesCommand({ MaxResults: 1 }));
  assert.deepEqual(paged.ServiceNames, [APPMESH]);
  const next = await ec2.send(new DescribeVpcEndpointServicesCommand({ MaxResults: 1, NextToken: paged.NextToken! }));
  assert.deepEqual(next.ServiceNames, [ENVOY]);
  const last = await ec2.send(new DescribeVpcEndpointServicesCommand({ MaxResults: 1, NextToken: next.NextToken! }));
  assert.deepEqual(last.ServiceNames, [LOGS]);
  assert.equal(last.NextToken, undefined);
  const err = await sdkErrorOf(
    ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: ['com.amazonaws.us-west-2.appmesh'] })),
  );
  assert.equal(err.name, 'InvalidServiceName');
});

test('CreateVpcEndpoint refusals carry the EC2 error codes', async () => {
  const cases: [Record<string, unknown>, string, RegExp?][] = [
    [{ ServiceName: 'com.amazonaws.us-west-2.appmesh' }, 'InvalidServiceName', /does not exist/],
    [{ ServiceName: `com.amazonaws.${R}.nope` }, 'InvalidServiceName'],
    [{ ServiceName: APPMESH, VpcId: 'vpc-0123456789abcdef0' }, 'InvalidVpcID.NotFound'],
    [{ ServiceName: APPMESH, SubnetIds: ['subnet-0123456789abcdef0'] }, 'InvalidSubnetID.NotFound'],
    [
      { ServiceName: APPMESH, SubnetIds: [subnets.a, subnets.a2] },
      'DuplicateSubnetsInSameZone',
      /Found another VPC endpoint subnet in the availability zone of/,
    ],
    [
      { ServiceName: ENVOY, SubnetIds: [subnets.c!] },
      'InvalidParameter',
      /does not support the availability zone of the subnet/,
    ],
    [
      { ServiceName: ENVOY, SubnetIds: [subnets.a!], PolicyDocument: '{"Statement":[]}' },
      'InvalidParameter',
      /policies/,
    ],
    [
      { ServiceName: APPMESH, SubnetIds: [subnets.a!], PolicyDocument: `{"Statement":[],"x":"${'a'.repeat(20_480)}"}` },
      'InvalidParameter',
      /20480/,
    ],
    [{ ServiceName: APPMESH, SubnetIds: [subnets.a!], PolicyDocument: 'not json' }, 'InvalidPolicyDocument'],
    [
      { ServiceName: APPMESH, SubnetIds: [subnets.a!], PrivateDnsEnabled: true },
      'InvalidParameter',
      new RegExp(
        `^Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpcId}$`,
      ),
    ],
    [{ ServiceName: APPMESH, SecurityGroupIds: ['sg-0123456789abcdef0'] }, 'InvalidGroup.NotFound'],
    [{ ServiceName: APPMESH, VpcEndpointType: 'Gateway' }, 'InvalidParameter'],
  ];
  for (const [input, code, message] of cases) {
    const err = await sdkErrorOf(create(input));
    assert.equal(err.name, code, `${JSON.stringify(input).slice(0, 200)} → ${err.name}: ${err.message}`);
    assert.equal(err.status, 400);
    if (message) assert.match(err.message, message);
  }
  // The CLI shows the same code; nothing was created by any refused call.
  const stderr = await awsEc2Fails(server, [
    'create-vpc-endpoint',
    '--vpc-endpoint-type',
    'Interface',
    '--vpc-id',
    vpcId,
    '--service-name',
    ENVOY,
    '--subnet-ids',
    subnets.c!,
  ]);
  assert.match(stderr, /\(InvalidParameter\)/);
  assert.deepEqual((await ec2.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints, []);
  assert.deepEqual((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces, []);
});

test('private DNS: needs both attributes, and one claim per name in a VPC', async () => {
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const first = (await create({ ServiceName: APPMESH, SubnetIds: [subnets.a!], PrivateDnsEnabled: true })).VpcEndpoint!;
  assert.equal(first.DnsEntries!.at(-1)!.DnsName, `appmesh.${R}.amazonaws.com`);
  const err = await sdkErrorOf(create({ ServiceName: APPMESH, SubnetIds: [subnets.b!], PrivateDnsEnabled: true }));
  assert.equal(err.name, 'InvalidParameter');
  assert.match(err.message, /conflicting DNS domain for appmesh\.us-east-1\.amazonaws\.com/);
  const second = (await create({ ServiceName: APPMESH, SubnetIds: [subnets.b!] })).VpcEndpoint!;
  const turnOn = await sdkErrorOf(
    ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: second.VpcEndpointId!, PrivateDnsEnabled: true })),
  );
  assert.equal(turnOn.name, 'InvalidParameter');
  await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [first.VpcEndpointId!, second.VpcEndpointId!] }));
  await waitGone([first.VpcEndpointId!, second.VpcEndpointId!]);
});

test('modify adds and removes interfaces, keeps addresses, and resets the policy', async () => {
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'extra', Description: 'x' })))
    .GroupId!;
  const e = (
    await create({
      ServiceName: APPMESH,
      SubnetIds: [subnets.a!],
      PolicyDocument: '{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}',
    })
  ).VpcEndpoint!;
  const id = e.VpcEndpointId!;
  assert.equal(e.Groups![0]!.GroupName, 'default', 'the VPC default group when none is given');
  const ipA = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: e.NetworkInterfaceIds })))
    .NetworkInterfaces![0]!.PrivateIpAddress;
  assert.equal(ipA, '127.20.0.4');

  await ec2.send(
    new ModifyVpcEndpointCommand({
      VpcEndpointId: id,
      AddSubnetIds: [subnets.b!],
      AddSecurityGroupIds: [sg],
      ResetPolicy: true,
    }),
  );
  let now = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }))).VpcEndpoints![0]!;
  assert.equal(now.State, 'pending');
  assert.deepEqual(now.SubnetIds, [subnets.a, subnets.b]);
  assert.equal(now.NetworkInterfaceIds!.length, 2);
  assert.equal(JSON.parse(now.PolicyDocument!).Statement[0].Effect, 'Allow');
  const byEndpoint = (
    await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: now.NetworkInterfaceIds }))
  ).NetworkInterfaces!;
  assert.ok(
    byEndpoint.some((n) => n.PrivateIpAddress === ipA),
    'the kept subnet keeps its address',
  );
  assert.ok(byEndpoint.every((n) => n.Groups!.length === 2));

  const dup = await sdkErrorOf(
    ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: id, AddSubnetIds: [subnets.a2!] })),
  );
  assert.equal(dup.name, 'DuplicateSubnetsInSameZone');
  await ec2.send(
    new ModifyVpcEndpointCommand({ VpcEndpointId: id, RemoveSubnetIds: [subnets.a!], AddSubnetIds: [subnets.a2!] }),
  );
  now = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }))).VpcEndpoints![0]!;
  assert.deepEqual(now.SubnetIds, [subnets.b, subnets.a2]);

  // Dependencies: a subnet with an interface, a group in use, the VPC.
  assert.equal(
    (await sdkErrorOf(ec2.send(new DeleteSubnetCommand({ SubnetId: subnets.b! })))).name,
    'DependencyViolation',
  );
  assert.equal(
    (await sdkErrorOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg })))).name,
    'DependencyViolation',
  );
  assert.equal((await sdkErrorOf(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).name, 'DependencyViolation');

  const missing = await sdkErrorOf(
    ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: 'vpce-0123456789abcdef0', ResetPolicy: true })),
  );
  assert.equal(missing.name, 'InvalidVpcEndpointId.NotFound');

  const del = await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id, 'vpce-0123456789abcdef0'] }));
  assert.deepEqual(
    del.Unsuccessful!.map((u) => [u.ResourceId, u.Error!.Code]),
    [['vpce-0123456789abcdef0', 'InvalidVpcEndpoint.NotFound']],
  );
  assert.deepEqual(
    (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
      .NetworkInterfaces,
    [],
  );
  await waitGone([id]);
  await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg }));
});

test('concurrent creates in one subnet never share an address', async () => {
  const made = await Promise.all(
    [0, 1, 2, 3, 4, 5].map(() => create({ ServiceName: APPMESH, SubnetIds: [subnets.c!] })),
  );
  const ids = made.map((m) => m.VpcEndpoint!.VpcEndpointId!);
  const enis = (
    await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnets.c!] }] }))
  ).NetworkInterfaces!;
  const ips = enis.map((n) => n.PrivateIpAddress);
  assert.equal(enis.length, 6);
  assert.equal(new Set(ips).size, 6);
  // A /28 has 16 addresses: 4 reserved at the start, 1 at the end → 11 usable; .4 … .14.
  assert.deepEqual(
    [...ips].sort((a, b) => Number(a!.split('.')[3]) - Number(b!.split('.')[3])),
    [4, 5, 6, 7, 8, 9].map((n) => `127.20.2.${n}`),
  );
  await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: ids }));
  await waitGone(ids);
});

async function waitGone(ids: string[]): Promise<void> {
  const gone = await poll(
    async () => {
      const left = (
        await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: ids }] }))
      ).VpcEndpoints!;
      assert.ok(left.every((e) => String(e.State) === 'deleting'));
      return left.length === 0;
    },
    { until: (done) => done, timeoutMs: 8000 },
  );
  assert.ok(gone, `endpoints ${ids.join(', ')} were not removed`);
}

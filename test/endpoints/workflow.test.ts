// App Mesh's documented interface-endpoint workflow with the real aws CLI, through to
// traffic: the endpoints become available, the private name resolves to the interface
// addresses from inside the VPC, and `aws appmesh list-meshes` works through an
// interface with the CA bundle. The VPC is 127.0.0.0/16 so that the CLI's own source
// address (127.0.0.1) lies in the client subnet the security group allows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';
import { awsJson } from '../helpers/aws-cli.js';
import { dnsQuery, ec2Client, interfaceAddresses, RecordType, waitAvailable, waitPort } from './support.js';
import { type ReservedPort, reservePort } from '../helpers/ports.js';

let server: RunningServer;
let ec2: EC2Client;
let port: number;
let endpointPortHold: ReservedPort | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-workflow-'));

before(async () => {
  endpointPortHold = await reservePort();
  port = endpointPortHold.port;
  server = await startServer({
    args: ['--endpoint-port', String(port), '--dns-listen', '127.0.0.1:0', '--endpoint-settle-ms', '100'],
  });
  ec2 = ec2Client(server);
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  await endpointPortHold?.release();
});

const aws = (...args: string[]) => awsJson(server, args);

test('documented workflow: endpoints available, private DNS inside the VPC, aws appmesh through the endpoint', async () => {
  const region = server.region;
  const vpcId: string = (await aws('ec2', 'create-vpc', '--cidr-block', '127.0.0.0/16')).Vpc.VpcId;
  const [, , clientSubnet, otherSubnet, group, zones] = await Promise.all([
    aws('ec2', 'modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-support', '{"Value":true}'),
    aws('ec2', 'modify-vpc-attribute', '--vpc-id', vpcId, '--enable-dns-hostnames', '{"Value":true}'),
    aws('ec2', 'create-subnet', '--vpc-id', vpcId, '--cidr-block', '127.0.0.0/24', '--availability-zone', `${region}a`),
    aws('ec2', 'create-subnet', '--vpc-id', vpcId, '--cidr-block', '127.0.1.0/24', '--availability-zone', `${region}b`),
    aws(
      'ec2',
      'create-security-group',
      '--group-name',
      'appmesh-vpce',
      '--description',
      'App Mesh endpoints',
      '--vpc-id',
      vpcId,
    ),
    aws(
      'ec2',
      'describe-vpc-endpoint-services',
      '--query',
      `ServiceDetails[?ServiceName==\`com.amazonaws.${region}.appmesh-envoy-management\`].AvailabilityZones[]`,
    ),
  ]);
  assert.deepEqual(zones, [`${region}a`, `${region}b`, `${region}c`]);
  await aws(
    'ec2',
    'authorize-security-group-ingress',
    '--group-id',
    group.GroupId,
    '--protocol',
    'tcp',
    '--port',
    String(port),
    '--cidr',
    '127.0.0.0/24',
  );
  const subnets = [clientSubnet.Subnet.SubnetId, otherSubnet.Subnet.SubnetId];
  const created = await Promise.all(
    ['appmesh', 'appmesh-envoy-management'].map((code) =>
      aws(
        'ec2',
        'create-vpc-endpoint',
        '--vpc-endpoint-type',
        'Interface',
        '--vpc-id',
        vpcId,
        '--service-name',
        `com.amazonaws.${region}.${code}`,
        '--subnet-ids',
        ...subnets,
        '--security-group-ids',
        group.GroupId,
        '--private-dns-enabled',
      ),
    ),
  );
  const ids = created.map((c) => c.VpcEndpoint.VpcEndpointId as string);
  const [meshEndpoint] = await waitAvailable(ec2, ids.slice(0, 1));
  await waitAvailable(ec2, ids);
  const addresses = await interfaceAddresses(ec2, meshEndpoint!);

  const resolved = await dnsQuery(
    Number(server.ready.dnsPort),
    `appmesh.${region}.amazonaws.com`,
    RecordType.A,
    '127.0.0.1',
  );
  assert.deepEqual(resolved.answers.map((a) => (a.type === 'A' ? a.address : '')).sort(), [...addresses].sort());

  const bundle = join(scratch, 'ca.pem');
  writeFileSync(bundle, execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', server.dataDir]));
  await waitPort(addresses[0]!, port, 'open');
  const meshes = await awsJson(server, ['appmesh', 'list-meshes', '--ca-bundle', bundle], {
    endpointUrl: `https://${addresses[0]}:${port}`,
  });
  assert.deepEqual(meshes.meshes, []);
});

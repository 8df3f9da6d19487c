// boto3 (the Python SDK) against a real server: one script drives the App Mesh, EC2, Cloud Map and
// IAM APIs through their own protocols and reports what it saw; this test checks that report.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { awsEnv, startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

const script = String.raw`
import json, sys, boto3, botocore
url = sys.argv[1]
out = {}
mesh = boto3.client('appmesh', endpoint_url=url)
out['mesh'] = mesh.create_mesh(meshName='py')['mesh']
for name in ['a', 'b', 'c']:
  mesh.create_virtual_node(meshName='py', virtualNodeName=name, spec={
    'listeners': [{'portMapping': {'port': 8080, 'protocol': 'http'}}],
    'serviceDiscovery': {'dns': {'hostname': name + '.local'}}})
out['pages'] = [[n['virtualNodeName'] for n in p['virtualNodes']] for p in mesh.get_paginator('list_virtual_nodes').paginate(meshName='py', PaginationConfig={'PageSize': 2})]
try:
  mesh.describe_virtual_node(meshName='py', virtualNodeName='missing')
except botocore.exceptions.ClientError as e:
  out['notFound'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
try:
  mesh.delete_mesh(meshName='py')
except mesh.exceptions.ResourceInUseException as e:
  out['inUse'] = e.response['Error']['Code']
out['deleted'] = mesh.delete_virtual_node(meshName='py', virtualNodeName='a')['virtualNode']['status']['status']
ec2 = boto3.client('ec2', endpoint_url=url)
vpc = ec2.create_vpc(CidrBlock='127.77.0.0/16')['Vpc']
out['vpc'] = vpc['VpcId']
out['services'] = sorted(s['ServiceName'] for s in ec2.describe_vpc_endpoint_services()['ServiceDetails'])
try:
  ec2.describe_vpcs(VpcIds=['vpc-00000000000000000'])
except botocore.exceptions.ClientError as e:
  out['vpcError'] = e.response['Error']['Code']
sd = boto3.client('servicediscovery', endpoint_url=url)
op = sd.create_http_namespace(Name='py-ns')['OperationId']
out['operation'] = sd.get_operation(OperationId=op)['Operation']['Status']
iam = boto3.client('iam', endpoint_url=url)
out['user'] = iam.create_user(UserName='py-user')['User']['UserName']
try:
  iam.get_user(UserName='nobody')
except iam.exceptions.NoSuchEntityException as e:
  out['iamError'] = e.response['Error']['Code']
print(json.dumps(out, default=str))
`;

test('boto3 speaks every protocol appmeshd serves', async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'python3',
      ['-c', script, server.endpoint],
      { env: awsEnv(server), timeout: 60_000 },
      (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${errOut}`));
        else resolve(out);
      },
    );
  });
  const seen = JSON.parse(stdout);
  assert.equal(seen.mesh.meshName, 'py');
  assert.equal(seen.mesh.spec.egressFilter.type, 'DROP_ALL');
  assert.equal(seen.mesh.metadata.version, 1);
  assert.deepEqual(seen.pages, [['a', 'b'], ['c']]);
  assert.deepEqual(seen.notFound, ['NotFoundException', 404]);
  assert.equal(seen.inUse, 'ResourceInUseException');
  assert.equal(seen.deleted, 'DELETED');
  assert.match(seen.vpc, /^vpc-[0-9a-f]{17}$/);
  assert.deepEqual(seen.services, [
    'com.amazonaws.us-east-1.appmesh',
    'com.amazonaws.us-east-1.appmesh-envoy-management',
    'com.amazonaws.us-east-1.logs',
  ]);
  assert.equal(seen.vpcError, 'InvalidVpcID.NotFound');
  assert.equal(seen.operation, 'SUCCESS');
  assert.equal(seen.user, 'py-user');
  assert.equal(seen.iamError, 'NoSuchEntity');
});

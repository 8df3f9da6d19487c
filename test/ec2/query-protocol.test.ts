// The EC2 Query protocol on its own: the wire bodies botocore sends, decoded by the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors.js';
import { ec2Model } from '../../src/protocols/generated/ec2.js';
import { ec2QueryProtocol } from '../../src/protocols/query/ec2-style.js';

const protocol = ec2QueryProtocol(ec2Model);
const decode = (body: string, rawQuery = '') =>
  protocol.decode(
    {
      method: 'POST',
      path: '/',
      rawQuery,
      body: Buffer.from(body),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    },
    ec2Model,
  );

test('lists, nested structures, tag specifications and booleans decode by the model', () => {
  const { operation, input } = decode(
    [
      'Action=CreateVpcEndpoint',
      'Version=2016-11-15',
      'VpcEndpointType=Interface',
      'VpcId=vpc-1',
      'ServiceName=com.amazonaws.us-east-1.appmesh-envoy-management',
      'SubnetId.1=subnet-a',
      'SubnetId.2=subnet-b',
      'SecurityGroupId.1=sg-1',
      'PrivateDnsEnabled=true',
      'DnsOptions.DnsRecordIpType=ipv4',
      'TagSpecification.1.ResourceType=vpc-endpoint',
      'TagSpecification.1.Tag.1.Key=Name',
      'TagSpecification.1.Tag.1.Value=x%20y',
    ].join('&'),
  );
  assert.equal(operation.name, 'CreateVpcEndpoint');
  assert.deepEqual(input, {
    VpcEndpointType: 'Interface',
    VpcId: 'vpc-1',
    ServiceName: 'com.amazonaws.us-east-1.appmesh-envoy-management',
    SubnetIds: ['subnet-a', 'subnet-b'],
    SecurityGroupIds: ['sg-1'],
    PrivateDnsEnabled: true,
    DnsOptions: { DnsRecordIpType: 'ipv4' },
    TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [{ Key: 'Name', Value: 'x y' }] }],
  });
  const filters = decode(
    'Action=DescribeVpcEndpoints&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&MaxResults=5',
  );
  assert.deepEqual(filters.input, { Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }], MaxResults: 5 });
  // locationName-derived wire names: GroupDescription, and ModifyVpcAttribute's VpcId.
  assert.deepEqual(
    decode('Action=CreateSecurityGroup&Version=2016-11-15&GroupName=g&GroupDescription=d&VpcId=vpc-1').input,
    { GroupName: 'g', Description: 'd', VpcId: 'vpc-1' },
  );
  assert.deepEqual(
    decode('', 'Action=ModifyVpcAttribute&Version=2016-11-15&VpcId=vpc-1&EnableDnsSupport.Value=false').input,
    { VpcId: 'vpc-1', EnableDnsSupport: { Value: false } },
  );
});

test('unreadable requests are refused with EC2 codes', () => {
  const codeOf = (body: string) => {
    try {
      decode(body);
    } catch (err) {
      return (err as ApiError).code;
    }
    return 'accepted';
  };
  assert.equal(codeOf('Version=2016-11-15'), 'MissingParameter');
  assert.equal(codeOf('Action=DescribeVpcs'), 'MissingParameter');
  assert.equal(codeOf('Action=DescribeVpcs&Version=2014-01-01'), 'InvalidAction');
  assert.equal(codeOf('Action=TerminateInstances&Version=2016-11-15'), 'InvalidAction');
  assert.equal(codeOf('Action=DescribeVpcs&Version=2016-11-15&MaxResults=ten'), 'InvalidParameterValue');
  assert.equal(
    codeOf('Action=CreateVpcEndpoint&Version=2016-11-15&VpcId=v&PrivateDnsEnabled=yes'),
    'InvalidParameterValue',
  );
});

test('results are XML named by the model; timestamps with milliseconds; lists of <item>', () => {
  const op = ec2Model.operations.DescribeVpcEndpoints!;
  const out = protocol.encodeResult(
    op,
    {
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-1',
          SubnetIds: ['subnet-a'],
          RouteTableIds: [],
          PrivateDnsEnabled: false,
          CreationTimestamp: Date.UTC(2017, 8, 5, 20, 14, 41, 240),
        },
      ],
    },
    'req-1',
  );
  const body = String(out.body);
  assert.match(
    body,
    /<DescribeVpcEndpointsResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>req-1<\/requestId><vpcEndpointSet><item>/,
  );
  assert.match(body, /<creationTimestamp>2017-09-05T20:14:41\.240Z<\/creationTimestamp>/);
  assert.match(body, /<privateDnsEnabled>false<\/privateDnsEnabled>/);
  assert.match(body, /<routeTableIdSet\/><subnetIdSet><item>subnet-a<\/item><\/subnetIdSet>/);
  const noOutput = String(protocol.encodeResult(ec2Model.operations.DeleteVpc!, {}, 'req-2').body);
  assert.match(
    noOutput,
    /<DeleteVpcResponse [^>]*><requestId>req-2<\/requestId><return>true<\/return><\/DeleteVpcResponse>$/,
  );
  const err = protocol.encodeError(new ApiError('AccessDeniedException', 'User: x is not authorized', 403), 'req-3');
  assert.equal(err.status, 403);
  assert.match(
    String(err.body),
    /<Code>UnauthorizedOperation<\/Code><Message>You are not authorized to perform this operation\. User: x is not authorized<\/Message>/,
  );
});

// Hand-written CloudFormation in YAML with the short-form intrinsics, parameters and
// conditions; errors that name the resource and property path; a failure mid-way that
// reports what was applied.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { appmeshd, importJson, migrationFixture, readMeshState } from './support.js';

const fixture = await migrationFixture('appmeshd-cfn-');
const { server, client, dir, env } = fixture;
after(() => fixture.close());

// The shape of AWS's own colour-app template: literal names, DependsOn, parameters and !Sub.
const TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  EnvironmentName: {Type: String, Default: shop}
  ServicesDomain: {Type: String, Default: local}
  Port: {Type: Number, Default: 9080}
  Weights: {Type: CommaDelimitedList, Default: "4,1"}
  EnableGateway: {Type: String, AllowedValues: ['yes', 'no'], Default: 'no'}
Conditions:
  WithGateway: !Equals [!Ref EnableGateway, 'yes']
  WithoutGateway: !Not [!Condition WithGateway]
  Both: !And [!Condition WithoutGateway, !Or [!Equals [!Ref Port, 9080], !Equals [a, b]]]
Mappings:
  Timeouts:
    shop: {Idle: 30}
Resources:
  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties:
      MeshName: !Ref EnvironmentName
      Spec:
        EgressFilter: {Type: ALLOW_ALL}
      Tags:
        - {Key: env, Value: !Ref EnvironmentName}
  TellerBlue:
    Type: AWS::AppMesh::VirtualNode
    DependsOn: Mesh
    Properties:
      MeshName: !GetAtt Mesh.MeshName
      VirtualNodeName: colorteller-blue
      Spec:
        Listeners:
          - PortMapping: {Port: !Ref Port, Protocol: http}
            Timeout:
              HTTP:
                Idle: {Unit: s, Value: !FindInMap [Timeouts, !Ref EnvironmentName, Idle]}
            TLS:
              Mode: PERMISSIVE
              Certificate:
                File: {CertificateChain: /certs/chain.pem, PrivateKey: /certs/key.pem}
        ServiceDiscovery:
          DNS:
            Hostname: !Sub "colorteller-blue.\${EnvironmentName}.\${ServicesDomain}"
        BackendDefaults:
          ClientPolicy:
            TLS:
              Enforce: "true"
              Validation:
                Trust:
                  ACM: {CertificateAuthorityArns: [!Sub "arn:\${AWS::Partition}:acm-pca:\${AWS::Region}:111122223333:certificate-authority/x"]}
  TellerRed:
    Type: AWS::AppMesh::VirtualNode
    DependsOn: Mesh
    Properties:
      MeshName: !Ref EnvironmentName
      VirtualNodeName: !Join ['-', [colorteller, red]]
      Spec:
        Listeners: [{PortMapping: {Port: "9080", Protocol: http}}]
        ServiceDiscovery:
          AWSCloudMap:
            NamespaceName: !Sub "\${EnvironmentName}.\${ServicesDomain}"
            ServiceName: colorteller-red
            Attributes: [{Key: color, Value: red}]
        Logging:
          AccessLog: {File: {Path: /dev/stdout, Format: {Json: [{Key: status, Value: "%RESPONSE_CODE%"}]}}}
  Router:
    Type: AWS::AppMesh::VirtualRouter
    DependsOn: Mesh
    Properties:
      MeshName: !Ref EnvironmentName
      VirtualRouterName: colorteller-vr
      Spec:
        Listeners: [{PortMapping: {Port: !Ref Port, Protocol: http}}]
  Route:
    Type: AWS::AppMesh::Route
    DependsOn: [Router, TellerBlue, TellerRed]
    Properties:
      MeshName: !Ref EnvironmentName
      VirtualRouterName: colorteller-vr
      RouteName: colorteller-route
      Spec:
        Priority: !If [WithGateway, 1, !Ref AWS::NoValue]
        HttpRoute:
          Match:
            Prefix: /
            Headers: [{Name: x-canary, Invert: !If [Both, false, true], Match: {Range: {Start: 1, End: 5}}}]
          Action:
            WeightedTargets:
              - {VirtualNode: colorteller-blue, Weight: !Select [0, !Ref Weights]}
              - {VirtualNode: !GetAtt TellerRed.VirtualNodeName, Weight: !Select [1, !Ref Weights]}
          RetryPolicy:
            MaxRetries: 3
            PerRetryTimeout: {Unit: ms, Value: 2000}
            HttpRetryEvents: [server-error, gateway-error]
            TcpRetryEvents: [connection-error]
  Service:
    Type: AWS::AppMesh::VirtualService
    Properties:
      MeshName: !Ref EnvironmentName
      VirtualServiceName: !Sub "colorteller.\${EnvironmentName}.\${ServicesDomain}"
      Spec:
        Provider:
          VirtualRouter: {VirtualRouterName: !GetAtt Router.VirtualRouterName}
  Gateway:
    Type: AWS::AppMesh::VirtualGateway
    Condition: WithGateway
    Properties:
      MeshName: !Ref EnvironmentName
      Spec:
        Listeners: [{PortMapping: {Port: 8080, Protocol: http}}]
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "\${EnvironmentName}-envoy"}
Outputs:
  MeshArn: {Value: !Ref Mesh}
`;

test('a YAML template with short-form intrinsics, parameters, mappings and conditions', async () => {
  const file = join(dir, 'colorapp.yaml');
  writeFileSync(file, TEMPLATE);
  const dry = await importJson(server, env, ['--dry-run', file]);
  assert.deepEqual(
    dry.plan.map((a) => `${a.action} ${a.type} ${a.name}`),
    [
      'create Mesh shop',
      'create VirtualNode colorteller-blue',
      'create VirtualNode colorteller-red',
      'create VirtualRouter colorteller-vr',
      'create Route colorteller-route',
      'create VirtualService colorteller.shop.local',
    ],
  );
  assert.deepEqual(
    dry.skipped.map((s) => [s.type, s.reason]),
    [
      ['AWS::AppMesh::VirtualGateway', 'condition WithGateway is false'],
      ['AWS::Logs::LogGroup', 'not an App Mesh resource'],
    ],
  );
  await importJson(server, env, [file]);
  assert.deepEqual(
    (await importJson(server, env, [file])).summary,
    { create: 0, update: 0, unchanged: 6, delete: 0 },
    're-import is a no-op',
  );
  const state = await readMeshState(client, 'shop');
  const spec = (name: string) => state.find((s) => s.name === name)!.spec;
  assert.deepEqual(state.find((s) => s.type === 'Mesh')!.tags, [{ key: 'env', value: 'shop' }]);
  assert.deepEqual(spec('shop'), { egressFilter: { type: 'ALLOW_ALL' } });
  assert.deepEqual(spec('colorteller-blue'), {
    listeners: [
      {
        portMapping: { port: 9080, protocol: 'http' },
        timeout: { http: { idle: { unit: 's', value: 30 } } },
        tls: {
          mode: 'PERMISSIVE',
          certificate: { file: { certificateChain: '/certs/chain.pem', privateKey: '/certs/key.pem' } },
        },
      },
    ],
    serviceDiscovery: { dns: { hostname: 'colorteller-blue.shop.local' } },
    backendDefaults: {
      clientPolicy: {
        tls: {
          enforce: true,
          validation: {
            trust: {
              acm: { certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x'] },
            },
          },
        },
      },
    },
    backends: [],
  });
  assert.deepEqual(spec('colorteller-red'), {
    listeners: [{ portMapping: { port: 9080, protocol: 'http' } }],
    serviceDiscovery: {
      awsCloudMap: {
        namespaceName: 'shop.local',
        serviceName: 'colorteller-red',
        attributes: [{ key: 'color', value: 'red' }],
      },
    },
    logging: {
      accessLog: { file: { path: '/dev/stdout', format: { json: [{ key: 'status', value: '%RESPONSE_CODE%' }] } } },
    },
    backends: [],
  });
  assert.deepEqual(spec('colorteller-route'), {
    httpRoute: {
      match: { prefix: '/', headers: [{ name: 'x-canary', invert: false, match: { range: { start: 1, end: 5 } } }] },
      action: {
        weightedTargets: [
          { virtualNode: 'colorteller-blue', weight: 4 },
          { virtualNode: 'colorteller-red', weight: 1 },
        ],
      },
      retryPolicy: {
        maxRetries: 3,
        perRetryTimeout: { unit: 'ms', value: 2000 },
        httpRetryEvents: ['server-error', 'gateway-error'],
        tcpRetryEvents: ['connection-error'],
      },
    },
  });
  assert.deepEqual(spec('colorteller.shop.local'), {
    provider: { virtualRouter: { virtualRouterName: 'colorteller-vr' } },
  });

  // --parameter flips the condition: the gateway (with an invented name) and the route priority appear.
  const withGateway = await importJson(server, env, ['--dry-run', '--parameter', 'EnableGateway=yes', file]);
  assert.deepEqual(
    withGateway.plan
      .filter((a) => a.action !== 'unchanged')
      .map((a) => `${a.action} ${a.type} ${a.name} ${a.changes ?? ''}`),
    ['update Route colorteller-route spec', 'create VirtualGateway colorapp-Gateway '],
  );
});

test('Ref and Fn::GetAtt of ARNs, uids and owners', async () => {
  const file = join(dir, 'attributes.yaml');
  // The mesh exists (the test above made it): its Uid is known; the node's ARN is built as the server builds it.
  writeFileSync(
    file,
    `
Resources:
  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties: {MeshName: shop, Spec: {EgressFilter: {Type: ALLOW_ALL}}, Tags: [{Key: env, Value: shop}]}
  Node:
    Type: AWS::AppMesh::VirtualNode
    Properties:
      MeshName: !GetAtt Mesh.MeshName
      VirtualNodeName: tagged
      Spec: {}
      Tags:
        - {Key: mesh-uid, Value: !GetAtt Mesh.Uid}
        - {Key: mesh-arn, Value: !Ref Mesh}
        - {Key: self, Value: !Sub '\${Node.Arn}'}
        - {Key: owners, Value: !Join [',', [!GetAtt Node.MeshOwner, !GetAtt Node.ResourceOwner, !Ref 'AWS::AccountId']]}
`,
  );
  await importJson(server, env, [file]);
  const sdk = await import('@aws-sdk/client-app-mesh');
  const mesh = (await client.send(new sdk.DescribeMeshCommand({ meshName: 'shop' }))).mesh!.metadata!;
  const node = (await readMeshState(client, 'shop')).find((s) => s.name === 'tagged')!;
  const arn = (await client.send(new sdk.DescribeVirtualNodeCommand({ meshName: 'shop', virtualNodeName: 'tagged' })))
    .virtualNode!.metadata!.arn!;
  assert.deepEqual(node.tags, [
    { key: 'mesh-uid', value: mesh.uid },
    { key: 'mesh-arn', value: mesh.arn },
    { key: 'self', value: arn },
    { key: 'owners', value: [mesh.meshOwner, mesh.resourceOwner, mesh.meshOwner].join(',') },
  ]);
});

test("templates imported together resolve each other's exports (CDK cross-stack references)", async () => {
  const stacks = join(dir, 'stacks');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(stacks);
  // As `cdk synth` writes a mesh in one stack and a node using it in another.
  writeFileSync(
    join(stacks, 'MeshStack.template.json'),
    JSON.stringify({
      Resources: { Mesh73A573F6: { Type: 'AWS::AppMesh::Mesh', Properties: { MeshName: 'shared', Spec: {} } } },
      Outputs: {
        ExportsOutputFnGetAttMesh73A573F6MeshName2A5B62A8: {
          Value: { 'Fn::GetAtt': ['Mesh73A573F6', 'MeshName'] },
          Export: { Name: 'MeshStack:ExportsOutputFnGetAttMesh73A573F6MeshName2A5B62A8' },
        },
      },
    }),
  );
  writeFileSync(
    join(stacks, 'AppStack.template.json'),
    JSON.stringify({
      Resources: {
        Node: {
          Type: 'AWS::AppMesh::VirtualNode',
          Properties: {
            MeshName: { 'Fn::ImportValue': 'MeshStack:ExportsOutputFnGetAttMesh73A573F6MeshName2A5B62A8' },
            VirtualNodeName: 'app',
            Spec: {},
          },
        },
      },
    }),
  );
  const r = await importJson(server, env, ['--dry-run', stacks]);
  assert.deepEqual(
    r.plan.map((a) => `${a.action} ${a.type} ${a.meshName}/${a.name}`),
    ['create Mesh shared/shared', 'create VirtualNode shared/app'],
  );
  const alone = await appmeshd(
    ['import', '--endpoint-url', server.endpoint, '--dry-run', join(stacks, 'AppStack.template.json')],
    env,
  );
  assert.equal(alone.code, 1);
  assert.match(
    alone.stderr,
    /Resources\.Node\.Properties\.MeshName\.Fn::ImportValue: no template of this import exports MeshStack:/,
  );
});

test('errors name the resource and the property path', async () => {
  const cases: [string, RegExp][] = [
    [
      `Resources:\n  N:\n    Type: AWS::AppMesh::VirtualNode\n    Properties:\n      MeshName: m\n      VirtualNodeName: n\n      Spec:\n        Listeners: [{PortMapping: {Port: 80, Protocol: http}}]\n        ServiceDiscovery: {DNS: {Hostname: !GetAtt Missing.Name}}\n`,
      /Resources\.N\.Properties\.Spec\.ServiceDiscovery\.DNS\.Hostname\.Fn::GetAtt: Missing is not a resource of this template/,
    ],
    [
      `Resources:\n  N:\n    Type: AWS::AppMesh::VirtualNode\n    Properties:\n      MeshName: m\n      Spec:\n        Listeners: [{PortMapping: {Port: 80, Protocol: http}, Tls: {}}]\n`,
      /Resources\.N\.Properties\.Spec\.Listeners\[0\]\.Tls: not a property of Listener \(expected one of: .*TLS/,
    ],
    [
      `Resources:\n  N:\n    Type: AWS::AppMesh::VirtualNode\n    Properties:\n      MeshName: m\n      Spec:\n        ServiceDiscovery: {DNS: {Hostname: a}, AWSCloudMap: {NamespaceName: b, ServiceName: c}}\n`,
      /Resources\.N\.Properties\.Spec\.ServiceDiscovery: ServiceDiscovery takes exactly one of/,
    ],
    [
      `Resources:\n  N:\n    Type: AWS::AppMesh::VirtualRouter\n    Properties:\n      MeshName: !Ref Mesh\n      Spec: {Listeners: []}\n  Mesh:\n    Type: AWS::AppMesh::Mesh\n    Properties: {MeshName: m}\n`,
      /Resources\.N\.Properties\.MeshName: '.*mesh\/m' is an ARN/,
    ],
    [
      `Parameters:\n  P: {Type: String}\nResources:\n  M:\n    Type: AWS::AppMesh::Mesh\n    Properties: {MeshName: !Ref P}\n`,
      /Resources\.M\.Properties\.MeshName\.Ref: P is neither a parameter with a value \(pass --parameter P=VALUE\)/,
    ],
    [
      `Resources:\n  M:\n    Type: AWS::AppMesh::Mesh\n    Properties: {MeshName: !Cidr [a, 1, 2]}\n`,
      /Resources\.M\.Properties\.MeshName\.Fn::Cidr: Fn::Cidr is not supported/,
    ],
    [`a: &x [1]\nb: *x\n`, /anchors and aliases are not accepted/],
  ];
  for (const [i, [text, expected]] of cases.entries()) {
    const file = join(dir, `bad-${i}.yaml`);
    writeFileSync(file, text);
    const r = await appmeshd(
      ['import', '--endpoint-url', server.endpoint, '--dry-run', '--format', 'cloudformation', file],
      env,
    );
    assert.equal(r.code, 1, `case ${i}: ${r.stdout}`);
    assert.match(r.stderr, expected, `case ${i}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a message, not a stack trace');
  }
});

test('the import is authorized like any caller: a read-only IAM user can plan but not apply', async () => {
  const iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  let key: { AccessKeyId?: string; SecretAccessKey?: string };
  try {
    await iam.send(new CreateUserCommand({ UserName: 'viewer' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'viewer',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['appmesh:Describe*', 'appmesh:List*'], Resource: '*' }],
        }),
      }),
    );
    key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'viewer' }))).AccessKey!;
  } finally {
    iam.destroy();
  }
  const viewer = {
    ...env,
    AWS_PROFILE: '',
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_ACCESS_KEY_ID: key.AccessKeyId!,
    AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
  };
  const file = join(dir, 'viewer.json');
  writeFileSync(
    file,
    JSON.stringify({ Resources: { M: { Type: 'AWS::AppMesh::Mesh', Properties: { MeshName: 'viewer-mesh' } } } }),
  );
  const plan = await appmeshd(['import', '--endpoint-url', server.endpoint, '--dry-run', file], viewer);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^create\s+Mesh\s+viewer-mesh/m);
  const apply = await appmeshd(['import', '--endpoint-url', server.endpoint, file], viewer);
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /failed: create Mesh viewer-mesh: AccessDeniedException: /);
});

test('a failure mid-way reports what was applied and what was not', async () => {
  const file = join(dir, 'partial.json');
  writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        M: { Type: 'AWS::AppMesh::Mesh', Properties: { MeshName: 'partial' } },
        R: {
          Type: 'AWS::AppMesh::VirtualRouter',
          Properties: {
            MeshName: 'partial',
            VirtualRouterName: 'r',
            Spec: { Listeners: [{ PortMapping: { Port: 80, Protocol: 'http' } }] },
          },
        },
        // The target node is neither in the source nor on the server: the API refuses the route.
        Route: {
          Type: 'AWS::AppMesh::Route',
          Properties: {
            MeshName: 'partial',
            VirtualRouterName: 'r',
            RouteName: 'x',
            Spec: {
              HttpRoute: { Match: { Prefix: '/' }, Action: { WeightedTargets: [{ VirtualNode: 'ghost', Weight: 1 }] } },
            },
          },
        },
        S: {
          Type: 'AWS::AppMesh::VirtualService',
          Properties: { MeshName: 'partial', VirtualServiceName: 's.local', Spec: {} },
        },
      },
    }),
  );
  const r = await appmeshd(['import', '--endpoint-url', server.endpoint, file], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^created Mesh partial$/m);
  assert.match(r.stdout, /^created VirtualRouter partial\/r$/m);
  assert.match(
    r.stderr,
    /failed: create Route partial\/r\/x: NotFoundException: VirtualNode with name ghost is not present/,
  );
  assert.match(
    r.stderr,
    /2 change\(s\) were applied before the failure \(listed above\); 1 not attempted:\n {2}create VirtualService partial\/s\.local/,
  );
  const json = await appmeshd(['import', '--endpoint-url', server.endpoint, '--output', 'json', file], env);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as {
    applied: unknown[];
    failed: { name: string; error: string };
    notAttempted: { name: string }[];
    summary: Record<string, number>;
  };
  assert.deepEqual(
    report.summary,
    { create: 2, update: 0, unchanged: 2, delete: 0 },
    'the re-run continues from the current state',
  );
  assert.equal(report.failed.name, 'x');
  assert.deepEqual(
    report.notAttempted.map((a) => a.name),
    ['s.local'],
  );
});

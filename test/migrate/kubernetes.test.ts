// The controller's rules beyond the colour mesh: BackendGroups, …ARN references, references
// across namespaces, gateway membership by route labels, and the errors for objects whose
// mesh or gateway cannot be told.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appmeshd, importJson, migrationFixture, readMeshState } from './support.js';

const fixture = await migrationFixture('appmeshd-k8s-');
const { server, client, dir, env } = fixture;
after(() => fixture.close());

const ARN = 'arn:aws:appmesh:us-east-1:111122223333:mesh/edge';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: apps, labels: {mesh: edge}}
---
apiVersion: v1
kind: Namespace
metadata: {name: data, labels: {mesh: edge}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: Mesh
metadata: {name: edge}
spec: {namespaceSelector: {matchExpressions: [{key: mesh, operator: In, values: [edge]}]}, egressFilter: {type: ALLOW_ALL}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: db, namespace: data}
spec:
  awsName: database
  listeners: [{portMapping: {port: 5432, protocol: tcp}}]
  serviceDiscovery: {dns: {hostname: db.data.svc.cluster.local}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: db, namespace: data}
spec: {provider: {virtualNode: {virtualNodeARN: "${ARN}/virtualNode/database"}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: cache, namespace: data}
spec: {}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: BackendGroup
metadata: {name: everything-in-data, namespace: data}
spec: {virtualservices: [{name: "*"}]}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualNode
metadata: {name: api, namespace: apps}
spec:
  listeners:
    - portMapping: {port: 8080, protocol: http}
      tls: {mode: STRICT, certificate: {acm: {certificateARN: "arn:aws:acm:us-east-1:111122223333:certificate/abc"}}}
  serviceDiscovery: {dns: {hostname: api.apps.svc.cluster.local}}
  backends: [{virtualService: {virtualServiceRef: {name: db, namespace: data}}}]
  backendGroups: [{name: everything-in-data, namespace: data}]
  backendDefaults:
    clientPolicy: {tls: {validation: {trust: {acm: {certificateAuthorityARNs: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca"]}}}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualService
metadata: {name: api, namespace: apps}
spec: {awsName: api.example.com, provider: {virtualNode: {virtualNodeRef: {name: api}}}}
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: public, namespace: apps}
spec:
  namespaceSelector: {matchLabels: {mesh: edge}}
  gatewayRouteSelector: {matchLabels: {exposure: public}}
  listeners: [{portMapping: {port: 443, protocol: http}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualGateway
metadata: {name: internal, namespace: apps}
spec:
  namespaceSelector: {matchLabels: {mesh: edge}}
  gatewayRouteSelector: {matchLabels: {exposure: internal}}
  listeners: [{portMapping: {port: 8443, protocol: http}}]
---
apiVersion: appmesh.k8s.aws/v1beta2
kind: GatewayRoute
metadata: {name: api, namespace: apps, labels: {exposure: internal}}
spec:
  priority: 5
  httpRoute:
    match: {prefix: /api/}
    action: {target: {virtualService: {virtualServiceARN: "${ARN}/virtualService/api.example.com"}}}
`;

test('BackendGroups, ARN references, cross-namespace references and gateway membership by labels', async () => {
  const file = join(dir, 'edge.yaml');
  writeFileSync(file, MANIFESTS);
  const r = await importJson(server, env, [file]);
  assert.equal(r.failed, undefined);
  const state = await readMeshState(client, 'edge');
  const spec = (type: string, name: string) => state.find((s) => s.type === type && s.name === name)?.spec;
  assert.deepEqual(spec('VirtualNode', 'api_apps'), {
    listeners: [
      {
        portMapping: { port: 8080, protocol: 'http' },
        tls: {
          mode: 'STRICT',
          certificate: { acm: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } },
        },
      },
    ],
    serviceDiscovery: { dns: { hostname: 'api.apps.svc.cluster.local' } },
    // The named backend, then the group's services not already listed (de-duplicated).
    backends: [
      { virtualService: { virtualServiceName: 'db.data' } },
      { virtualService: { virtualServiceName: 'cache.data' } },
    ],
    backendDefaults: {
      clientPolicy: {
        tls: {
          validation: {
            trust: {
              acm: { certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca'] },
            },
          },
        },
      },
    },
  });
  assert.deepEqual(spec('VirtualService', 'db.data'), { provider: { virtualNode: { virtualNodeName: 'database' } } });
  assert.deepEqual(spec('VirtualService', 'cache.data'), {});
  assert.deepEqual(spec('VirtualService', 'api.example.com'), {
    provider: { virtualNode: { virtualNodeName: 'api_apps' } },
  });
  assert.deepEqual(
    state.filter((s) => s.type === 'GatewayRoute').map((s) => [s.parent, s.name, s.spec]),
    [
      [
        'internal_apps',
        'api_apps',
        {
          priority: 5,
          httpRoute: {
            match: { prefix: '/api/' },
            action: { target: { virtualService: { virtualServiceName: 'api.example.com' } } },
          },
        },
      ],
    ],
  );
  assert.deepEqual(spec('Mesh', 'edge'), { egressFilter: { type: 'ALLOW_ALL' } });
});

test('objects whose mesh or gateway cannot be told, or of another API version, are errors naming the object', async () => {
  const cases: [string, RegExp][] = [
    [
      `apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: a}\n---\napiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: b}\n---\napiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualNode\nmetadata: {name: n, namespace: x}\nspec: {}\n`,
      /#VirtualNode\/x\/n: cannot tell which mesh it belongs to: namespace x is not in the source and 2 meshes are/,
    ],
    [
      `apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: a}\n---\napiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualService\nmetadata: {name: s, namespace: x}\nspec: {provider: {virtualRouter: {virtualRouterRef: {name: missing}}}}\n`,
      /#VirtualService\/x\/s: spec\.provider\.virtualRouter\.virtualRouterRef names virtualRouter x\/missing, which is not in the source/,
    ],
    [
      `apiVersion: appmesh.k8s.aws/v1beta1\nkind: Mesh\nmetadata: {name: old}\n`,
      /appmesh\.k8s\.aws\/v1beta1 is not supported/,
    ],
    [
      `apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: a}\nspec: {egressFilter: {type: ALLOW_ALL}, bogus: 1}\n`,
      /#Mesh\/a: spec\.bogus: not a field of this resource/,
    ],
    [
      `apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: {name: a}\nspec: {egressFilter: {type: ALLOW_ALL}, meshServiceDiscovery: {ipPreference: IPv6_ONLY}}\n---\napiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualNode\nmetadata: {name: n}\nspec: {listeners: [{portMapping: {port: 1, protocol: http}, extra: true}]}\n`,
      /#VirtualNode\/n: spec\.listeners\[0\]\.extra: not a property of Listener/,
    ],
  ];
  for (const [i, [text, expected]] of cases.entries()) {
    const file = join(dir, `bad-${i}.yaml`);
    writeFileSync(file, text);
    const r = await appmeshd(['import', '--endpoint-url', server.endpoint, '--dry-run', file], env);
    assert.equal(r.code, 1, `case ${i}: ${r.stdout}`);
    assert.match(r.stderr, expected, `case ${i}`);
  }
});

// The web console in a real browser (headless Chromium): sign in as an IAM user with a
// password, the seeded mesh's topology, shifting a route's weights with the form while a
// grpc-js-xds client's calls follow, a proxy that NACKs marked with its error, an action
// the user's policy denies refused as such; every view checked with axe-core and by keyboard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateGatewayRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualServiceCommand,
  type AppMeshClient,
} from '@aws-sdk/client-app-mesh';
import { CreateSubnetCommand, CreateVpcCommand, CreateVpcEndpointCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoginProfileCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sdClient } from '../discovery/fixtures.js';
import { appMesh, createDemoMesh } from '../xds/server/mesh-fixture.js';
import { ECHO_SERVICE, startBackend, type Backend } from '../xds/e2e/echo.js';
import { spawnXdsClient, type XdsClient } from '../xds/e2e/spawn-client.js';
import { checkView, findChromium, launch, type Browser } from './browser.js';

const chromiumPath = findChromium();
const skip = chromiumPath ? false : 'no chromium on this machine (apt-get install chromium)';
if (skip) console.log(`# skipping the console browser tests: ${skip}`);

const MESH = 'shop';
const PASSWORD = 'Corr3ct-Horse-Battery!';
const BAD_SERVICE = 'bad*name.local';

let server: RunningServer;
let mesh: AppMeshClient;
let backends: Backend[] = [];
let client: XdsClient;
let nacker: XdsClient;
let browser: Browser;
let page: Page;
let base: string;

const share = (r: { backends: Record<string, number> }, name: string) =>
  (r.backends[name] ?? 0) /
  Math.max(
    1,
    Object.values(r.backends).reduce((a, b) => a + b, 0),
  );

async function seed(): Promise<void> {
  const [a, b] = backends;
  await createDemoMesh(mesh, {
    meshName: MESH,
    protocol: 'grpc',
    serviceName: 'echo.local',
    servicePort: 8080,
    backends: [
      { name: 'vn-a', port: a!.port, weight: 100 },
      { name: 'vn-b', port: b!.port, weight: 0 },
    ],
    route: {
      grpcRoute: {
        match: { serviceName: ECHO_SERVICE },
        action: {
          weightedTargets: [
            { virtualNode: 'vn-a', weight: 100 },
            { virtualNode: 'vn-b', weight: 0 },
          ],
        },
      },
    },
  });
  await mesh.send(
    new CreateVirtualGatewayCommand({
      meshName: MESH,
      virtualGatewayName: 'ingress',
      spec: { listeners: [{ portMapping: { port: 9090, protocol: 'grpc' } }] },
    }),
  );
  await mesh.send(
    new CreateGatewayRouteCommand({
      meshName: MESH,
      virtualGatewayName: 'ingress',
      gatewayRouteName: 'to-echo',
      spec: {
        grpcRoute: {
          match: { serviceName: ECHO_SERVICE },
          action: { target: { virtualService: { virtualServiceName: 'echo.local' } } },
        },
      },
    }),
  );
  // A service name grpc-js cannot accept as a virtual host domain (a wildcard in the middle): its
  // route configuration is NACKed by the client that asks for it.
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'vn-bad',
      spec: {
        listeners: [{ portMapping: { port: a!.port, protocol: 'grpc' } }],
        serviceDiscovery: { dns: { hostname: '127.0.0.1' } },
      },
    }),
  );
  await mesh.send(
    new CreateVirtualServiceCommand({
      meshName: MESH,
      virtualServiceName: BAD_SERVICE,
      spec: { provider: { virtualNode: { virtualNodeName: 'vn-bad' } } },
    }),
  );
  await mesh.send(
    new CreateVirtualNodeCommand({
      meshName: MESH,
      virtualNodeName: 'nacker',
      spec: { backends: [{ virtualService: { virtualServiceName: BAD_SERVICE } }] },
    }),
  );

  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  await iam.send(new CreateUserCommand({ UserName: 'operator' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'operator', Password: PASSWORD }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'operator',
      PolicyName: 'console',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'appmesh:List*',
              'appmesh:Describe*',
              'appmesh:UpdateRoute',
              'ec2:Describe*',
              'servicediscovery:List*',
              'servicediscovery:Get*',
            ],
            Resource: '*',
          },
          { Effect: 'Deny', Action: ['appmesh:DeleteVirtualNode', 'appmesh:CreateVirtualNode'], Resource: '*' },
        ],
      }),
    }),
  );
  iam.destroy();

  const ec2 = new EC2Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.77.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (
    await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '127.77.1.0/28', AvailabilityZone: `${server.region}a` }),
    )
  ).Subnet!.SubnetId!;
  await ec2.send(
    new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface',
      VpcId: vpc,
      SubnetIds: [subnet],
      ServiceName: `com.amazonaws.${server.region}.appmesh`,
      PrivateDnsEnabled: false,
    }),
  );
  ec2.destroy();

  const sd = sdClient(server);
  const op = (await sd.createHttpNamespace({ Name: 'apps.local' })).OperationId!;
  const namespaceId = (await sd.getOperation({ OperationId: op })).Operation!.Targets!.NAMESPACE!;
  const serviceId = (await sd.createService({ Name: 'echo', NamespaceId: namespaceId, HealthCheckCustomConfig: {} }))
    .Service!.Id!;
  await sd.registerInstance({
    ServiceId: serviceId,
    InstanceId: 'echo-1',
    Attributes: { AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: String(a!.port) },
  });
  await sd.registerInstance({
    ServiceId: serviceId,
    InstanceId: 'echo-2',
    Attributes: { AWS_INSTANCE_IPV4: '127.0.0.1', AWS_INSTANCE_PORT: String(b!.port) },
  });
  await sd.updateInstanceCustomHealthStatus({ ServiceId: serviceId, InstanceId: 'echo-2', Status: 'UNHEALTHY' });
  sd.destroy();
}

before(async () => {
  if (skip) return;
  backends = [await startBackend('a'), await startBackend('b')];
  server = await startServer({
    args: ['--console', '--xds-allow-unauthenticated', '--endpoint-port', '0', '--endpoint-settle-ms', '100'],
  });
  base = `${server.endpoint}/console/`;
  mesh = appMesh(server);
  await seed();
  const xdsPort = Number(server.ready.xdsPort);
  client = spawnXdsClient(xdsPort, `mesh/${MESH}/virtualNode/client`, 'xds:///echo.local:8080');
  nacker = spawnXdsClient(xdsPort, `mesh/${MESH}/virtualNode/nacker`, `xds:///${BAD_SERVICE}`);
  const first = await client.burst({ calls: 20 });
  assert.deepEqual(first.backends, { a: 20 }, `the client reaches the mesh first: ${JSON.stringify(first)}`);
  void nacker.burst({ calls: 1, deadlineMs: 2000 });
  browser = await launch(chromiumPath!);
  page = browser.page;
  page.on('pageerror', (err) => console.log(`# page error: ${err.message}`));
});

after(async () => {
  await browser?.close();
  await client?.stop();
  await nacker?.stop();
  mesh?.destroy();
  await server?.stop();
  server?.cleanup();
  for (const b of backends) await b.stop();
});

test('sign in as an IAM user with the login profile password', { skip }, async () => {
  await page.goto(base);
  await checkView(page, 'sign-in');
  await page.getByLabel('IAM user name').fill('operator');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Meshes' }).waitFor();
  assert.equal(await page.locator('.principal').textContent(), 'operator');
  const cookies = await browser.context.cookies();
  const session = cookies.find((c) => c.name === 'appmeshd-console');
  assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  assert.equal(session.sameSite, 'Strict');
});

test('meshes list with counts and proxy health', { skip }, async () => {
  const row = page.getByRole('row').filter({ hasText: MESH });
  await row.waitFor();
  // vn-a, vn-b, vn-bad, client, nacker; echo.local and the bad service; one router; one gateway.
  assert.deepEqual((await row.getByRole('cell').allTextContents()).slice(0, 4), ['5', '2', '1', '1']);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('td')].some((td) => /NACKing/.test(td.textContent ?? '')),
  );
  await checkView(page, 'meshes');
});

test("the seeded mesh's topology, laid out and live", { skip }, async () => {
  await page.getByRole('link', { name: MESH, exact: true }).click();
  await page.locator('svg.graph a.gnode').first().waitFor();
  const labels = await page
    .locator('svg.graph a.gnode')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  for (const expected of [
    'gateway ingress',
    'gateway route ingress/to-echo',
    'service echo.local',
    'router router',
    'route router/route',
    'node vn-a',
    'node vn-b',
  ]) {
    assert.ok(
      labels.some((l) => l.startsWith(expected)),
      `${expected} in ${labels.join(' | ')}`,
    );
  }
  assert.ok(
    labels.some((l) => l.startsWith('node ⚠ NACK nacker') && /1 NACKing/.test(l)),
    `the NACKing proxy is marked on its node: ${labels.join(' | ')}`,
  );
  assert.deepEqual(await page.locator('svg.graph text.edge-label-weight').allTextContents(), [
    'weight 100',
    'weight 0',
  ]);
  await checkView(page, 'topology');
  // Live: a change made elsewhere shows up without a reload (server-sent events).
  await mesh.send(new CreateVirtualNodeCommand({ meshName: MESH, virtualNodeName: 'vn-c', spec: {} }));
  await page.locator('svg.graph a.gnode[data-id="virtualNode:vn-c"]').waitFor();
});

test('shift the route weights with the form, preview the Envoy change, and the grpc-js-xds client follows', {
  skip,
}, async () => {
  const route = page.locator('svg.graph a.gnode[data-id="route:router/route"]');
  await route.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Route route' }).waitFor();
  assert.match(
    (await page.locator('section', { hasText: 'Referenced by' }).last().textContent()) ?? '',
    /Nothing refers to it|Referenced by/,
  );
  await page.getByLabel('Weight of vn-a').fill('0');
  await page.getByLabel('Weight of vn-b').fill('100');
  await page
    .getByLabel('Proxy')
    .selectOption({ label: `connected: mesh/${MESH}/virtualNode/client (echo.local:8080)` });
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.locator('.preview-out pre.diff').first().waitFor();
  const diff = (await page.locator('.preview-out').textContent()) ?? '';
  assert.match(diff, /modified: routes /);
  assert.match(diff, /-\s+"weight": 100/);
  assert.match(diff, /\+\s+"weight": 100/);
  await checkView(page, 'route-preview');
  const saved = Date.now();
  await page.getByRole('button', { name: 'Save weights' }).click();
  await page.getByText(/Saved: route route is now version 2/).waitFor();
  let last: Awaited<ReturnType<typeof client.burst>> | undefined;
  while (Date.now() - saved < 10_000) {
    last = await client.burst({ calls: 20, concurrency: 10 });
    if (last.backends.b === 20) break;
  }
  assert.deepEqual(last?.backends, { b: 20 }, 'the calls moved to vn-b');
  const settled = await client.burst({ calls: 200, concurrency: 20 });
  assert.equal(share(settled, 'b'), 1, JSON.stringify(settled));
});

test('proxies: every stream with ACK/NACK, the NACKing one marked with its error; per proxy the config and last push diff', {
  skip,
}, async () => {
  await page.getByRole('link', { name: 'Proxies' }).click();
  const bad = page.getByRole('row').filter({ hasText: `mesh/${MESH}/virtualNode/nacker` });
  await bad.waitFor();
  await page.waitForFunction(() =>
    /wildcard in the middle/.test(document.querySelector('tr.nacking .nack-error')?.textContent ?? ''),
  );
  assert.match(
    (await bad.locator('.nack-error').textContent()) ?? '',
    /domains entry has wildcard in the middle: bad\*name\.local/,
  );
  assert.match((await bad.getAttribute('class')) ?? '', /nacking/);
  const good = page.getByRole('row').filter({ hasText: `mesh/${MESH}/virtualNode/client` });
  assert.match((await good.textContent()) ?? '', /ACK/);
  await checkView(page, 'proxies');
  await good.getByRole('link').click();
  await page.getByRole('heading', { name: 'Last push' }).waitFor();
  const push = (await page.locator('section', { hasText: 'Last push' }).textContent()) ?? '';
  assert.match(push, /modified: routes/);
  assert.match(push, /"weight": 100/);
  await checkView(page, 'proxy');
});

test("an action the user's policy denies is refused, and shown as a denial", { skip }, async () => {
  await page.goto(`${base}#/mesh/${MESH}/virtualNode/vn-b`);
  await page.getByRole('heading', { name: 'VirtualNode vn-b' }).waitFor();
  // The dependency list is visible before a delete is tried.
  assert.match(
    (await page.locator('section', { hasText: 'Referenced by' }).last().textContent()) ?? '',
    /Route router\/route — targets it \(blocks delete\)/,
  );
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete VirtualNode' }).click();
  const denial = page.locator('.result.denied');
  await denial.waitFor();
  assert.match(
    (await denial.textContent()) ?? '',
    /Access denied: User: arn:aws:iam::111122223333:user\/operator is not authorized to perform: appmesh:DeleteVirtualNode .* with an explicit deny/,
  );
  await checkView(page, 'resource-denied');
  // The guided form goes through the same pipeline: CreateVirtualNode is denied too.
  await page.goto(`${base}#/mesh/${MESH}/new/virtualNode`);
  await page.getByLabel('Name', { exact: true }).fill('vn-new');
  await page.getByLabel('DNS host name').fill('new.local');
  await page.getByRole('button', { name: 'Create virtual node' }).click();
  await page.locator('.result.denied').filter({ hasText: 'appmesh:CreateVirtualNode' }).waitFor();
  await checkView(page, 'form-virtual-node');
});

test("the JSON editor validates with the API's field paths and suggests the model's members", { skip }, async () => {
  await page.goto(`${base}#/mesh/${MESH}/edit/route?name=route&parent=router`);
  const editor = page.getByLabel('Request JSON');
  await editor.waitFor();
  await page.locator('#json-errors.ok').waitFor();
  const text = await editor.inputValue();
  await editor.fill(text.replace('"weight": 100', '"weight": 1000'));
  await page
    .locator('#json-errors.bad')
    .filter({ hasText: 'spec.grpcRoute.action.weightedTargets[1].weight: must be at most 100' })
    .waitFor();
  // Past the model, the handler's own rules: a target that does not exist.
  await editor.fill(text.replace('"vn-b"', '"vn-missing"'));
  await page
    .locator('#json-errors.bad')
    .filter({ hasText: 'VirtualNode with name vn-missing is not present under mesh shop' })
    .waitFor();
  await editor.fill(text.replace('"weight": 100', '"weight": 1000'));
  await page.locator('#json-errors.bad').filter({ hasText: 'must be at most 100' }).waitFor();
  // Suggestions at the cursor: inside "spec" the members of RouteSpec.
  await editor.evaluate((el: HTMLTextAreaElement) => {
    const i = el.value.indexOf('"spec": {') + '"spec": {'.length;
    el.setSelectionRange(i, i);
    el.focus();
  });
  await page.keyboard.press('Control+Space');
  const suggested = await page.locator('.suggestions button').allTextContents();
  assert.ok(
    suggested.some((s) => s.startsWith('httpRoute: structure')),
    suggested.join(', '),
  );
  assert.ok(!suggested.some((s) => s.startsWith('grpcRoute')), 'members already present are not offered');
  await checkView(page, 'editor');
});

test('interface endpoints and Cloud Map views', { skip }, async () => {
  await page.getByRole('link', { name: 'Endpoints' }).click();
  const row = page.getByRole('row').filter({ hasText: `com.amazonaws.${server.region}.appmesh` });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /127\.77\.1\.\d+/);
  await checkView(page, 'endpoints');
  await page.getByRole('link', { name: 'Cloud Map' }).click();
  await page.getByRole('heading', { name: 'apps.local / echo' }).waitFor();
  assert.match((await page.getByRole('row').filter({ hasText: 'echo-2' }).textContent()) ?? '', /UNHEALTHY/);
  assert.match((await page.getByRole('row').filter({ hasText: 'echo-1' }).textContent()) ?? '', /HEALTHY/);
  await checkView(page, 'cloud-map');
});

test('the pages forbid inline scripts: the browser refuses one', { skip }, async () => {
  const violation = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.violatedDirective} ${e.blockedURI}`), {
          once: true,
        });
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.body.append(s);
        setTimeout(() => resolve('no violation'), 2000);
      }),
  );
  assert.match(violation, /^script-src/);
  assert.equal(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan), undefined);
});

test('sign out ends the session', { skip }, async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to appmeshd' }).waitFor();
  const status = await page.evaluate(async () => (await fetch('/console/api/meshes')).status);
  assert.equal(status, 401);
});

test('sign in with an access key pair; the guided form creates a router with a weighted HTTP route', {
  skip,
}, async () => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with an access key instead' }).click();
  await page.getByLabel('Access key ID').fill(server.credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(server.credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Meshes' }).waitFor();
  await page.goto(`${base}#/mesh/${MESH}/new/virtualRouter`);
  await page.getByLabel('Router name').fill('web');
  await page.getByLabel('Route name').fill('split');
  await page.getByLabel('Targets (node=weight, comma separated)').fill('vn-a=90, vn-b=10');
  await page.getByLabel('Virtual service it provides (optional)').fill('web.local');
  await checkView(page, 'form-router');
  await page.getByRole('button', { name: 'Create router and route' }).click();
  await page.locator('svg.graph a.gnode[data-id="route:web/split"]').waitFor();
  const labels = await page.locator('svg.graph text.edge-label-weight').allTextContents();
  assert.ok(labels.includes('weight 90') && labels.includes('weight 10'), labels.join(', '));
  assert.ok(await page.locator('svg.graph a.gnode[data-id="virtualService:web.local"]').count());
});

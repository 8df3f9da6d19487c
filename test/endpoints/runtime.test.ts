// Interface endpoints carrying traffic: private DNS from inside and outside the VPC,
// the mesh API through the endpoint's name and certificate, endpoint and identity
// policies, the Region check, security groups closing connections before TLS, the
// Envoy endpoint reaching the xDS server, subnet changes, and a restart.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { AppMeshClient, CreateMeshCommand, DeleteMeshCommand, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { ModifyVpcEndpointCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';
import {
  buildLab,
  dnsQuery,
  dnsQueryTcp,
  ec2Client,
  type Lab,
  lookupVia,
  RecordType,
  waitAvailable,
  waitPort,
} from './support.js';
import { type ReservedPort, reservePort } from '../helpers/ports.js';

const PREFIX = '127.31';
/** A host in the VPC's client subnet; tests bind their sockets to it. */
const CLIENT = `${PREFIX}.0.10`;
let server: RunningServer;
let ec2: EC2Client;
let lab: Lab;
let endpointPort: number;
let endpointPortHold: ReservedPort | undefined;
let caPem: string;
let dnsPort: number;

async function start(dataDir?: string): Promise<void> {
  server = await startServer({
    ...(dataDir ? { dataDir } : {}),
    args: ['--endpoint-port', String(endpointPort), '--dns-listen', '127.0.0.1:0', '--endpoint-settle-ms', '50'],
  });
  dnsPort = Number(server.ready.dnsPort);
  ec2?.destroy();
  ec2 = ec2Client(server);
}

before(async () => {
  endpointPortHold = await reservePort();
  endpointPort = endpointPortHold.port;
  await start();
  caPem = execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', server.dataDir], { encoding: 'utf8' });
  lab = await buildLab(ec2, server.region, PREFIX, endpointPort);
  await waitPort(lab.addresses.appmesh[0]!, endpointPort, 'open');
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
  await endpointPortHold?.release();
});

/** Resolves names through appmeshd's DNS, as the client host inside the VPC. */
const lookupViaAppmeshd = lookupVia(() => dnsPort, CLIENT);

function meshClient(
  credentials = server.credentials,
  region = server.region,
  endpoint = `https://appmesh.${server.region}.amazonaws.com:${endpointPort}`,
): AppMeshClient {
  return new AppMeshClient({
    endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({ ca: caPem, lookup: lookupViaAppmeshd, keepAlive: false, localAddress: CLIENT }),
    }),
  });
}

test('the CA signs a certificate covering every endpoint name and interface address', async () => {
  const ca = new X509Certificate(caPem);
  assert.equal(ca.ca, true);
  const address = lab.addresses.appmesh[1]!;
  const peer = await new Promise<X509Certificate>((resolve, reject) => {
    const raw = netConnect({ host: address, port: endpointPort, localAddress: CLIENT });
    const s = tlsConnect({ socket: raw, ca: caPem, servername: `appmesh.${server.region}.amazonaws.com` }, () => {
      const cert = s.getPeerX509Certificate()!;
      s.destroy();
      resolve(cert);
    });
    s.on('error', reject);
  });
  assert.ok(peer.verify(ca.publicKey));
  for (const entry of lab.endpoints.appmesh.DnsEntries!) assert.ok(peer.checkHost(entry.DnsName!), entry.DnsName);
  for (const ip of lab.addresses.appmesh) assert.ok(peer.checkIP(ip), ip);
});

test('DNS: vpce names for anyone, the private name only inside the VPC, standard negative answers', async () => {
  const privateName = `appmesh.${server.region}.amazonaws.com`;
  const inside = await dnsQuery(dnsPort, privateName, RecordType.A, CLIENT);
  assert.equal(inside.rcode, 0);
  assert.equal(inside.authoritative, true);
  assert.deepEqual(
    inside.answers.map((a) => (a.type === 'A' ? a.address : '')).sort(),
    [...lab.addresses.appmesh].sort(),
  );
  const envoy = await dnsQueryTcp(
    dnsPort,
    `appmesh-envoy-management.${server.region}.amazonaws.com`,
    RecordType.A,
    `${PREFIX}.1.200`,
  );
  assert.deepEqual(
    envoy.answers.map((a) => (a.type === 'A' ? a.address : '')).sort(),
    [...lab.addresses['appmesh-envoy-management']].sort(),
  );

  const outside = await dnsQuery(dnsPort, privateName, RecordType.A, '127.99.0.1');
  assert.equal(outside.rcode, 5, 'REFUSED: no private answer outside the VPC');
  assert.deepEqual(outside.answers, []);

  const [regional, zonal] = lab.endpoints.appmesh.DnsEntries!.map((e) => e.DnsName!);
  const anyone = await dnsQuery(dnsPort, regional!, RecordType.A, '127.99.0.1');
  assert.deepEqual(
    anyone.answers.map((a) => (a.type === 'A' ? a.address : '')).sort(),
    [...lab.addresses.appmesh].sort(),
  );
  const oneZone = await dnsQuery(dnsPort, zonal!.toUpperCase(), RecordType.A, '127.99.0.1');
  assert.equal(oneZone.answers.length, 1);
  const noAaaa = await dnsQuery(dnsPort, regional!, RecordType.AAAA);
  assert.deepEqual([noAaaa.rcode, noAaaa.answers.length, noAaaa.authority[0]?.type], [0, 0, 'SOA']);
  const missing = await dnsQuery(
    dnsPort,
    `vpce-00000000000000000-aaaaaaaa.appmesh.${server.region}.vpce.amazonaws.com`,
    RecordType.A,
  );
  assert.deepEqual([missing.rcode, missing.authoritative, missing.authority[0]?.type], [3, true, 'SOA']);
  const elsewhere = await dnsQuery(dnsPort, 'example.org', RecordType.A);
  assert.equal(elsewhere.rcode, 5);
});

test('the mesh API through the private name and the CA; endpoint policy denial; identity policy denial; wrong Region', async () => {
  const mesh = meshClient();
  const direct = new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
  });
  try {
    assert.deepEqual((await mesh.send(new ListMeshesCommand({}))).meshes, []);
    await mesh.send(new CreateMeshCommand({ meshName: 'via-endpoint' }));

    const policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'appmesh:CreateMesh',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceVpce': lab.endpoints.appmesh.VpcEndpointId } },
        },
      ],
    });
    await ec2.send(
      new ModifyVpcEndpointCommand({ VpcEndpointId: lab.endpoints.appmesh.VpcEndpointId!, PolicyDocument: policy }),
    );
    await waitAvailable(ec2, [lab.endpoints.appmesh.VpcEndpointId!]);
    await waitPort(lab.addresses.appmesh[0]!, endpointPort, 'open');
    await assert.rejects(mesh.send(new CreateMeshCommand({ meshName: 'denied' })), (err: any) => {
      assert.equal(err.name, 'AccessDeniedException');
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.match(err.message, /appmesh:CreateMesh .* with an explicit deny in a VPC endpoint policy/);
      return true;
    });
    assert.equal(
      (await mesh.send(new ListMeshesCommand({}))).meshes?.length,
      1,
      'other actions still pass the endpoint',
    );
    await direct.send(new CreateMeshCommand({ meshName: 'direct' }));

    const iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Statement: { Effect: 'Allow', Action: ['appmesh:List*', 'appmesh:Describe*'], Resource: '*' },
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    iam.destroy();
    const reader = meshClient({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    try {
      assert.equal((await reader.send(new ListMeshesCommand({}))).meshes?.length, 2);
      await assert.rejects(
        reader.send(new DeleteMeshCommand({ meshName: 'direct' })),
        /because no identity-based policy allows the appmesh:DeleteMesh action/,
      );
    } finally {
      reader.destroy();
    }

    const westward = meshClient(server.credentials, 'us-west-2');
    try {
      await assert.rejects(westward.send(new ListMeshesCommand({})), (err: any) => {
        assert.equal(err.$metadata.httpStatusCode, 403);
        assert.match(err.message, /region/i);
        return true;
      });
    } finally {
      westward.destroy();
    }
  } finally {
    mesh.destroy();
    direct.destroy();
  }
});

test('security groups: sources outside the allowed CIDR are closed before TLS', async () => {
  const address = lab.addresses.appmesh[0]!;
  const attempt = (localAddress: string) =>
    new Promise<'secure' | 'closed' | 'hung'>((resolve) => {
      const raw = netConnect({ host: address, port: endpointPort, localAddress });
      const s = tlsConnect({ socket: raw, ca: caPem, servername: `appmesh.${server.region}.amazonaws.com` }, () => {
        s.destroy();
        resolve('secure');
      });
      s.on('error', () => resolve('closed'));
      s.on('close', () => resolve('closed'));
      s.setTimeout(10_000, () => {
        s.destroy();
        resolve('hung');
      });
    });
  assert.equal(await attempt(`${PREFIX}.0.77`), 'secure', 'the client subnet is allowed');
  assert.equal(await attempt(`${PREFIX}.1.77`), 'closed', 'the other subnet of the VPC is not');
  assert.equal(await attempt('127.99.0.1'), 'closed', 'nor is a host outside the VPC');
  const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
  assert.match(
    metrics,
    new RegExp(
      `appmeshd_endpoint_connections_total\\{vpc_endpoint_id="${lab.endpoints.appmesh.VpcEndpointId}",outcome="security_group_denied"\\} [2-9]`,
    ),
  );
});

test('the Envoy endpoint relays gRPC to the xDS server', async () => {
  const address = lab.addresses['appmesh-envoy-management'][0]!;
  const session = http2Connect(`https://${address}:${endpointPort}`, {
    createConnection: () =>
      tlsConnect({
        socket: netConnect({ host: address, port: endpointPort, localAddress: CLIENT }),
        ca: caPem,
        servername: `appmesh-envoy-management.${server.region}.amazonaws.com`,
        ALPNProtocols: ['h2'],
      }),
  });
  try {
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      session.on('error', reject);
      const stream = session.request({
        ':method': 'POST',
        ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      const seen: Record<string, unknown> = {};
      stream.on('response', (h) => Object.assign(seen, h));
      stream.on('trailers', (t) => Object.assign(seen, t));
      stream.on('close', () => resolve(seen));
      stream.on('error', reject);
      stream.setTimeout(10_000, () => stream.close());
      stream.end();
    });
    // An unsigned stream: the xDS server answers UNAUTHENTICATED, which proves the relay reached it.
    assert.equal(headers['grpc-status'], '16');
  } finally {
    session.close();
  }
});

test('removing a subnet stops its listener; a restart rebuilds the rest from the store', async () => {
  const [keep, drop] = lab.addresses.appmesh as [string, string];
  await ec2.send(
    new ModifyVpcEndpointCommand({
      VpcEndpointId: lab.endpoints.appmesh.VpcEndpointId!,
      RemoveSubnetIds: [lab.subnets[1]!],
    }),
  );
  await waitAvailable(ec2, [lab.endpoints.appmesh.VpcEndpointId!]);
  await waitPort(drop, endpointPort, 'refused');
  await waitPort(keep, endpointPort, 'open');

  const dataDir = server.dataDir;
  await server.stop();
  await waitPort(keep, endpointPort, 'refused');
  await start(dataDir);
  await waitPort(keep, endpointPort, 'open');
  const mesh = meshClient();
  try {
    assert.equal((await mesh.send(new ListMeshesCommand({}))).meshes?.length, 2);
  } finally {
    mesh.destroy();
  }
  assert.equal(
    execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', dataDir], { encoding: 'utf8' }),
    caPem,
    'the CA survives restarts',
  );
});

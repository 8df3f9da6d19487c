// TLS on the API port, with real clients: `--api-tls auto` (a certificate from the
// deployment's CA, trusted with the bundle `appmeshd ca` prints) through the aws CLI,
// boto3 and SDK v3; the operator's own certificate files; aws:SecureTransport; and the
// refusal to serve plain text on a non-loopback address unless --api-insecure says so.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import { AppMeshClient, ListMeshesCommand } from '@aws-sdk/client-app-mesh';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CertificateAuthority } from '../../src/endpoints/ca/authority.js';
import { cliPath, startServer, type RunningServer } from '../helpers/server.js';
import { awsBinary, runAws } from '../helpers/aws-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-api-tls-'));
let server: RunningServer;
let bundle: string;
let caPem: string;

before(async () => {
  server = await startServer({ args: ['--api-tls', 'auto'], region: 'eu-west-1' });
  caPem = execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', server.dataDir], { encoding: 'utf8' });
  bundle = join(scratch, 'appmeshd-ca.pem');
  writeFileSync(bundle, caPem);
});
after(async () => {
  await server?.stop();
  server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const appmesh = (s: RunningServer, ca: string, credentials = s.credentials, host = '127.0.0.1') =>
  new AppMeshClient({
    endpoint: s.endpoint.replace('127.0.0.1', host),
    region: s.region,
    credentials,
    requestHandler: { httpsAgent: new Agent({ ca }) },
  });

function peerCertificate(port: number, ca: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

test('--api-tls auto: the ready line and the API speak https; the certificate chains to the CA `appmeshd ca` prints and names the loopback host', async () => {
  assert.match(server.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
  const cert = await peerCertificate(server.apiPort, caPem);
  assert.ok(cert.checkIssued(new X509Certificate(caPem)), 'issued by the endpoint CA');
  for (const san of ['DNS:localhost', 'IP Address:127.0.0.1'])
    assert.ok(cert.subjectAltName?.includes(san), `${san} in ${cert.subjectAltName}`);
  // Plain HTTP to the TLS port gets no API answer.
  const plain = await new Promise<string>((resolve) => {
    const req = plainRequest({ host: '127.0.0.1', port: server.apiPort, path: '/v20190125/meshes' }, (res) =>
      resolve(`status ${res.statusCode}`),
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
  assert.notEqual(plain, 'status 200');
  // A client that does not trust the CA refuses the connection.
  await assert.rejects(
    new Promise((resolve, reject) => {
      request(`${server.endpoint}/healthz`, { ca: [] as string[] }, resolve)
        .on('error', reject)
        .end();
    }),
    /self[- ]signed|unable to verify|certificate/i,
  );
});

test('--api-tls auto: aws CLI with --ca-bundle, boto3 with verify=, SDK v3 with the CA, by IP and by localhost', async () => {
  const cli = await runAws(server, ['appmesh', 'create-mesh', '--mesh-name', 'over-tls', '--ca-bundle', bundle]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(JSON.parse(cli.stdout).mesh.meshName, 'over-tls');
  const stranger = join(scratch, 'stranger-ca.pem');
  writeFileSync(stranger, CertificateAuthority.open(join(scratch, 'stranger-ca')).certPem);
  const untrusted = await runAws(server, ['appmesh', 'list-meshes'], { env: { AWS_CA_BUNDLE: stranger } });
  assert.notEqual(untrusted.code, 0, 'without the bundle the CLI refuses the certificate');
  assert.match(untrusted.stderr, /SSL|certificate/i);

  const py = spawnSync(
    'python3',
    [
      '-c',
      `
import boto3, sys
c = boto3.client('appmesh', endpoint_url=sys.argv[1], region_name=sys.argv[2], verify=sys.argv[3],
  aws_access_key_id=sys.argv[4], aws_secret_access_key=sys.argv[5])
print(','.join(m['meshName'] for m in c.list_meshes()['meshes']))
`,
      server.endpoint,
      server.region,
      bundle,
      server.credentials.accessKeyId,
      server.credentials.secretAccessKey,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  assert.equal(py.stdout.trim(), 'over-tls');

  for (const host of ['127.0.0.1', 'localhost']) {
    const sdk = appmesh(server, caPem, server.credentials, host);
    const out = await sdk.send(new ListMeshesCommand({}));
    assert.deepEqual(
      out.meshes?.map((m) => m.meshName),
      ['over-tls'],
      host,
    );
    sdk.destroy();
  }
});

test('over TLS aws:SecureTransport is true: a user allowed only on secure transport may list meshes', async () => {
  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    requestHandler: { httpsAgent: new Agent({ ca: caPem }) },
  });
  await iam.send(new CreateUserCommand({ UserName: 'tls-only' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'tls-only',
      PolicyName: 'tls',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'appmesh:ListMeshes',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          },
        ],
      }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'tls-only' }));
  iam.destroy();
  const sdk = appmesh(server, caPem, {
    accessKeyId: AccessKey!.AccessKeyId!,
    secretAccessKey: AccessKey!.SecretAccessKey!,
  });
  await sdk.send(new ListMeshesCommand({}));
  sdk.destroy();
});

test("--api-tls-cert/--api-tls-key: the operator's certificate is served; the admin CLI reaches it with --ca-bundle", async () => {
  const own = CertificateAuthority.open(join(scratch, 'own-ca'));
  const issued = own.issueServerCertificate('api.internal', ['localhost'], ['127.0.0.1']);
  const certFile = join(scratch, 'api.pem');
  const keyFile = join(scratch, 'api.key');
  const ownBundle = join(scratch, 'own-ca.pem');
  writeFileSync(certFile, issued.certChainPem);
  writeFileSync(keyFile, issued.keyPem);
  writeFileSync(ownBundle, own.certPem);
  const s = await startServer({ args: ['--api-tls-cert', certFile, '--api-tls-key', keyFile] });
  try {
    const cert = await peerCertificate(s.apiPort, own.certPem);
    assert.match(cert.subject, /CN=api\.internal/);
    const cli = await runAws(s, ['appmesh', 'list-meshes', '--ca-bundle', ownBundle]);
    assert.equal(cli.code, 0, cli.stderr);
    const proxies = spawnSync(
      process.execPath,
      [cliPath, 'proxies', '--endpoint', s.endpoint, '--ca-bundle', ownBundle, '--region', s.region],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          APPMESHD_ROOT_ACCESS_KEY_ID: s.credentials.accessKeyId,
          APPMESHD_ROOT_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
        },
      },
    );
    assert.equal(proxies.status, 0, proxies.stderr);
    assert.equal(proxies.stdout, 'no connected proxies\n');
  } finally {
    await s.stop();
    s.cleanup();
  }
});

test('a non-loopback --host needs TLS or --api-insecure; flag mistakes are usage errors', async () => {
  const serve = (args: string[]) =>
    spawnSync(
      process.execPath,
      [cliPath, 'serve', '--data-dir', join(scratch, 'refused'), '--api-port', '0', '--xds-port', '0', ...args],
      { encoding: 'utf8', timeout: 20_000 },
    );
  const plain = serve(['--host', '0.0.0.0']);
  assert.equal(plain.status, 2, plain.stderr);
  assert.match(
    plain.stderr,
    /^appmeshd: refusing to serve the API in plain text on 0\.0\.0\.0: give --api-tls-cert\/--api-tls-key or --api-tls auto, or --api-insecure\n$/,
  );
  assert.equal(serve(['--api-tls-cert', 'x.pem']).status, 2);
  assert.equal(serve(['--api-tls', 'sometimes']).status, 2);
  assert.equal(
    serve(['--api-tls-cert', join(scratch, 'missing.pem'), '--api-tls-key', join(scratch, 'missing.key')]).status,
    2,
  );

  const insecure = await startServer({ args: ['--host', '0.0.0.0', '--api-insecure'] });
  assert.match(insecure.endpoint, /^http:\/\/127\.0\.0\.1:/);
  await insecure.stop();
  insecure.cleanup();
  const wild = await startServer({ args: ['--host', '0.0.0.0', '--api-tls', 'auto'] });
  try {
    const ca = execFileSync(process.execPath, [cliPath, 'ca', '--data-dir', wild.dataDir], { encoding: 'utf8' });
    const cert = await peerCertificate(wild.apiPort, ca);
    assert.ok(cert.subjectAltName?.includes('IP Address:127.0.0.1'));
  } finally {
    await wild.stop();
    wild.cleanup();
  }
  assert.ok(await awsBinary());
});

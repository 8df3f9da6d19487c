// When the xDS port itself speaks TLS (--xds-tls-cert), the Envoy endpoint relays to it
// over TLS, trusting exactly the configured certificate.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, test } from 'node:test';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { CertificateAuthority } from '../../src/endpoints/ca/authority.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { buildLab, ec2Client, type Lab, waitPort } from './support.js';
import { type ReservedPort, reservePort } from '../helpers/ports.js';

const PREFIX = '127.32';
let server: RunningServer;
let ec2: EC2Client;
let lab: Lab;
let port: number;
let endpointPortHold: ReservedPort | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'appmeshd-xds-tls-'));

before(async () => {
  const issued = CertificateAuthority.open(join(scratch, 'other-ca')).issueServerCertificate(
    'xds',
    ['localhost'],
    ['127.0.0.1'],
  );
  writeFileSync(join(scratch, 'xds.pem'), issued.certChainPem);
  writeFileSync(join(scratch, 'xds.key'), issued.keyPem);
  endpointPortHold = await reservePort();
  port = endpointPortHold.port;
  server = await startServer({
    args: [
      '--endpoint-port',
      String(port),
      '--endpoint-settle-ms',
      '50',
      '--xds-tls-cert',
      join(scratch, 'xds.pem'),
      '--xds-tls-key',
      join(scratch, 'xds.key'),
    ],
  });
  ec2 = ec2Client(server);
  lab = await buildLab(ec2, server.region, PREFIX, port);
  await waitPort(lab.addresses['appmesh-envoy-management'][0]!, port, 'open');
});
after(async () => {
  ec2?.destroy();
  await server?.stop();
  server?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  await endpointPortHold?.release();
});

test('the Envoy endpoint reaches a TLS xDS port', async () => {
  const address = lab.addresses['appmesh-envoy-management'][0]!;
  const ca = CertificateAuthority.readPem(server.dataDir)!;
  const session = http2Connect(`https://${address}:${port}`, {
    createConnection: () =>
      tlsConnect({
        socket: netConnect({ host: address, port, localAddress: `${PREFIX}.0.10` }),
        ca,
        servername: `appmesh-envoy-management.${server.region}.amazonaws.com`,
        ALPNProtocols: ['h2'],
      }),
  });
  try {
    const status = await new Promise<unknown>((resolve, reject) => {
      session.on('error', reject);
      const stream = session.request({
        ':method': 'POST',
        ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      let grpcStatus: unknown;
      stream.on('response', (h) => {
        grpcStatus ??= h['grpc-status'];
      });
      stream.on('trailers', (t) => {
        grpcStatus = t['grpc-status'] ?? grpcStatus;
      });
      stream.on('close', () => resolve(grpcStatus));
      stream.on('error', reject);
      stream.setTimeout(10_000, () => stream.close());
      stream.end();
    });
    assert.equal(status, '16');
  } finally {
    session.close();
  }
});

// Per-request cost must not grow with the number of existing objects: with the DNS server
// on, every Cloud Map write used to rebuild the DNS records of every namespace, service and
// instance. The records are now kept per service, and a registration re-reads only its own
// service. Measured as the server process's own CPU time per RegisterInstance into a
// service of 50 instances, with 50 and with 2,000 instances in the namespace. The existing
// instances are written straight into the store before the server starts (one transaction).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { instanceRowArn, newHostedZoneId, newNamespaceId, newServiceId, sdArn } from '../../src/discovery/ids.js';
import { type InstanceSpec, type NamespaceSpec, SdKind, type ServiceSpec } from '../../src/discovery/kinds.js';
import { SQLITE_FILE_NAME } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { NewResource } from '../../src/store/types.js';
import { cpuPerCall, hasProcStat } from '../helpers/process-cpu.js';
import { startServer, TEST_ACCOUNT_ID, TEST_REGION } from '../helpers/server.js';
import { sdClient } from './fixtures.js';

const PER_SERVICE = 50;
const SAMPLE = 60;

function row<S>(kind: string, scope: string, name: string, arn: string, spec: S): NewResource<S> {
  const now = Date.now();
  return {
    kind,
    scope,
    name,
    arn,
    uid: randomUUID(),
    version: 1,
    status: 'ACTIVE',
    createdAt: now,
    updatedAt: now,
    spec,
    tags: [],
  };
}

/** A public DNS namespace with `services` services of PER_SERVICE instances each; returns the first service's id. */
async function seed(dataDir: string, services: number): Promise<string> {
  const store = new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
  const nsId = newNamespaceId();
  const serviceIds = Array.from({ length: services }, () => newServiceId());
  try {
    await store.transact(async (tx) => {
      const ns: NamespaceSpec = {
        name: 'cost.example',
        type: 'DNS_PUBLIC',
        hostedZoneId: newHostedZoneId(),
        soaTtl: 15,
      };
      await tx.put(row(SdKind.namespace, '', nsId, sdArn(TEST_REGION, TEST_ACCOUNT_ID, 'namespace', nsId), ns), {
        absent: true,
      });
      for (const [s, id] of serviceIds.entries()) {
        const svc: ServiceSpec = {
          name: `svc${s}`,
          namespaceId: nsId,
          type: 'DNS_HTTP',
          instancesRevision: 0,
          dnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
        };
        await tx.put(row(SdKind.service, nsId, id, sdArn(TEST_REGION, TEST_ACCOUNT_ID, 'service', id), svc), {
          absent: true,
        });
        for (let i = 0; i < PER_SERVICE; i++) {
          const instance: InstanceSpec = {
            attributes: { AWS_INSTANCE_IPV4: `10.${s}.0.${i}` },
            createdByAccount: TEST_ACCOUNT_ID,
          };
          await tx.put(
            row(SdKind.instance, id, `i${i}`, instanceRowArn(TEST_REGION, TEST_ACCOUNT_ID, id, `i${i}`), instance),
            { absent: true },
          );
        }
      }
    });
  } finally {
    await store.close();
  }
  return serviceIds[0]!;
}

/** Server CPU ms per RegisterInstance (each a new instance of one service of PER_SERVICE) with `services` services. */
async function cpuPerRegister(services: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-register-cost-'));
  const serviceId = await seed(dataDir, services);
  const server = await startServer({
    dataDir,
    args: ['--dns-listen', '127.0.0.1:0', '--quota', 'instancesPerNamespace=10000'],
  });
  const sd = sdClient(server);
  const register = (id: string) =>
    sd.registerInstance({ ServiceId: serviceId, InstanceId: id, Attributes: { AWS_INSTANCE_IPV4: '10.255.0.1' } });
  try {
    await register('warm-up');
    // Re-registering the same instance: the service's instance count stays PER_SERVICE + 1.
    return await cpuPerCall(server, SAMPLE, () => register('again'));
  } finally {
    sd.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('Cloud Map write cost: RegisterInstance costs about the same server CPU with 2,000 instances in the namespace as with 50', {
  skip: hasProcStat ? false : 'no /proc to read process CPU time from',
}, async (t) => {
  const small = await cpuPerRegister(1);
  const large = await cpuPerRegister(2000 / PER_SERVICE);
  t.diagnostic(
    `server CPU per RegisterInstance: ${small.toFixed(2)} ms with ${PER_SERVICE} instances, ${large.toFixed(2)} ms with 2000`,
  );
  assert.ok(
    large < small * 2.5 + 1,
    `CPU per RegisterInstance: ${small.toFixed(2)} ms with ${PER_SERVICE} instances, ${large.toFixed(2)} ms with 2000`,
  );
});

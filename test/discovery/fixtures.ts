// Shared pieces of the Cloud Map tests: an SDK client for a test server and error checks.
import assert from 'node:assert/strict';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ServiceDiscovery } from '@aws-sdk/client-servicediscovery';
import type { RunningServer } from '../helpers/server.js';

/**
 * DiscoverInstances is modeled with the host prefix `data-`; against an address like
 * 127.0.0.1 the prefix must be turned off (AWS_DISABLE_HOST_PREFIX_INJECTION for the CLI).
 */
export function sdClient(server: RunningServer): ServiceDiscovery {
  return new ServiceDiscovery({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

export async function rejectsWith(
  call: Promise<unknown>,
  name: string,
  status = 400,
): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, status);
    assert.ok(e.message, 'the error carries a message');
    return err as Record<string, unknown>;
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

/** Private DNS namespaces need a VPC that exists; returns its id. */
export async function createVpc(server: RunningServer, cidrBlock: string): Promise<string> {
  const ec2 = new EC2Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  try {
    return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidrBlock }))).Vpc!.VpcId!;
  } finally {
    ec2.destroy();
  }
}

// Defect: every EC2 write made the endpoint runtime reload every EC2 row from the store, so
// a write cost server CPU in proportion to the number of EC2 objects (39 ms per CreateVpc at
// 2,450 VPCs). The view now re-reads only the rows a change names. Measured as the server
// process's own CPU time (user + system, from /proc), not wall time on a shared machine.
// The existing VPCs are written straight into the store before the server starts (one
// transaction), as CreateVpc writes them: a VPC row and its default security group.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import { newId } from '../../src/ec2/ids.js';
import { Ec2Kind, type SecurityGroupSpec, VPC_SCOPE, type VpcSpec, vpcScope } from '../../src/ec2/records.js';
import { newRow } from '../../src/ec2/rows.js';
import { defaultEgress } from '../../src/ec2/security-group-rules.js';
import { SQLITE_FILE_NAME } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { cpuPerCall, hasProcStat } from '../helpers/process-cpu.js';
import { startServer, TEST_ACCOUNT_ID, TEST_REGION } from '../helpers/server.js';
import { sdkClient } from './cli.js';

const SMALL = 50;
const LARGE = 2000;
const SAMPLE = 80;

async function seedVpcs(dataDir: string, count: number): Promise<void> {
  const store = new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
  const where = { region: TEST_REGION, accountId: TEST_ACCOUNT_ID };
  try {
    await store.transact(async (tx) => {
      for (let i = 0; i < count; i++) {
        const vpcId = newId('vpc');
        const groupId = newId('sg');
        const vpc: VpcSpec = {
          vpcId,
          cidrBlock: '10.0.0.0/16',
          enableDnsSupport: true,
          enableDnsHostnames: false,
          defaultSecurityGroupId: groupId,
          instanceTenancy: 'default',
          cidrAssociationId: newId('vpc-cidr-assoc'),
        };
        const group: SecurityGroupSpec = {
          groupId,
          groupName: 'default',
          description: 'default VPC security group',
          vpcId,
          ingress: [{ ruleId: newId('sgr'), ipProtocol: '-1', fromPort: -1, toPort: -1, referencedGroupId: groupId }],
          egress: defaultEgress(),
        };
        await tx.put(newRow(where, Ec2Kind.vpc, VPC_SCOPE, vpcId, vpc, 'available'), { absent: true });
        await tx.put(newRow(where, Ec2Kind.securityGroup, vpcScope(vpcId), groupId, group, 'available'), {
          absent: true,
        });
      }
    });
  } finally {
    await store.close();
  }
}

/** Server CPU milliseconds per CreateVpc, over SAMPLE creates made one after another on a server holding `existing` VPCs. */
async function cpuPerCreate(dataDir: string): Promise<number> {
  const server = await startServer({ dataDir, args: ['--quota', `vpcsPerRegion=${LARGE + 2 * SAMPLE}`] });
  const ec2 = sdkClient(server);
  try {
    await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' })); // warm up the code paths
    return await cpuPerCall(server, SAMPLE, () => ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' })));
  } finally {
    ec2.destroy();
    await server.stop();
  }
}

test(`EC2 write cost: CreateVpc costs about the same server CPU at ${LARGE} VPCs as at ${SMALL}`, {
  skip: hasProcStat ? false : 'no /proc to read process CPU time from',
}, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'appmeshd-write-cost-'));
  try {
    await seedVpcs(dataDir, SMALL);
    const small = await cpuPerCreate(dataDir);
    await seedVpcs(dataDir, LARGE - SMALL - SAMPLE - 1);
    const large = await cpuPerCreate(dataDir);
    t.diagnostic(
      `server CPU per CreateVpc: ${small.toFixed(2)} ms at ${SMALL} VPCs, ${large.toFixed(2)} ms at ${LARGE}`,
    );
    // Generous: 2.5x plus a millisecond of noise; reloading every row costs ~10x at this size.
    assert.ok(
      large < small * 2.5 + 1,
      `CPU per CreateVpc: ${small.toFixed(2)} ms at ${SMALL} VPCs, ${large.toFixed(2)} ms at ${LARGE}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

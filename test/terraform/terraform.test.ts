// Terraform (hashicorp/aws) as the oracle: every configuration under configs/ is applied,
// planned (no drift), updated in place (suffix=two), planned again (no drift) and destroyed
// against one server. Configurations run four at a time; provider init runs one at a time
// because Terraform's plugin cache is not safe for concurrent installs.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ReservedPort, reservePort } from '../helpers/ports.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { Workspace, configsDir, findTerraform, summarize } from './harness.js';

const found = findTerraform();
const skip = 'skip' in found ? found.skip : false;
if (skip) console.log(`# Terraform suite skipped: ${skip}`);

const configs = readdirSync(configsDir).sort();
/** The configuration that runs the provider with none of its skip_* flags. */
const VALIDATING = 'no-skip';
/**
 * aws_vpc_security_group_*_rule reads a group reference as "<owner>/<group>" unless the
 * owner is the provider's own account, so it needs the account id (as it does against AWS).
 */
const NEEDS_ACCOUNT_ID = new Set(['vpc-security-group-rules']);

let server: RunningServer;
let endpointPort: ReservedPort;
let workspace: Workspace;
const dirs = new Map<string, string>();

// Four at a time: the provider is CPU-bound, so more at once only adds memory.
describe('terraform', { skip, concurrency: 4 }, () => {
  before(async () => {
    endpointPort = await reservePort();
    server = await startServer({ args: ['--endpoint-port', String(endpointPort.port), '--endpoint-settle-ms', '100'] });
    workspace = new Workspace(mkdtempSync(join(tmpdir(), 'appmeshd-tf-')), (found as { mirror: string }).mirror);
    for (const name of configs) {
      const dir = workspace.prepare(name, {
        endpoint: server.endpoint,
        region: server.region,
        accessKeyId: server.credentials.accessKeyId,
        secretAccessKey: server.credentials.secretAccessKey,
        skips: name === VALIDATING ? 'none' : NEEDS_ACCOUNT_ID.has(name) ? 'all-but-account-id' : 'all',
      });
      const init = await workspace.run(dir, ['init', '-input=false']);
      assert.equal(init.code, 0, `terraform init (${name}) failed:\n${init.output}`);
      dirs.set(name, dir);
    }
  });

  after(async () => {
    await server?.stop();
    server?.cleanup();
    await endpointPort?.release();
    if (workspace) rmSync(workspace.root, { recursive: true, force: true });
  });

  for (const name of configs) {
    test(`${name}: apply, no drift, update in place, no drift, destroy`, { timeout: 1_500_000 }, async () => {
      const dir = dirs.get(name)!;
      const step = async (what: string, args: string[], expect = 0) => {
        const r = await workspace.run(dir, [...args, '-input=false', '-parallelism=4']);
        assert.equal(r.code, expect, `${name}: ${what} exited ${r.code}, expected ${expect}:\n${summarize(r.output)}`);
        return r.output;
      };
      await step('apply', ['apply', '-auto-approve']);
      await step('plan after apply', ['plan', '-detailed-exitcode']);
      const update = await step('update', ['apply', '-auto-approve', '-var', 'suffix=two']);
      // An update that replaced resources instead of changing them would hide missing Update calls.
      assert.match(
        update,
        /Apply complete! Resources: 0 added, [1-9]\d* changed, 0 destroyed\./,
        `${name}: the update was not in place:\n${summarize(update)}`,
      );
      await step('plan after update', ['plan', '-detailed-exitcode', '-var', 'suffix=two']);
      await step('destroy', ['destroy', '-auto-approve', '-var', 'suffix=two']);
    });
  }
});

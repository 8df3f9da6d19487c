// Helpers for the import/export tests: the real `appmeshd import|export` commands against a
// real server, with credentials given the way an operator would (a shared credentials
// file and AWS_PROFILE), and the CDK's own CLI to synthesise apps.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { cliPath, repoRoot, startServer, type RunningServer } from '../helpers/server.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function credentialsEnv(server: RunningServer, dir: string): NodeJS.ProcessEnv {
  const file = join(dir, `credentials-${server.apiPort}`);
  writeFileSync(
    file,
    `[migrate]\naws_access_key_id = ${server.credentials.accessKeyId}\naws_secret_access_key = ${server.credentials.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'APPMESHD_ROOT_ACCESS_KEY_ID',
    'APPMESHD_ROOT_SECRET_ACCESS_KEY',
  ])
    delete env[k];
  return {
    ...env,
    AWS_SHARED_CREDENTIALS_FILE: file,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_PROFILE: 'migrate',
    AWS_REGION: server.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export function appmeshd(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env, cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** `appmeshd import … --output json` that must succeed; its JSON report. */
export async function importJson(server: RunningServer, env: NodeJS.ProcessEnv, args: string[]): Promise<ImportReport> {
  const r = await appmeshd(['import', '--endpoint-url', server.endpoint, '--output', 'json', ...args], env);
  if (r.code !== 0) throw new Error(`import failed (${r.code}): ${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout) as ImportReport;
}

export interface PlannedAction {
  action: string;
  type: string;
  meshName: string;
  parentName?: string;
  name: string;
  changes?: string[];
  source?: string;
}
export interface ImportReport {
  plan: PlannedAction[];
  skipped: { origin: string; type: string; reason: string }[];
  summary: Record<'create' | 'update' | 'unchanged' | 'delete', number>;
  applied?: PlannedAction[];
  failed?: PlannedAction & { error: string };
  notAttempted?: PlannedAction[];
}

/** A server, an SDK client for it, a scratch directory and the import command's environment; close() undoes them. */
export async function migrationFixture(prefix: string, start: Promise<RunningServer> = startServer()) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = await start;
  const client = sdkClient(server);
  return {
    dir,
    server,
    client,
    env: credentialsEnv(server, dir),
    async close() {
      client.destroy();
      await server.stop();
      server.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sdkClient(server: RunningServer): AppMeshClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new AppMeshClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
}

export const cdkBin = join(repoRoot, 'node_modules', '.bin', 'cdk');
export const cdkAvailable = existsSync(cdkBin) && existsSync(join(repoRoot, 'node_modules', 'aws-cdk-lib'));

/** Runs the CDK CLI's `cdk synth` (offline: no account, no lookups) on a CommonJS app file; returns the stack's template path. */
export function cdkSynth(appFile: string, outDir: string, stack: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cdkBin,
      ['synth', '--app', `node ${appFile}`, '--output', outDir, '--no-notices', '--no-version-reporting', '--quiet'],
      {
        env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), CDK_DISABLE_VERSION_CHECK: 'true' },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`cdk synth failed: ${stderr}`));
        else resolve(join(outDir, `${stack}.template.json`));
      },
    );
  });
}

export interface MeshState {
  type: string;
  name: string;
  parent?: string;
  spec: Record<string, unknown>;
  tags: { key: string; value: string }[];
}

type Send = (command: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Every resource of a mesh, read with the SDK's own operations (independent of the importer's reader). */
export async function readMeshState(client: AppMeshClient, meshName: string): Promise<MeshState[]> {
  const sdk = (await import('@aws-sdk/client-app-mesh')) as unknown as Record<
    string,
    new (
      input: Record<string, unknown>,
    ) => Parameters<AppMeshClient['send']>[0]
  >;
  const send: Send = async (command, input) =>
    (await client.send(new sdk[`${command}Command`]!(input))) as unknown as Record<string, unknown>;
  const tags = async (arn: string) =>
    ((await send('ListTagsForResource', { resourceArn: arn })).tags as { key: string; value?: string }[]).map((t) => ({
      key: t.key,
      value: t.value ?? '',
    }));
  const describe = async (
    type: string,
    input: Record<string, unknown>,
    nameField: string,
    parent?: string,
  ): Promise<MeshState> => {
    const field = type.charAt(0).toLowerCase() + type.slice(1);
    const d = (await send(`Describe${type}`, input))[field] as {
      spec: Record<string, unknown>;
      metadata: { arn: string };
    } & Record<string, unknown>;
    return {
      type,
      name: d[nameField] as string,
      ...(parent ? { parent } : {}),
      spec: d.spec,
      tags: await tags(d.metadata.arn),
    };
  };
  const list = async (op: string, field: string, input: Record<string, unknown>) =>
    (await send(op, { meshName, ...input }))[field] as Record<string, string>[];
  const out: MeshState[] = [await describe('Mesh', { meshName }, 'meshName')];
  const kinds: [string, string, string, [string, string, string, string]?][] = [
    ['VirtualNode', 'ListVirtualNodes', 'virtualNodes'],
    ['VirtualRouter', 'ListVirtualRouters', 'virtualRouters', ['Route', 'ListRoutes', 'routes', 'routeName']],
    ['VirtualService', 'ListVirtualServices', 'virtualServices'],
    [
      'VirtualGateway',
      'ListVirtualGateways',
      'virtualGateways',
      ['GatewayRoute', 'ListGatewayRoutes', 'gatewayRoutes', 'gatewayRouteName'],
    ],
  ];
  for (const [type, op, field, child] of kinds) {
    const nameField = `${type.charAt(0).toLowerCase()}${type.slice(1)}Name`;
    for (const ref of await list(op, field, {})) {
      out.push(await describe(type, { meshName, [nameField]: ref[nameField] }, nameField));
      if (!child) continue;
      const [childType, childOp, childField, childName] = child;
      for (const c of await list(childOp, childField, { [nameField]: ref[nameField] })) {
        out.push(
          await describe(
            childType,
            { meshName, [nameField]: ref[nameField], [childName]: c[childName] },
            childName,
            ref[nameField],
          ),
        );
      }
    }
  }
  return out;
}

/** Identity of a resource for comparisons. */
export const idOf = (r: { type: string; name: string; parent?: string | undefined }) =>
  `${r.type} ${r.parent ? `${r.parent}/` : ''}${r.name}`;

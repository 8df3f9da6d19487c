// Helpers for the import/export tests: the real `appmeshd import|export` commands against a
// real server, with credentials given the way an operator would (a shared credentials
// file and AWS_PROFILE), and the CDK's own CLI to synthesise apps.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { cliPath, repoRoot, type RunningServer } from '../helpers/server.js';

export interface CommandResult { code: number; stdout: string; stderr: string }

export function credentialsEnv(server: RunningServer, dir: string): NodeJS.ProcessEnv {
  const file = join(dir, `credentials-${server.apiPort}`);
  writeFileSync(file, `[migrate]\naws_access_key_id = ${server.credentials.accessKeyId}\naws_secret_access_key = ${server.credentials.secretAccessKey}\n`, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'APPMESHD_ROOT_ACCESS_KEY_ID', 'APPMESHD_ROOT_SECRET_ACCESS_KEY']) delete env[k];
  return { ...env, AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'no-config'), AWS_PROFILE: 'migrate', AWS_REGION: server.region, AWS_EC2_METADATA_DISABLED: 'true' };
}

export function appmeshd(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env, cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `appmeshd import … --output json` that must succeed; its JSON report. */
export async function importJson(server: RunningServer, env: NodeJS.ProcessEnv, args: string[]): Promise<ImportReport> {
  const r = await appmeshd(['import', '--endpoint-url', server.endpoint, '--output', 'json', ...args], env);
  if (r.code !== 0) throw new Error(`import failed (${r.code}): ${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout) as ImportReport;
}

export interface PlannedAction { action: string; type: string; meshName: string; parentName?: string; name: string; changes?: string[]; source?: string }
export interface ImportReport {
  plan: PlannedAction[];
  skipped: { origin: string; type: string; reason: string }[];
  summary: Record<'create' | 'update' | 'unchanged' | 'delete', number>;
  applied?: PlannedAction[];
  failed?: PlannedAction & { error: string };
  notAttempted?: PlannedAction[];
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
    execFile(cdkBin, ['synth', '--app', `node ${appFile}`, '--output', outDir, '--no-notices', '--no-version-reporting', '--quiet'], {
      env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), CDK_DISABLE_VERSION_CHECK: 'true' }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024,
    }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`cdk synth failed: ${stderr}`));
      else resolve(join(outDir, `${stack}.template.json`));
    });
  });
}

export interface MeshState { type: string; name: string; parent?: string; spec: Record<string, unknown>; tags: { key: string; value: string }[] }

/** Every resource of a mesh, read with the SDK's own operations (independent of the importer's reader). */
export async function readMeshState(client: AppMeshClient, meshName: string): Promise<MeshState[]> {
  const sdk = await import('@aws-sdk/client-app-mesh');
  const tags = async (arn: string) => ((await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? []).map((t) => ({ key: t.key!, value: t.value ?? '' }));
  const out: MeshState[] = [];
  const mesh = (await client.send(new sdk.DescribeMeshCommand({ meshName }))).mesh!;
  out.push({ type: 'Mesh', name: meshName, spec: mesh.spec as unknown as Record<string, unknown>, tags: await tags(mesh.metadata!.arn!) });
  for (const ref of (await client.send(new sdk.ListVirtualNodesCommand({ meshName }))).virtualNodes ?? []) {
    const d = (await client.send(new sdk.DescribeVirtualNodeCommand({ meshName, virtualNodeName: ref.virtualNodeName! }))).virtualNode!;
    out.push({ type: 'VirtualNode', name: d.virtualNodeName!, spec: d.spec as unknown as Record<string, unknown>, tags: await tags(ref.arn!) });
  }
  for (const ref of (await client.send(new sdk.ListVirtualRoutersCommand({ meshName }))).virtualRouters ?? []) {
    const d = (await client.send(new sdk.DescribeVirtualRouterCommand({ meshName, virtualRouterName: ref.virtualRouterName! }))).virtualRouter!;
    out.push({ type: 'VirtualRouter', name: d.virtualRouterName!, spec: d.spec as unknown as Record<string, unknown>, tags: await tags(ref.arn!) });
    for (const r of (await client.send(new sdk.ListRoutesCommand({ meshName, virtualRouterName: ref.virtualRouterName! }))).routes ?? []) {
      const rd = (await client.send(new sdk.DescribeRouteCommand({ meshName, virtualRouterName: ref.virtualRouterName!, routeName: r.routeName! }))).route!;
      out.push({ type: 'Route', parent: ref.virtualRouterName!, name: rd.routeName!, spec: rd.spec as unknown as Record<string, unknown>, tags: await tags(r.arn!) });
    }
  }
  for (const ref of (await client.send(new sdk.ListVirtualServicesCommand({ meshName }))).virtualServices ?? []) {
    const d = (await client.send(new sdk.DescribeVirtualServiceCommand({ meshName, virtualServiceName: ref.virtualServiceName! }))).virtualService!;
    out.push({ type: 'VirtualService', name: d.virtualServiceName!, spec: d.spec as unknown as Record<string, unknown>, tags: await tags(ref.arn!) });
  }
  for (const ref of (await client.send(new sdk.ListVirtualGatewaysCommand({ meshName }))).virtualGateways ?? []) {
    const d = (await client.send(new sdk.DescribeVirtualGatewayCommand({ meshName, virtualGatewayName: ref.virtualGatewayName! }))).virtualGateway!;
    out.push({ type: 'VirtualGateway', name: d.virtualGatewayName!, spec: d.spec as unknown as Record<string, unknown>, tags: await tags(ref.arn!) });
    for (const r of (await client.send(new sdk.ListGatewayRoutesCommand({ meshName, virtualGatewayName: ref.virtualGatewayName! }))).gatewayRoutes ?? []) {
      const rd = (await client.send(new sdk.DescribeGatewayRouteCommand({ meshName, virtualGatewayName: ref.virtualGatewayName!, gatewayRouteName: r.gatewayRouteName! }))).gatewayRoute!;
      out.push({ type: 'GatewayRoute', parent: ref.virtualGatewayName!, name: rd.gatewayRouteName!, spec: rd.spec as unknown as Record<string, unknown>, tags: await tags(r.arn!) });
    }
  }
  return out;
}

/** Identity of a resource for comparisons. */
export const idOf = (r: { type: string; name: string; parent?: string | undefined }) => `${r.type} ${r.parent ? `${r.parent}/` : ''}${r.name}`;

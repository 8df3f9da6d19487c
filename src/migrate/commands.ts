// appmeshd import | export: command-line front ends of the importer and exporter.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../runtime/flags.js';
import { errorCode, errorMessage, errorName, propertyOf } from '../runtime/guards.js';
import { applyPlan } from './apply.js';
import { type Actual, MeshClient } from './client.js';
import { readAll, toExport, toTemplate } from './export.js';
import { makePlan } from './plan.js';
import { actionView, appliedLine, failureText, planTable, summary } from './render.js';
import { SourceError } from './shapes.js';
import { FORMATS, type Format, isFormat, readSources } from './sources/read.js';

const clientOptions = {
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
} as const;

function parameters(list: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--parameter expects KEY=VALUE, got '${p}'`);
    out.set(p.slice(0, eq), p.slice(eq + 1));
  }
  return out;
}

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...clientOptions,
      'dry-run': { type: 'boolean' },
      prune: { type: 'boolean' },
      format: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      output: { type: 'string' },
    },
  });
  if (!positionals.length)
    throw new ConfigError(
      'usage: appmeshd import [--endpoint-url URL] [--region R] [--dry-run] [--prune] [--format F] [--parameter K=V …] [--output table|json] SOURCE…',
    );
  const format = values.format;
  if (format !== undefined && !isFormat(format)) throw new ConfigError(`--format must be one of ${FORMATS.join(', ')}`);
  const output = values.output ?? 'table';
  if (output !== 'table' && output !== 'json') throw new ConfigError('--output must be table or json');
  const client = new MeshClient({ endpoint: values['endpoint-url'], region: values.region });
  try {
    process.exitCode = await reported('import', () =>
      runImport(client, positionals, {
        format,
        prune: values.prune ?? false,
        dryRun: values['dry-run'] ?? false,
        output,
        parameters: parameters(values.parameter),
      }),
    );
  } finally {
    client.close();
  }
}

interface ImportOptions {
  format: Format | undefined;
  prune: boolean;
  dryRun: boolean;
  output: 'table' | 'json';
  parameters: Map<string, string>;
}

async function runImport(client: MeshClient, sources: string[], opts: ImportOptions): Promise<number> {
  const { accountId } = await client.meshNames();
  // Fn::GetAtt …Uid needs the uid of an existing resource: when the source asks for one,
  // the uids of the server's resources are read and the source is read again.
  const uids = new Map<string, string>();
  const read = () =>
    readSources(sources, opts.format, {
      parameters: opts.parameters,
      region: client.region,
      ...(accountId ? { accountId } : {}),
      uidOf: (arn) => uids.get(arn),
    });
  const readMeshes = async (names: Iterable<[string, string | undefined]>) => {
    const out: Actual[] = [];
    for (const [mesh, owner] of names) out.push(...((await client.readMesh(mesh, owner)) ?? []));
    return out;
  };
  let source: ReturnType<typeof readSources>;
  try {
    source = read();
  } catch (err) {
    if (!(err instanceof SourceError) || !err.message.includes('has no Uid yet')) throw err;
    for (const a of await readMeshes((await client.meshNames()).names.map((n): [string, undefined] => [n, undefined])))
      uids.set(a.arn, a.uid);
    source = read();
  }
  const meshes = new Map<string, string | undefined>();
  for (const r of source.resources) if (!meshes.has(r.meshName)) meshes.set(r.meshName, r.meshOwner);
  const actual = await readMeshes(meshes);
  const plan = makePlan(source.resources, actual, opts.prune);
  const json = opts.output === 'json';
  if (!json) process.stdout.write(planTable(plan, source.skipped));
  if (opts.dryRun) {
    if (json)
      process.stdout.write(
        `${JSON.stringify({ plan: plan.map(actionView), skipped: source.skipped, summary: summary(plan), dryRun: true }, null, 2)}\n`,
      );
    return 0;
  }
  const report = await applyPlan(client, plan, json ? undefined : (a) => process.stdout.write(appliedLine(a)));
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          plan: plan.map(actionView),
          skipped: source.skipped,
          summary: summary(plan),
          applied: report.applied.map(actionView),
          ...(report.failed
            ? {
                failed: { ...actionView(report.failed.action), error: report.failed.error },
                notAttempted: report.notAttempted.map(actionView),
              }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
  } else if (report.failed) process.stderr.write(failureText(report));
  else process.stdout.write(`applied ${report.applied.length} change(s)\n`);
  return report.failed ? 1 : 0;
}

export async function exportCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: { ...clientOptions, mesh: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
  });
  const format = values.format ?? 'appmeshd';
  if (format !== 'appmeshd' && format !== 'cloudformation')
    throw new ConfigError('--format must be appmeshd or cloudformation');
  const client = new MeshClient({ endpoint: values['endpoint-url'], region: values.region });
  try {
    process.exitCode = await reported('export', async () => {
      await writeExport(client, values.mesh, format, values.output);
      return 0;
    });
  } finally {
    client.close();
  }
}

async function writeExport(
  client: MeshClient,
  mesh: string | undefined,
  format: string,
  output: string | undefined,
): Promise<void> {
  const resources = await readAll(client, mesh);
  const doc = format === 'appmeshd' ? toExport(resources) : toTemplate(resources);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (output && output !== '-') {
    writeFileSync(output, text, { mode: 0o600 });
    process.stderr.write(`exported ${resources.length} resource(s) to ${output}\n`);
  } else process.stdout.write(text);
}

/**
 * Runs a command body; a bad source, an API error or an unreachable server is reported as
 * one line (exit code 1) rather than a stack trace.
 */
async function reported(what: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    const expected =
      err instanceof SourceError ||
      propertyOf(err, '$metadata') !== undefined ||
      errorName(err) === 'CredentialsProviderError' ||
      ['ECONNREFUSED', 'ENOTFOUND', 'ENOENT', 'EACCES'].includes(
        errorCode(err) ?? errorCode(propertyOf(err, 'cause')) ?? '',
      );
    if (!expected) throw err;
    process.stderr.write(
      `appmeshd ${what}: ${err instanceof SourceError ? '' : `${errorName(err) ?? 'Error'}: `}${errorMessage(err) ?? String(err)}\n`,
    );
    return 1;
  }
}

// Runs the real aws CLI (v1) against a test server.
import { execFile } from 'node:child_process';
import { awsEnv, type RunningServer } from './server.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let cli: Promise<string> | undefined;

/** A pyenv shim costs about a second per call; use the real script when there is one. */
export function awsBinary(): Promise<string> {
  cli ??= new Promise((resolve) => {
    execFile('pyenv', ['which', 'aws'], (err, stdout) => resolve(err ? 'aws' : stdout.trim() || 'aws'));
  });
  return cli;
}

export interface CliOptions {
  endpointUrl?: string;
  env?: Record<string, string>;
}

export async function runAws(server: RunningServer, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const bin = await awsBinary();
  const argv = [...args, '--endpoint-url', opts.endpointUrl ?? server.endpoint, '--output', 'json'];
  return new Promise((resolve) => {
    execFile(bin, argv, { env: awsEnv(server, opts.env), timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed and returns its JSON output ({} when it prints nothing). */
export async function awsJson(
  server: RunningServer,
  args: string[],
  opts: CliOptions = {},
): Promise<Record<string, any>> {
  const r = await runAws(server, args, opts);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

/** Runs a command that must fail with `code`; returns stderr. */
export async function awsError(
  server: RunningServer,
  args: string[],
  code: string,
  opts: CliOptions = {},
): Promise<string> {
  const r = await runAws(server, args, opts);
  if (r.code === 0) throw new Error(`aws ${args.join(' ')} succeeded; expected ${code}`);
  if (!r.stderr.includes(`(${code})`)) throw new Error(`aws ${args.join(' ')}: expected (${code}), got: ${r.stderr}`);
  return r.stderr;
}

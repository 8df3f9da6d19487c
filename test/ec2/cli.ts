// Runs the real `aws ec2` CLI against a test server.
import { EC2Client } from '@aws-sdk/client-ec2';
import { runAws } from '../helpers/aws-cli.js';
import type { RunningServer } from '../helpers/server.js';

export async function awsEc2(server: RunningServer, args: string[]): Promise<any> {
  const r = await runAws(server, ['ec2', ...args]);
  if (r.code !== 0) throw new Error(`aws ec2 ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

/** Runs a call that must fail; returns the CLI's stderr (which names the error code). */
export async function awsEc2Fails(server: RunningServer, args: string[]): Promise<string> {
  const r = await runAws(server, ['ec2', ...args]);
  if (r.code !== 0) return r.stderr;
  throw new Error(`aws ec2 ${args.join(' ')} succeeded but should have failed`);
}

export function sdkClient(server: RunningServer): EC2Client {
  return new EC2Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
}

/** The error name the SDK raised for a call that must fail. */
export async function sdkErrorOf(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      message: e.message,
      ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
    };
  }
  throw new Error('the call succeeded but should have failed');
}

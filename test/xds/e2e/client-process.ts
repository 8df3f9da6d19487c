// A proxyless gRPC client (@grpc/grpc-js-xds) in its own process, since the xDS bootstrap
// (GRPC_XDS_BOOTSTRAP_CONFIG) is read once per process. Commands arrive as JSON lines on
// stdin; each result goes to stdout as one JSON line with the command's id.
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { EchoClient } from './echo.js';

export interface BurstCommand {
  id: number;
  /** Calls to make, `concurrency` at a time. */
  calls: number;
  concurrency?: number;
  metadata?: Record<string, string>;
  deadlineMs?: number;
}

export interface BurstResult {
  id: number;
  backends: Record<string, number>;
  /** gRPC status code → count */
  errors: Record<string, number>;
  /** Longest single call, ms. */
  slowestMs: number;
  firstError?: string;
}

grpcXds.register();
const target = process.argv[2];
if (!target) throw new Error('usage: client-process <xds:///target>');
const client = new EchoClient(target, grpc.credentials.createInsecure()) as any;
let seq = 0;

function call(
  metadata: Record<string, string>,
  deadlineMs: number,
): Promise<{ backend?: string; code?: number; details?: string; ms: number }> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  const started = Date.now();
  return new Promise((resolve) => {
    client.Call(
      { id: `${process.pid}-${++seq}` },
      md,
      { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, reply?: { backend: string }) => {
        const ms = Date.now() - started;
        resolve(err ? { code: err.code, details: err.details, ms } : { backend: reply!.backend, ms });
      },
    );
  });
}

async function burst(cmd: BurstCommand): Promise<BurstResult> {
  const out: BurstResult = { id: cmd.id, backends: {}, errors: {}, slowestMs: 0 };
  let left = cmd.calls;
  const worker = async () => {
    while (left > 0) {
      left--;
      const r = await call(cmd.metadata ?? {}, cmd.deadlineMs ?? 10_000);
      out.slowestMs = Math.max(out.slowestMs, r.ms);
      if (r.backend) out.backends[r.backend] = (out.backends[r.backend] ?? 0) + 1;
      else {
        out.errors[String(r.code)] = (out.errors[String(r.code)] ?? 0) + 1;
        out.firstError ??= `${r.code} ${r.details}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency ?? 20, cmd.calls) }, worker));
  return out;
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as BurstCommand;
  void burst(cmd).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
});
lines.on('close', () => {
  client.close();
  process.exit(0);
});

// Runs client-process.js (a real @grpc/grpc-js-xds client) as virtual node `nodeId` against
// an appmeshd xDS port, and sends it bursts of calls.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BurstCommand, BurstResult } from './client-process.js';

export interface XdsClient {
  burst(opts: Omit<BurstCommand, 'id'>): Promise<BurstResult>;
  stop(): Promise<void>;
}

export function spawnXdsClient(xdsPort: number, nodeId: string, target: string): XdsClient {
  const bootstrap = {
    xds_servers: [
      { server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: { id: nodeId, locality: {} },
  };
  const script = join(dirname(fileURLToPath(import.meta.url)), 'client-process.js');
  const proc: ChildProcess = spawn(process.execPath, [script, target], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number, (r: BurstResult) => void>();
  let nextId = 0;
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const r = JSON.parse(line) as BurstResult;
    waiting.get(r.id)?.(r);
    waiting.delete(r.id);
  });
  return {
    burst(opts) {
      const id = ++nextId;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        proc.stdin!.write(`${JSON.stringify({ ...opts, id })}\n`);
      });
    },
    async stop() {
      proc.stdin?.end();
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => proc.kill('SIGKILL'), 3000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    },
  };
}

// Several appmeshd replicas on one PostgreSQL database, for the high-availability tests.
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { findPostgresBinaries, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startServer, type RunningServer } from '../helpers/server.js';

export interface Replica {
  server: RunningServer;
  mesh: AppMeshClient;
  xdsPort: number;
}

/**
 * A PostgreSQL server the test may stop and start: our own throwaway cluster whenever the
 * server binaries exist (even if APPMESHD_TEST_DATABASE_URL names an external one), else the
 * external server (not controllable), else undefined.
 */
export async function startControllablePostgres(): Promise<TestPostgres | undefined> {
  const external = process.env.APPMESHD_TEST_DATABASE_URL;
  if (!external || !findPostgresBinaries()) return startTestPostgres();
  delete process.env.APPMESHD_TEST_DATABASE_URL;
  try {
    return await startTestPostgres();
  } finally {
    process.env.APPMESHD_TEST_DATABASE_URL = external;
  }
}

export function appMeshClient(server: RunningServer): AppMeshClient {
  return new AppMeshClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
}

/**
 * Starts one replica on `databaseUrl` (its own data dir; the root credentials come from the helper's environment),
 * with any further `serve` flags.
 */
export async function startReplica(databaseUrl: string, args: string[] = []): Promise<Replica> {
  const server = await startServer({ args: ['--store', databaseUrl, ...args] });
  return { server, mesh: appMeshClient(server), xdsPort: Number(server.ready.xdsPort) };
}

export async function stopReplica(r: Replica): Promise<void> {
  r.mesh.destroy();
  await r.server.stop();
  r.server.cleanup();
}

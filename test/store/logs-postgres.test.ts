// The LogStore contract on PostgreSQL (skipped, with a line saying so, when no server is found).
import { after, it } from 'node:test';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { PG_SKIP_MESSAGE, startTestPostgres } from '../helpers/postgres.js';
import { logStoreContract } from './log-contract.js';

const server = await startTestPostgres();
after(async () => {
  await server?.close();
});

if (!server) {
  it(PG_SKIP_MESSAGE, { skip: PG_SKIP_MESSAGE }, () => undefined);
} else {
  const url = await server.createDatabase();
  logStoreContract('postgres', () => PostgresStore.open(url, { resyncIntervalMs: 200 }));
}

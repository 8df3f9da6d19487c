// Metrics of mesh snapshots (registered in the process registry).
import { Counter } from 'prom-client';
import { registry } from '../runtime/metrics.js';

export const meshSnapshotBuilds = new Counter({
  name: 'appmeshd_mesh_snapshot_builds_total',
  help: 'Mesh snapshots read from the store and hashed, by cause (change, first_use, unknown_proxy)',
  labelNames: ['cause'] as const,
  registers: [registry],
});

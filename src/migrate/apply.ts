// Carries a plan out through the API, in dependency order (the plan's), stopping at the
// first failure so that the report says exactly what was applied and what was not.
import { types } from '../appmesh/resources.js';
import { errorMessage, errorName } from '../runtime/guards.js';
import { type MeshClient, namesInput } from './client.js';
import type { Action } from './plan.js';

export interface ApplyReport {
  applied: Action[];
  failed?: { action: Action; error: string };
  notAttempted: Action[];
}

export async function applyPlan(
  client: MeshClient,
  plan: Action[],
  onApplied?: (a: Action) => void,
): Promise<ApplyReport> {
  const todo = plan.filter((a) => a.action !== 'unchanged');
  const report: ApplyReport = { applied: [], notAttempted: [] };
  for (const [i, a] of todo.entries()) {
    try {
      await applyOne(client, a);
    } catch (err) {
      report.failed = { action: a, error: `${errorName(err) ?? 'Error'}: ${errorMessage(err) ?? String(err)}` };
      report.notAttempted = todo.slice(i + 1);
      return report;
    }
    report.applied.push(a);
    onApplied?.(a);
  }
  return report;
}

async function applyOne(client: MeshClient, a: Action): Promise<void> {
  const t = types[a.kind];
  const names = namesInput({ ...a, meshOwner: a.desired?.meshOwner ?? a.actual?.meshOwner });
  switch (a.action) {
    case 'create': {
      const d = a.desired!;
      await client.call(`Create${t.title}`, { ...names, spec: d.spec, ...(d.tags?.length ? { tags: d.tags } : {}) });
      return;
    }
    case 'update': {
      const d = a.desired!;
      const actual = a.actual!;
      if (a.changes?.includes('spec')) await client.call(`Update${t.title}`, { ...names, spec: d.spec });
      if (a.changes?.includes('tags') && d.tags) {
        const want = new Map(d.tags.map((x) => [x.key, x.value]));
        const removed = actual.tags.filter((x) => !want.has(x.key)).map((x) => x.key);
        const changed = d.tags.filter((x) => !actual.tags.some((y) => y.key === x.key && y.value === x.value));
        if (removed.length) await client.call('UntagResource', { resourceArn: actual.arn, tagKeys: removed });
        if (changed.length) await client.call('TagResource', { resourceArn: actual.arn, tags: changed });
      }
      return;
    }
    case 'delete':
      await client.call(`Delete${t.title}`, names);
      return;
    case 'unchanged':
      return;
  }
}

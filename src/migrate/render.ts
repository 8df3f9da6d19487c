// Human and JSON renderings of a plan and of what applying it did.
import { titleOf, pathOf, type Skipped } from './resources.js';
import type { ApplyReport } from './apply.js';
import type { Action, ActionType } from './plan.js';

export function summary(plan: Action[]): Record<ActionType, number> {
  const s: Record<ActionType, number> = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const a of plan) s[a.action]++;
  return s;
}

/** An action without the full resources it carries: what the JSON output shows. */
export function actionView(a: Action): Record<string, unknown> {
  return {
    action: a.action,
    type: titleOf(a.kind),
    meshName: a.meshName,
    ...(a.parentName !== undefined ? { parentName: a.parentName } : {}),
    name: a.name,
    ...(a.changes ? { changes: a.changes } : {}),
    ...(a.origin ? { source: a.origin } : {}),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function planTable(plan: Action[], skipped: Skipped[]): string {
  const lines: string[] = [];
  if (plan.length) {
    lines.push(
      table([
        ['ACTION', 'TYPE', 'NAME', 'SOURCE'],
        ...plan.map((a) => [
          a.action + (a.changes ? ` (${a.changes.join(', ')})` : ''),
          titleOf(a.kind),
          pathOf(a),
          a.origin ?? '',
        ]),
      ]),
    );
  } else lines.push('the source declares no App Mesh resources');
  if (skipped.length) {
    lines.push('', 'skipped (not App Mesh resources the importer creates):');
    lines.push(table([['TYPE', 'SOURCE', 'REASON'], ...skipped.map((s) => [s.type, s.origin, s.reason])]));
  }
  const s = summary(plan);
  lines.push('', `plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged, ${s.delete} to delete`);
  return `${lines.join('\n')}\n`;
}

const PAST: Record<ActionType, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  unchanged: 'unchanged',
};

export const appliedLine = (a: Action): string => `${PAST[a.action]} ${titleOf(a.kind)} ${pathOf(a)}\n`;

const SHOWN = 20;

export function failureText(report: ApplyReport): string {
  const f = report.failed!;
  const lines = [
    `failed: ${f.action.action} ${titleOf(f.action.kind)} ${pathOf(f.action)}: ${f.error}`,
    `${report.applied.length} change(s) were applied before the failure (listed above); ${report.notAttempted.length} not attempted:`,
    ...report.notAttempted.slice(0, SHOWN).map((a) => `  ${a.action} ${titleOf(a.kind)} ${pathOf(a)}`),
    ...(report.notAttempted.length > SHOWN
      ? [`  … and ${report.notAttempted.length - SHOWN} more (--output json lists them all)`]
      : []),
    're-running the import after fixing the cause continues from the current state.',
  ];
  return `${lines.join('\n')}\n`;
}

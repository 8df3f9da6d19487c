// What changed between two Envoy configurations of one proxy, resource by resource, with a
// unified diff of each changed resource's JSON.
import { createTwoFilesPatch } from 'diff';
import type { EnvoyResource, ProxyConfig, ResourceField } from '../xds/translate/types.js';

export interface ResourceChange {
  type: ResourceField;
  name: string;
  change: 'added' | 'removed' | 'modified';
  /** Unified diff of the resource's JSON (before → after). */
  patch: string;
}

const FIELDS: ResourceField[] = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'];
/** Resources larger than this are reported as changed without a line diff (diffing is superlinear). */
const MAX_DIFF_CHARS = 200_000;

const text = (r: EnvoyResource | undefined) => (r ? `${JSON.stringify(r.resource, null, 2)}\n` : '');

export function diffConfigs(before: ProxyConfig | undefined, after: ProxyConfig | undefined): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const type of FIELDS) {
    const a = new Map((before?.[type] ?? []).map((r) => [r.name, r]));
    const b = new Map((after?.[type] ?? []).map((r) => [r.name, r]));
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = text(a.get(name));
      const y = text(b.get(name));
      if (x === y) continue;
      const change = !x ? 'added' : !y ? 'removed' : 'modified';
      const patch =
        x.length + y.length > MAX_DIFF_CHARS
          ? `(${x.length} → ${y.length} characters; too large to diff)\n`
          : createTwoFilesPatch(`${type}/${name}`, `${type}/${name}`, x, y, 'before', 'after', { context: 3 });
      out.push({ type, name, change, patch });
    }
  }
  return out;
}

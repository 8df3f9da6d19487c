// The part of a service model the browser's JSON editor needs for one operation: the
// shapes reachable from its input (names, types, required members, enums, limits).
import type { ServiceModel, Shape } from '../protocols/model.js';

export interface ClientShape {
  type: Shape['type'];
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  union?: boolean;
}

export function inputSchema(
  model: ServiceModel,
  operation: string,
): { root: string; shapes: Record<string, ClientShape> } | undefined {
  const op = Object.hasOwn(model.operations, operation) ? model.operations[operation] : undefined;
  if (!op?.input) return undefined;
  const shapes: Record<string, ClientShape> = {};
  const visit = (name: string) => {
    if (Object.hasOwn(shapes, name) || !Object.hasOwn(model.shapes, name)) return;
    const s = model.shapes[name]!;
    const c: ClientShape = { type: s.type };
    shapes[name] = c;
    if (s.members) {
      c.members = {};
      for (const [m, ref] of Object.entries(s.members)) {
        c.members[m] = ref.shape;
        visit(ref.shape);
      }
    }
    if (s.required) c.required = s.required;
    if (s.union) c.union = true;
    if (s.member) {
      c.member = s.member.shape;
      visit(s.member.shape);
    }
    if (s.key) {
      c.key = s.key.shape;
      visit(s.key.shape);
    }
    if (s.value) {
      c.value = s.value.shape;
      visit(s.value.shape);
    }
    if (s.enum) c.enum = s.enum;
    if (s.min !== undefined) c.min = s.min;
    if (s.max !== undefined) c.max = s.max;
    if (s.pattern !== undefined) c.pattern = s.pattern;
  };
  visit(op.input);
  return { root: op.input, shapes };
}

// What a JSON protocol (rest-json, JSON 1.1) writes for an operation's output: the payload member's value when the
// output shape names one, with timestamps (epoch milliseconds in the generated types) as epoch seconds.
import type { OperationModel, ServiceModel } from './model.js';

export function jsonBody(model: ServiceModel, op: OperationModel, output: unknown): unknown {
  const payload = payloadMember(model, op);
  if (payload) return jsonValue(model, payload.shape, payloadOf(model, op, output));
  return op.output ? jsonValue(model, op.output, output) : output;
}

/** What goes in the body, before its timestamps are written: the payload member's value, or the whole output. */
export function payloadOf(model: ServiceModel, op: OperationModel, output: unknown): unknown {
  const payload = payloadMember(model, op);
  return payload ? (isObject(output) ? output[payload.name] : undefined) : output;
}

function payloadMember(model: ServiceModel, op: OperationModel): { name: string; shape: string } | undefined {
  const shape = op.output ? model.shapes[op.output] : undefined;
  const ref = shape?.payload !== undefined ? shape.members?.[shape.payload] : undefined;
  return ref && shape?.payload !== undefined ? { name: shape.payload, shape: ref.shape } : undefined;
}

/** `value` of shape `shapeName` with its timestamps in epoch seconds; parts without timestamps are not copied. */
export function jsonValue(model: ServiceModel, shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null || !holdsTimestamp(model, shapeName)) return value;
  const shape = model.shapes[shapeName]!;
  switch (shape.type) {
    case 'timestamp':
      return typeof value === 'number' ? value / 1000 : value;
    case 'list':
      return Array.isArray(value) ? value.map((v: unknown) => jsonValue(model, shape.member!.shape, v)) : value;
    case 'map':
      return isObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(model, shape.value!.shape, v)]))
        : value;
    default: {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = { ...value };
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (Object.hasOwn(out, name)) out[name] = jsonValue(model, ref.shape, out[name]);
      }
      return out;
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const timestampShapes = new WeakMap<ServiceModel, ReadonlySet<string>>();

/** Whether a value of the shape can contain a timestamp (computed once per model). */
function holdsTimestamp(model: ServiceModel, shapeName: string): boolean {
  let holding = timestampShapes.get(model);
  if (!holding) timestampShapes.set(model, (holding = shapesHoldingTimestamps(model)));
  return holding.has(shapeName);
}

/**
 * The timestamp shapes and every shape that reaches one through its members, found by marking referrers until nothing
 * changes (a shape that refers back to itself, directly or not, is marked when any part of the cycle holds one).
 */
function shapesHoldingTimestamps(model: ServiceModel): Set<string> {
  const entries = Object.entries(model.shapes);
  const parts = new Map(
    entries.map(([name, shape]) => [
      name,
      [shape.member, shape.value, ...Object.values(shape.members ?? {})].flatMap((ref) => (ref ? [ref.shape] : [])),
    ]),
  );
  const holding = new Set(entries.filter(([, shape]) => shape.type === 'timestamp').map(([name]) => name));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, refs] of parts) {
      if (!holding.has(name) && refs.some((r) => holding.has(r))) {
        holding.add(name);
        changed = true;
      }
    }
  }
  return holding;
}

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

const timestampShapes = new WeakMap<ServiceModel, Map<string, boolean>>();

/** Whether a value of the shape can contain a timestamp (memoized per model; recursive shapes end the walk). */
function holdsTimestamp(model: ServiceModel, shapeName: string): boolean {
  let known = timestampShapes.get(model);
  if (!known) timestampShapes.set(model, (known = new Map()));
  const memo = known.get(shapeName);
  if (memo !== undefined) return memo;
  known.set(shapeName, false);
  const shape = model.shapes[shapeName];
  const parts = [shape?.member, shape?.value, ...Object.values(shape?.members ?? {})];
  const result =
    shape?.type === 'timestamp' || parts.some((ref) => ref !== undefined && holdsTimestamp(model, ref.shape));
  known.set(shapeName, result);
  return result;
}

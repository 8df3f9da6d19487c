// Validates a decoded request against the service model: required members, lengths,
// ranges, patterns, enums and unions. Every violation is collected with its field path.
import { MAX_REPORTED_VIOLATIONS } from './limits.js';
import type { ServiceModel, Shape } from './model.js';
import { describeBadCharacter } from './text.js';
import { isObject } from '../runtime/guards.js';

export interface Violation {
  path: string;
  message: string;
}

const patternCache = new Map<string, RegExp | null>();

function compilePattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
    }
    patternCache.set(pattern, re);
  }
  return re;
}

function join(path: string, member: string): string {
  return path ? `${path}.${member}` : member;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Members set to null count as absent, as AWS services treat them. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function validateShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path = '',
  out: Violation[] = [],
): Violation[] {
  const shape = model.shapes[shapeName];
  if (!shape) return out;
  visit(model, shape, value, path, out);
  return out;
}

function visit(model: ServiceModel, shape: Shape, value: unknown, path: string, out: Violation[]): void {
  const where = path || 'input';
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value) || Array.isArray(value)) {
        out.push({ path: where, message: `expected an object, got ${describe(value)}` });
        return;
      }
      const obj = value;
      for (const req of shape.required ?? []) {
        if (!isSet(obj[req])) out.push({ path: join(path, req), message: 'is required' });
      }
      const members = shape.members ?? {};
      let setCount = 0;
      for (const [name, ref] of Object.entries(members)) {
        const v = obj[name];
        if (!isSet(v)) continue;
        setCount++;
        const child = model.shapes[ref.shape];
        if (child) visit(model, child, v, join(path, name), out);
      }
      if (shape.union && setCount !== 1) {
        const names = Object.keys(members).join(', ');
        out.push({ path: where, message: `must set exactly one of ${names} (${setCount} set)` });
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        out.push({ path: where, message: `expected a list, got ${describe(value)}` });
        return;
      }
      // Past its maximum the list is reported once; its members are not looked at.
      if (!checkLength(shape, value.length, where, out, 'items')) return;
      const child = shape.member ? model.shapes[shape.member.shape] : undefined;
      if (child)
        value.forEach((v, i) => {
          if (!isSet(v)) out.push({ path: `${where}[${i}]`, message: 'must not be null' });
          else visit(model, child, v, `${path}[${i}]`, out);
        });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ path: where, message: `expected a map, got ${describe(value)}` });
        return;
      }
      const entries = Object.entries(value);
      if (!checkLength(shape, entries.length, where, out, 'entries')) return;
      const keyShape = shape.key ? model.shapes[shape.key.shape] : undefined;
      const valueShape = shape.value ? model.shapes[shape.value.shape] : undefined;
      for (const [k, v] of entries) {
        if (keyShape) visit(model, keyShape, k, `${where}.{key}`, out);
        if (valueShape) visit(model, valueShape, v, `${where}.${k}`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        out.push({ path: where, message: `expected a string, got ${describe(value)}` });
        return;
      }
      const bad = describeBadCharacter(value);
      if (bad) {
        out.push({ path: where, message: bad });
        return;
      }
      // A string over its maximum is not matched against the pattern (its length is the error).
      if (!checkLength(shape, value.length, where, out, 'characters')) return;
      if (shape.enum && !shape.enum.includes(value)) {
        out.push({ path: where, message: `must be one of ${shape.enum.join(', ')}` });
      }
      if (shape.pattern) {
        const re = compilePattern(shape.pattern);
        if (re && !re.test(value)) out.push({ path: where, message: `must match pattern ${shape.pattern}` });
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push({ path: where, message: `expected a number, got ${describe(value)}` });
        return;
      }
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) {
        out.push({ path: where, message: 'must be a whole number' });
        return;
      }
      if (shape.min !== undefined && value < shape.min)
        out.push({ path: where, message: `must be at least ${shape.min}` });
      if (shape.max !== undefined && value > shape.max)
        out.push({ path: where, message: `must be at most ${shape.max}` });
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ path: where, message: `expected a boolean, got ${describe(value)}` });
      return;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string')
        out.push({ path: where, message: `expected a timestamp, got ${describe(value)}` });
      return;
    default:
      return;
  }
}

/** False when the length is over the maximum. */
function checkLength(shape: Shape, length: number, where: string, out: Violation[], unit: string): boolean {
  if (shape.min !== undefined && length < shape.min)
    out.push({ path: where, message: `must have at least ${shape.min} ${unit}` });
  if (shape.max !== undefined && length > shape.max) {
    out.push({ path: where, message: `must have at most ${shape.max} ${unit}` });
    return false;
  }
  return true;
}

export function formatViolations(violations: Violation[]): string {
  const n = violations.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected`;
  const shown = violations.slice(0, MAX_REPORTED_VIOLATIONS).map((v) => `${v.path.slice(0, 256)}: ${v.message}`);
  if (n > shown.length) shown.push(`and ${n - shown.length} more`);
  return `${head}: ${shown.join('; ')}`;
}

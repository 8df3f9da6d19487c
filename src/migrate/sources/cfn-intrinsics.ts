// Evaluates a CloudFormation template's intrinsic functions, parameters, mappings and
// conditions into plain values, the way CloudFormation would at stack creation. What an
// App Mesh resource's Ref or Fn::GetAtt yields is asked of `resolveResource`, so this
// file knows nothing of App Mesh.
import { isRecord } from '../../runtime/guards.js';
import { SourceError } from '../shapes.js';

export const NO_VALUE = Symbol('AWS::NoValue');
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | typeof NO_VALUE;

export interface Pseudo {
  region: string;
  partition: string;
  urlSuffix: string;
  stackName: string;
  /** Throws when the account is not known and a value needs it. */
  accountId(): string;
}

/** The value of `Ref` (attribute undefined) or `Fn::GetAtt` of a resource, or undefined when it is not a resource. */
export type ResourceResolver = (logicalId: string, attribute: string | undefined, path: string) => Value | undefined;

interface ParameterDecl {
  Type?: unknown;
  Default?: unknown;
  AllowedValues?: unknown;
  AllowedPattern?: unknown;
  MinLength?: unknown;
  MaxLength?: unknown;
  MinValue?: unknown;
  MaxValue?: unknown;
}

const MAX_DEPTH = 100;
const MAX_STRING = 1024 * 1024;

function own(obj: unknown, key: string): unknown {
  return isRecord(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function toMap(section: unknown, what: string, file: string): Map<string, unknown> {
  if (section === undefined || section === null) return new Map();
  if (!isRecord(section)) throw new SourceError(`${file}: ${what} must be an object`);
  return new Map(Object.entries(section));
}

export class TemplateEvaluator {
  private readonly parameters = new Map<string, Value>();
  private readonly mappings: Map<string, unknown>;
  private readonly conditionDecls: Map<string, unknown>;
  private readonly conditions = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly file: string,
    template: Record<string, unknown>,
    supplied: ReadonlyMap<string, string>,
    private readonly pseudo: Pseudo,
    private readonly resolveResource: ResourceResolver,
    /** The value another template of the same import exports under a name (Fn::ImportValue). */
    private readonly importValue: (name: string, path: string) => Value | undefined = () => undefined,
  ) {
    this.mappings = toMap(template.Mappings, 'Mappings', file);
    this.conditionDecls = toMap(template.Conditions, 'Conditions', file);
    for (const [name, decl] of toMap(template.Parameters, 'Parameters', file)) {
      const value = supplied.get(name);
      const parsed = this.parameter(name, isRecord(decl) ? decl : {}, value);
      if (parsed !== undefined) this.parameters.set(name, parsed);
    }
  }

  private fail(path: string, message: string): never {
    throw new SourceError(`${this.file}: ${path}: ${message}`);
  }

  /** The parameter's value, validated; undefined when it has neither a value nor a default (an error only if used). */
  private parameter(name: string, decl: ParameterDecl, supplied: string | undefined): Value | undefined {
    const type = typeof decl.Type === 'string' ? decl.Type : 'String';
    if (type.startsWith('AWS::SSM::Parameter::Value') && supplied === undefined) return undefined;
    const raw = supplied ?? (decl.Default === undefined ? undefined : String(decl.Default));
    if (raw === undefined) return undefined;
    const path = `Parameters.${name}`;
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
    const items = isList ? (raw === '' ? [] : raw.split(',').map((s) => s.trim())) : [raw];
    for (const item of items) {
      if (type === 'Number' || type === 'List<Number>') {
        const n = Number(item);
        if (item.trim() === '' || !Number.isFinite(n)) this.fail(path, `'${item}' is not a number`);
        if (typeof decl.MinValue !== 'undefined' && n < Number(decl.MinValue))
          this.fail(path, `${n} is below MinValue ${String(decl.MinValue)}`);
        if (typeof decl.MaxValue !== 'undefined' && n > Number(decl.MaxValue))
          this.fail(path, `${n} is above MaxValue ${String(decl.MaxValue)}`);
      }
      if (Array.isArray(decl.AllowedValues) && !decl.AllowedValues.map(String).includes(item)) {
        this.fail(path, `'${item}' is not one of the AllowedValues`);
      }
      if (typeof decl.AllowedPattern === 'string' && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(item)) {
        this.fail(path, `'${item}' does not match the AllowedPattern`);
      }
      if (typeof decl.MinLength !== 'undefined' && item.length < Number(decl.MinLength))
        this.fail(path, `'${item}' is shorter than MinLength`);
      if (typeof decl.MaxLength !== 'undefined' && item.length > Number(decl.MaxLength))
        this.fail(path, `'${item}' is longer than MaxLength`);
    }
    return isList ? items : raw;
  }

  /** Whether the named condition holds. */
  condition(name: string, path: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    if (!this.conditionDecls.has(name)) this.fail(path, `condition ${name} is not declared in Conditions`);
    if (this.evaluating.has(`condition:${name}`)) this.fail(path, `condition ${name} refers to itself`);
    this.evaluating.add(`condition:${name}`);
    const v = this.bool(this.conditionDecls.get(name), `Conditions.${name}`, 0);
    this.evaluating.delete(`condition:${name}`);
    this.conditions.set(name, v);
    return v;
  }

  private bool(node: unknown, path: string, depth: number): boolean {
    const v = this.eval(node, path, depth + 1, true);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(path, 'expected a condition (true or false)');
  }

  /** Evaluates a template fragment to a plain value; NO_VALUE for `Ref: AWS::NoValue`. */
  eval(node: unknown, path: string, depth = 0, inCondition = false): Value {
    if (depth > MAX_DEPTH) this.fail(path, 'nested too deeply');
    if (node === null || typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return node;
    if (Array.isArray(node)) {
      return node.map((v, i) => this.eval(v, `${path}[${i}]`, depth + 1, inCondition)).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(node)) return this.fail(path, 'unsupported value');
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = node[key];
      if (key === 'Ref') return this.ref(arg, `${path}.Ref`);
      if (key === 'Condition' && inCondition) {
        if (typeof arg !== 'string') this.fail(`${path}.Condition`, 'expects a condition name');
        return this.condition(arg, `${path}.Condition`);
      }
      if (key.startsWith('Fn::')) return this.fn(key, arg, `${path}.${key}`, depth, inCondition);
    }
    const out: { [k: string]: Value } = {};
    for (const key of keys) {
      const v = this.eval(node[key], `${path}.${key}`, depth + 1, inCondition);
      if (v !== NO_VALUE)
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private str(v: Value, path: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(path, 'expected a string');
  }

  private list(v: Value, path: string): Value[] {
    if (Array.isArray(v)) return v;
    return this.fail(path, 'expected a list');
  }

  private args(arg: unknown, n: number | [number, number], path: string): unknown[] {
    const [min, max] = typeof n === 'number' ? [n, n] : n;
    if (!Array.isArray(arg) || arg.length < min || arg.length > max) {
      this.fail(
        path,
        min === max ? `expects a list of ${min} arguments` : `expects a list of ${min} to ${max} arguments`,
      );
    }
    return arg;
  }

  private ref(arg: unknown, path: string): Value {
    if (typeof arg !== 'string') return this.fail(path, 'Ref takes the name of a parameter or resource');
    switch (arg) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::Partition':
        return this.pseudo.partition;
      case 'AWS::URLSuffix':
        return this.pseudo.urlSuffix;
      case 'AWS::StackName':
        return this.pseudo.stackName;
      case 'AWS::AccountId':
        return this.pseudo.accountId();
      case 'AWS::StackId':
        return `arn:${this.pseudo.partition}:cloudformation:${this.pseudo.region}:${this.pseudo.accountId()}:stack/${this.pseudo.stackName}/imported`;
      case 'AWS::NotificationARNs':
        return [];
      default:
        break;
    }
    if (this.parameters.has(arg)) return this.parameters.get(arg)!;
    const resource = this.resolveResource(arg, undefined, path);
    if (resource !== undefined) return resource;
    return this.fail(
      path,
      `${arg} is neither a parameter with a value (pass --parameter ${arg}=VALUE) nor a resource of this template`,
    );
  }

  private getAtt(arg: unknown, path: string, depth: number): Value {
    const a = this.args(arg, 2, path);
    const logicalId = a[0];
    if (typeof logicalId !== 'string') return this.fail(path, 'the first argument must be a resource name');
    const attribute = this.str(this.eval(a[1], `${path}[1]`, depth + 1), `${path}[1]`);
    const v = this.resolveResource(logicalId, attribute, path);
    if (v === undefined) return this.fail(path, `${logicalId} is not a resource of this template`);
    return v;
  }

  private sub(arg: unknown, path: string, depth: number): Value {
    let text: unknown = arg;
    const vars = new Map<string, Value>();
    if (Array.isArray(arg)) {
      const a = this.args(arg, 2, path);
      text = a[0];
      const map = this.eval(a[1], `${path}[1]`, depth + 1);
      if (!isRecord(map)) this.fail(`${path}[1]`, 'expects a map of variables');
      for (const [k, v] of Object.entries(map)) vars.set(k, v);
    }
    if (typeof text !== 'string') return this.fail(path, 'expects a string');
    let out = '';
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, start);
      const end = text.indexOf('}', start + 2);
      if (end < 0) {
        out += text.slice(start);
        break;
      }
      const name = text.slice(start + 2, end);
      i = end + 1;
      if (name.startsWith('!')) {
        out += `\${${name.slice(1)}}`;
        continue;
      }
      const trimmed = name.trim();
      let v: Value;
      if (vars.has(trimmed)) v = vars.get(trimmed)!;
      else if (!trimmed.startsWith('AWS::') && trimmed.includes('.')) {
        const dot = trimmed.indexOf('.');
        v = this.getAtt([trimmed.slice(0, dot), trimmed.slice(dot + 1)], path, depth);
      } else v = this.ref(trimmed, path);
      out += this.str(v, `${path} \${${trimmed}}`);
      if (out.length > MAX_STRING) this.fail(path, 'the result is too long');
    }
    return out;
  }

  private fn(key: string, arg: unknown, path: string, depth: number, inCondition: boolean): Value {
    const ev = (v: unknown, p: string) => this.eval(v, p, depth + 1, inCondition);
    switch (key) {
      case 'Fn::GetAtt':
        return this.getAtt(arg, path, depth);
      case 'Fn::Sub':
        return this.sub(arg, path, depth);
      case 'Fn::Join': {
        const [d, l] = this.args(arg, 2, path);
        const delimiter = this.str(ev(d, `${path}[0]`), `${path}[0]`);
        const joined = this.list(ev(l, `${path}[1]`), `${path}[1]`)
          .map((v, i) => this.str(v, `${path}[1][${i}]`))
          .join(delimiter);
        if (joined.length > MAX_STRING) this.fail(path, 'the result is too long');
        return joined;
      }
      case 'Fn::Select': {
        const [i, l] = this.args(arg, 2, path);
        const index = Number(this.str(ev(i, `${path}[0]`), `${path}[0]`));
        const items = this.list(ev(l, `${path}[1]`), `${path}[1]`);
        if (!Number.isInteger(index) || index < 0 || index >= items.length)
          this.fail(path, `index ${index} is outside the list of ${items.length}`);
        return items[index]!;
      }
      case 'Fn::Split': {
        const [d, s] = this.args(arg, 2, path);
        const delimiter = this.str(ev(d, `${path}[0]`), `${path}[0]`);
        if (delimiter === '') this.fail(`${path}[0]`, 'the delimiter must not be empty');
        return this.str(ev(s, `${path}[1]`), `${path}[1]`).split(delimiter);
      }
      case 'Fn::If': {
        const [c, a, b] = this.args(arg, 3, path);
        if (typeof c !== 'string') return this.fail(`${path}[0]`, 'expects a condition name');
        return this.condition(c, `${path}[0]`) ? ev(a, `${path}[1]`) : ev(b, `${path}[2]`);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(arg, 2, path);
        return JSON.stringify(canonical(ev(a, `${path}[0]`))) === JSON.stringify(canonical(ev(b, `${path}[1]`)));
      }
      case 'Fn::Not': {
        const [a] = this.args(arg, 1, path);
        return !this.bool(a, `${path}[0]`, depth);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const items = this.args(arg, [2, 10], path);
        const values = items.map((v, i) => this.bool(v, `${path}[${i}]`, depth));
        return key === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::FindInMap': {
        const a = this.args(arg, [3, 4], path);
        const key = (i: number) => this.str(ev(a[i], `${path}[${i}]`), `${path}[${i}]`);
        const m = key(0);
        const k1 = key(1);
        const k2 = key(2);
        const found = own(own(this.mappings.get(m), k1), k2);
        if (found === undefined) {
          if (a[3] !== undefined) return ev(own(a[3], 'DefaultValue'), `${path}[3].DefaultValue`);
          return this.fail(path, `Mappings.${m}.${k1}.${k2} does not exist`);
        }
        return ev(found, `Mappings.${m}.${k1}.${k2}`);
      }
      case 'Fn::Base64':
        return Buffer.from(this.str(ev(arg, path), path)).toString('base64');
      case 'Fn::ImportValue': {
        const name = this.str(ev(arg, path), path);
        const v = this.importValue(name, path);
        if (v === undefined)
          this.fail(
            path,
            `no template of this import exports ${name} (import the stack that exports it together with this one)`,
          );
        return v;
      }
      default:
        return this.fail(path, `${key} is not supported by the importer`);
    }
  }
}

/** Values compared by Fn::Equals: numbers and booleans compare like their string form. */
function canonical(v: Value): Value {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(canonical);
  return v;
}

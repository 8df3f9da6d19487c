// Per-type facts computed once (protobufjs' reflection getters such as fullName are not cached and are slow).
import protobuf from 'protobufjs';
import { isPlainObject, type Plain } from './proto-json.js';

export interface FieldInfo {
  field: protobuf.Field;
  name: string;
  /** Name of the (real, non-synthetic) oneof the field belongs to. */
  oneof?: string;
  deprecated: boolean;
  repeated: boolean;
  map: boolean;
  keyType: string;
  /** Scalar type name, or undefined for message/enum fields. */
  scalar?: string;
  message?: protobuf.Type;
  messageName?: string;
  enumType?: protobuf.Enum;
  /** The field's protoc-gen-validate rules ((validate.rules) option). */
  rules?: Plain;
}

export interface TypeInfo {
  fullName: string;
  byName: Map<string, FieldInfo>;
  fields: FieldInfo[];
  /** Fields carrying protoc-gen-validate rules. */
  ruled: (FieldInfo & { rules: Plain })[];
  requiredOneofs: { name: string; members: string[] }[];
}

const typeInfos = new WeakMap<protobuf.Type, TypeInfo>();

export function typeInfo(type: protobuf.Type): TypeInfo {
  let info = typeInfos.get(type);
  if (info) return info;
  const byName = new Map<string, FieldInfo>();
  const fields: FieldInfo[] = [];
  for (const f of type.fieldsArray) {
    const rt = f.resolvedType;
    const fi: FieldInfo = {
      field: f,
      name: f.name,
      deprecated: f.options?.deprecated === true,
      repeated: f.repeated,
      map: f.map,
      keyType: f instanceof protobuf.MapField ? f.keyType : '',
    };
    if (f.partOf && !f.partOf.isProto3Optional) fi.oneof = f.partOf.name;
    if (rt instanceof protobuf.Type) {
      fi.message = rt;
      fi.messageName = rt.fullName;
    } else if (rt instanceof protobuf.Enum) fi.enumType = rt;
    else fi.scalar = f.type;
    const rules = fieldRules(f);
    if (rules) fi.rules = rules;
    fields.push(fi);
    byName.set(f.name, fi);
    const json = f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    if (json !== f.name) byName.set(json, fi);
  }
  const requiredOneofs = type.oneofsArray
    .filter((o) => o.options?.['(validate.required)'] === true)
    .map((o) => ({ name: o.name, members: [...o.oneof] }));
  const ruled = fields.filter((f): f is FieldInfo & { rules: Plain } => f.rules !== undefined);
  info = { fullName: type.fullName, byName, fields, ruled, requiredOneofs };
  typeInfos.set(type, info);
  return info;
}

/** protobufjs keeps the parsed form of custom options (such as (validate.rules)) in `parsedOptions`, untyped. */
function fieldRules(field: protobuf.Field): Plain | undefined {
  const parsed: unknown = Reflect.get(field, 'parsedOptions');
  if (!Array.isArray(parsed)) return undefined;
  for (const o of parsed) {
    const r = isPlainObject(o) ? o['(validate.rules)'] : undefined;
    if (isPlainObject(r)) return r;
  }
  return undefined;
}

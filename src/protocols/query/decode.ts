// Decoding of AWS Query-style requests (form-encoded Action/Version + parameters) for both
// styles of the Query protocol. EC2 and IAM/STS differ only in how member names and lists
// are spelled on the wire, which `QueryNaming` captures:
//   ec2:   name = queryName ?? LocationName ?? MemberName; lists flattened: Name.N
//   query: name = locationName ?? MemberName; lists Name.member.N (Name.N when flattened); maps Name.entry.N.key/value
//
// The flat parameters are first folded into a tree by their dotted names (one pass over the
// names), and the model is then walked over that tree, so decoding costs time linear in the
// request size whatever the number of list members.
import type { ApiError } from '../../api/errors.js';
import type { RawRequest } from '../../api/service.js';
import { MAX_COLLECTION_MEMBERS, MAX_QUERY_NAME_LENGTH, MAX_QUERY_PARAMS } from '../limits.js';
import type { MemberRef, ServiceModel, Shape } from '../model.js';

export type QueryNaming = 'ec2' | 'query';

export type BadRequest = (message: string) => ApiError;

const FORM_TYPE = 'application/x-www-form-urlencoded';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One dotted-name segment of the parameters: its own value (when sent) and the names below it. */
export interface QueryNode {
  value?: string;
  children?: Map<string, QueryNode>;
}

/** The request's parameters: the form body for POST, else the query string (both when both are present; the body wins). */
export function readQueryParams(req: RawRequest, bad: BadRequest): Map<string, string> {
  const params = new Map<string, string>();
  const add = (source: URLSearchParams) => {
    for (const [k, v] of source) {
      if (k.length > MAX_QUERY_NAME_LENGTH)
        throw bad(`Parameter name ${k.slice(0, 64)}… is longer than ${MAX_QUERY_NAME_LENGTH} characters`);
      params.set(k, v);
      if (params.size > MAX_QUERY_PARAMS) throw bad(`The request has more than ${MAX_QUERY_PARAMS} parameters`);
    }
  };
  add(new URLSearchParams(req.rawQuery));
  if (req.body.length) {
    // Every parameter after the first needs an '&': count them before parsing anything.
    let separators = 0;
    for (let at = req.body.indexOf(0x26); at >= 0; at = req.body.indexOf(0x26, at + 1)) {
      if (++separators >= MAX_QUERY_PARAMS) throw bad(`The request has more than ${MAX_QUERY_PARAMS} parameters`);
    }
    const type = String(req.headers['content-type'] ?? FORM_TYPE)
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type !== FORM_TYPE) throw bad(`Unsupported content type ${type}; send ${FORM_TYPE}`);
    let text: string;
    try {
      text = utf8.decode(req.body);
    } catch {
      throw bad('Request body is not valid UTF-8');
    }
    add(new URLSearchParams(text));
  }
  return params;
}

/** Folds `A.1.B=v` parameters into a tree of segments. */
export function queryTree(params: Map<string, string>): QueryNode {
  const root: QueryNode = {};
  for (const [name, value] of params) {
    let node = root;
    for (const segment of name.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(segment);
      if (!next) node.children.set(segment, (next = {}));
      node = next;
    }
    node.value = value;
  }
  return root;
}

/** Whether a request looks like a Query call of the given API version (for edge routing of unsigned requests). */
export function looksLikeQuery(req: RawRequest, version: string): boolean {
  const haystack = `${req.rawQuery}&${req.body.length <= 64 * 1024 ? req.body.toString('latin1') : ''}`;
  return new URLSearchParams(haystack).get('Version') === version;
}

export function memberWireName(name: string, ref: MemberRef, naming: QueryNaming): string {
  if (naming === 'ec2') {
    if (ref.queryName) return ref.queryName;
    if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
    return name;
  }
  return ref.locationName ?? name;
}

interface Walk {
  model: ServiceModel;
  naming: QueryNaming;
  bad: BadRequest;
}

/** Builds the input structure of `shapeName` from the request's parameters. */
export function decodeQueryInput(
  model: ServiceModel,
  shapeName: string,
  params: Map<string, string>,
  naming: QueryNaming,
  bad: BadRequest,
): Record<string, unknown> {
  const shape = model.shapes[shapeName];
  if (!shape) return {};
  return decodeStructure({ model, naming, bad }, shape, queryTree(params), '') ?? {};
}

function decodeValue(w: Walk, ref: MemberRef, node: QueryNode, path: string): unknown {
  const shape = w.model.shapes[ref.shape];
  if (!shape) return undefined;
  switch (shape.type) {
    case 'structure':
      return decodeStructure(w, shape, node, path);
    case 'list':
      return decodeList(w, shape, ref, node, path);
    case 'map':
      return decodeMap(w, shape, node, path);
    default:
      return node.value === undefined ? undefined : decodeScalar(shape, node.value, path, w.bad);
  }
}

function decodeStructure(w: Walk, shape: Shape, node: QueryNode, path: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  if (node.children) {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wire = memberWireName(name, ref, w.naming);
      const child = node.children.get(wire);
      if (!child) continue;
      const v = decodeValue(w, ref, child, path ? `${path}.${wire}` : wire);
      if (v !== undefined) {
        out[name] = v;
        any = true;
      }
    }
  }
  return any || !path ? out : undefined;
}

/** The children of `node` named by a positive index, in index order; at most `limit` of them. */
function indexed(node: QueryNode | undefined, limit: number, path: string, bad: BadRequest): QueryNode[] {
  if (!node?.children) return [];
  const found: [number, QueryNode][] = [];
  for (const [segment, child] of node.children) {
    if (!/^[1-9]\d{0,8}$/.test(segment)) continue;
    found.push([Number(segment), child]);
    if (found.length > limit) throw bad(`${path} has more than ${limit} members`);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}

function memberLimit(shape: Shape): number {
  return Math.max(shape.max ?? 0, MAX_COLLECTION_MEMBERS);
}

function decodeList(w: Walk, shape: Shape, ref: MemberRef, node: QueryNode, path: string): unknown[] | undefined {
  const member = shape.member;
  if (!member) return undefined;
  const flattened = w.naming === 'ec2' || shape.flattened || ref.flattened;
  const itemName = member.locationName ?? 'member';
  const base = flattened ? node : node.children?.get(itemName);
  // An empty list is sent as just the key with an empty value (Query protocol).
  if (!flattened && node.value === '' && !node.children) return [];
  const basePath = flattened ? path : `${path}.${itemName}`;
  const out: unknown[] = [];
  for (const item of indexed(base, memberLimit(shape), basePath, w.bad)) {
    const v = decodeValue(w, member, item, `${basePath}.N`);
    if (v !== undefined) out.push(v);
  }
  return out.length || w.naming === 'ec2' ? out : undefined;
}

function decodeMap(w: Walk, shape: Shape, node: QueryNode, path: string): Record<string, unknown> | undefined {
  if (!shape.key || !shape.value) return undefined;
  const flattened = shape.flattened || w.naming === 'ec2';
  const base = flattened ? node : node.children?.get('entry');
  const basePath = flattened ? path : `${path}.entry`;
  const keyName = shape.key.locationName ?? 'key';
  const valueName = shape.value.locationName ?? 'value';
  const out: Record<string, unknown> = Object.create(null);
  let any = false;
  for (const entry of indexed(base, memberLimit(shape), basePath, w.bad)) {
    const k = entry.children?.get(keyName)?.value;
    if (k === undefined) continue;
    const valueNode = entry.children?.get(valueName);
    out[k] = valueNode ? decodeValue(w, shape.value, valueNode, `${basePath}.N.${valueName}`) : undefined;
    any = true;
  }
  return any || w.naming === 'ec2' ? out : undefined;
}

function decodeScalar(shape: Shape, raw: string, key: string, bad: BadRequest): unknown {
  switch (shape.type) {
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected true or false`);
      return lower === 'true';
    }
    case 'integer':
    case 'long': {
      if (!/^-?\d{1,20}$/.test(raw))
        throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a whole number`);
      return Number(raw);
    }
    case 'double':
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a number`);
      return n;
    }
    case 'timestamp': {
      const t = /^\d{1,20}(\.\d{1,20})?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
      if (!Number.isFinite(t)) throw bad(`Invalid value '${raw.slice(0, 50)}' for ${key}: expected a timestamp`);
      return t;
    }
    default:
      return raw;
  }
}

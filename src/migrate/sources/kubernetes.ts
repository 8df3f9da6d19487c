// App Mesh controller custom resources (appmesh.k8s.aws/v1beta2) as the App Mesh resources
// the controller would create: its awsName defaults (<name>_<namespace>, <name>.<namespace>
// for virtual services, <name> for meshes), its references (…Ref in the referrer's
// namespace, …ARN), mesh membership by namespace labels, gateway membership by
// namespace and route labels, routes embedded in virtual routers, and backend groups.
import { Kind, type MeshKind } from '../../appmesh/kinds.js';
import { parseArn } from '../../appmesh/arn.js';
import { emptyTable, isRecord, isStringArray, lookupTable } from '../../runtime/guards.js';
import { type Desired, type SourceResult, SPEC_SHAPE } from '../resources.js';
import { SourceError, toApiStructure } from '../shapes.js';

const API_GROUP = 'appmesh.k8s.aws/';
const KINDS = lookupTable<MeshKind | 'BackendGroup'>({
  Mesh: Kind.mesh,
  VirtualNode: Kind.virtualNode,
  VirtualService: Kind.virtualService,
  VirtualRouter: Kind.virtualRouter,
  VirtualGateway: Kind.virtualGateway,
  GatewayRoute: Kind.gatewayRoute,
  BackendGroup: 'BackendGroup',
});

type Obj = Record<string, unknown>;

/** The spec fields of each custom resource (apis/appmesh/v1beta2); anything else is an error, never dropped. */
const SPEC_FIELDS = lookupTable<readonly string[]>({
  mesh: ['awsName', 'namespaceSelector', 'egressFilter', 'meshOwner', 'meshServiceDiscovery'],
  virtualNode: [
    'awsName',
    'podSelector',
    'listeners',
    'serviceDiscovery',
    'backends',
    'backendGroups',
    'backendDefaults',
    'logging',
    'meshRef',
  ],
  virtualService: ['awsName', 'provider', 'meshRef'],
  virtualRouter: ['awsName', 'listeners', 'routes', 'meshRef'],
  virtualGateway: [
    'awsName',
    'namespaceSelector',
    'podSelector',
    'gatewayRouteSelector',
    'listeners',
    'logging',
    'backendDefaults',
    'meshRef',
  ],
  gatewayRoute: ['awsName', 'priority', 'httpRoute', 'http2Route', 'grpcRoute', 'virtualGatewayRef', 'meshRef'],
  BackendGroup: ['virtualservices', 'meshRef'],
  route: ['name', 'priority', 'httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'],
});

function checkFields(value: Obj, fields: readonly string[], where: string): void {
  for (const k of Object.keys(value)) {
    if (!fields.includes(k))
      throw new SourceError(`${where}.${k}: not a field of this resource (expected one of: ${fields.join(', ')})`);
  }
}
/** A reference member of the controller's spec: virtualNodeRef, virtualServiceARN, … */
const REFERENCE = /^(virtualNode|virtualService|virtualRouter)(Ref|ARN)$/;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface Cr {
  kind: MeshKind | 'BackendGroup';
  name: string;
  namespace: string;
  labels: Record<string, string>;
  spec: Obj;
  origin: string;
  awsName: string;
}

interface SelectorExpression {
  key: string;
  operator: string;
  values?: string[];
}

interface LabelSelector {
  matchLabels?: unknown;
  matchExpressions?: SelectorExpression[];
}

const isSelectorExpression = (v: unknown): v is SelectorExpression =>
  isRecord(v) &&
  typeof v.key === 'string' &&
  typeof v.operator === 'string' &&
  (v.values === undefined || isStringArray(v.values));

/** The selector, or undefined when it is not one (a malformed selector selects nothing, like an absent one). */
function labelSelector(v: unknown): LabelSelector | undefined {
  if (!isRecord(v)) return undefined;
  const { matchLabels, matchExpressions } = v;
  if (matchExpressions === undefined || matchExpressions === null) return { matchLabels };
  if (!Array.isArray(matchExpressions) || !matchExpressions.every(isSelectorExpression)) return undefined;
  return { matchLabels, matchExpressions };
}

/** Kubernetes label selector semantics; an undefined selector selects nothing, {} selects everything. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  const s = labelSelector(selector);
  if (!s) return false;
  for (const [k, v] of Object.entries(s.matchLabels ?? {}))
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = has ? labels[e.key]! : undefined;
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function isKubernetes(doc: unknown): boolean {
  return isRecord(doc) && typeof doc.apiVersion === 'string' && typeof doc.kind === 'string';
}

function labelsOf(meta: Obj): Record<string, string> {
  const out = emptyTable<string>();
  if (isRecord(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Flattens `kind: List` (kubectl get -o yaml) into its items. */
function flatten(docs: { doc: unknown; file: string }[]): { doc: Obj; file: string }[] {
  const out: { doc: Obj; file: string }[] = [];
  const visit = (doc: unknown, file: string, depth: number) => {
    if (!isRecord(doc)) return;
    if (Array.isArray(doc.items) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && depth < 4) {
      for (const item of doc.items) visit(item, file, depth + 1);
      return;
    }
    out.push({ doc, file });
  };
  for (const d of docs) visit(d.doc, d.file, 0);
  return out;
}

export function readKubernetes(docs: { doc: unknown; file: string }[]): SourceResult {
  const result: SourceResult = { resources: [], skipped: [] };
  const crs: Cr[] = [];
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const { doc, file } of flatten(docs)) {
    const meta = isRecord(doc.metadata) ? doc.metadata : {};
    const name = str(meta.name) ?? '';
    const namespace = str(meta.namespace) ?? 'default';
    const kindName = String(doc.kind);
    const origin = `${file}#${kindName}/${meta.namespace === undefined || kindName === 'Mesh' ? '' : `${namespace}/`}${name}`;
    if (doc.apiVersion === 'v1' && kindName === 'Namespace') namespaceLabels.set(name, labelsOf(meta));
    const apiVersion = String(doc.apiVersion);
    const kind = apiVersion.startsWith(API_GROUP) && Object.hasOwn(KINDS, kindName) ? KINDS[kindName]! : undefined;
    if (!kind) {
      result.skipped.push({ origin, type: `${apiVersion} ${kindName}`, reason: 'not an App Mesh controller resource' });
      continue;
    }
    if (apiVersion !== `${API_GROUP}v1beta2`) {
      throw new SourceError(
        `${origin}: ${apiVersion} is not supported (only ${API_GROUP}v1beta2; v1beta1 objects must be converted first)`,
      );
    }
    if (!name) throw new SourceError(`${origin}: metadata.name is required`);
    const spec = isRecord(doc.spec) ? doc.spec : {};
    checkFields(spec, SPEC_FIELDS[kind]!, `${origin}: spec`);
    const defaultName =
      kind === Kind.mesh ? name : kind === Kind.virtualService ? `${name}.${namespace}` : `${name}_${namespace}`;
    crs.push({
      kind,
      name,
      namespace,
      labels: labelsOf(meta),
      spec,
      origin,
      awsName: str(spec.awsName) ?? defaultName,
    });
  }

  const find = (kind: Cr['kind'], namespace: string, name: string) =>
    crs.find((c) => c.kind === kind && c.namespace === namespace && c.name === name);
  const meshes = crs.filter((c) => c.kind === Kind.mesh);
  const meshOf = (cr: Cr): Cr => {
    const ref = isRecord(cr.spec.meshRef) ? str(cr.spec.meshRef.name) : undefined;
    if (ref) {
      const m = meshes.find((x) => x.name === ref);
      if (!m) throw new SourceError(`${cr.origin}: spec.meshRef names mesh ${ref}, which is not in the source`);
      return m;
    }
    const labels = namespaceLabels.get(cr.namespace);
    const matching = labels ? meshes.filter((m) => selects(m.spec.namespaceSelector, labels)) : meshes;
    if (matching.length === 1) return matching[0]!;
    const why = labels
      ? `the labels of namespace ${cr.namespace} match ${matching.length} meshes`
      : `namespace ${cr.namespace} is not in the source and ${matching.length} meshes are`;
    throw new SourceError(
      `${cr.origin}: cannot tell which mesh it belongs to: ${why} (set spec.meshRef, or include the Namespace with its labels)`,
    );
  };

  // A reference to another custom resource, resolved to that resource's awsName.
  const resolveRef = (from: Cr, kind: MeshKind, ref: unknown, arn: unknown, path: string): string => {
    if (isRecord(ref)) {
      const name = str(ref.name);
      if (!name) throw new SourceError(`${from.origin}: ${path}: a reference needs a name`);
      const namespace = str(ref.namespace) ?? from.namespace;
      const target = find(kind, namespace, name);
      if (!target)
        throw new SourceError(`${from.origin}: ${path} names ${kind} ${namespace}/${name}, which is not in the source`);
      if (meshOf(target) !== meshOf(from))
        throw new SourceError(`${from.origin}: ${path} names ${namespace}/${name}, which belongs to another mesh`);
      return target.awsName;
    }
    if (typeof arn === 'string') {
      const parts = parseArn(arn);
      if (!parts || parts.kind !== kind)
        throw new SourceError(`${from.origin}: ${path}: ${arn} is not the ARN of a ${kind}`);
      return parts.name;
    }
    throw new SourceError(`${from.origin}: ${path}: expected a ${kind}Ref or ${kind}ARN`);
  };

  /** The spec with references replaced by names and the controller's ARN spellings fixed. */
  const rewrite = (from: Cr, value: unknown, path: string, depth = 0): unknown => {
    if (depth > 64) throw new SourceError(`${from.origin}: ${path}: nested too deeply`);
    if (Array.isArray(value)) return value.map((v, i) => rewrite(from, v, `${path}[${i}]`, depth + 1));
    if (!isRecord(value)) return value;
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      const set = (key: string, val: unknown) =>
        Object.defineProperty(out, key, { value: val, enumerable: true, writable: true, configurable: true });
      const kind = REFERENCE.exec(k)?.[1];
      if (kind === Kind.virtualNode || kind === Kind.virtualService || kind === Kind.virtualRouter) {
        const field = path.endsWith(']') && /weightedTargets\[\d+\]$/.test(path) ? 'virtualNode' : `${kind}Name`;
        set(field, resolveRef(from, kind, value[`${kind}Ref`], value[`${kind}ARN`], `${path}.${k}`));
      } else if (k === 'certificateARN') set('certificateArn', v);
      else if (k === 'certificateAuthorityARNs') set('certificateAuthorityArns', v);
      else set(k, rewrite(from, v, `${path}.${k}`, depth + 1));
    }
    return out;
  };

  const pick = (spec: Obj, keys: string[]): Obj =>
    Object.fromEntries(keys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));

  const toSpec = (cr: Cr, kind: MeshKind, raw: Obj, path: string): Record<string, unknown> => {
    try {
      return toApiStructure(rewrite(cr, raw, path), SPEC_SHAPE[kind], 'api', path);
    } catch (err) {
      if (err instanceof SourceError && !err.message.startsWith(cr.origin))
        throw new SourceError(`${cr.origin}: ${err.message}`);
      throw err;
    }
  };

  const emit = (
    cr: Cr,
    kind: MeshKind,
    meshName: string,
    name: string,
    spec: Record<string, unknown>,
    parentName?: string,
    meshOwner?: string,
  ) => {
    const d: Desired = { kind, meshName, name, spec, origin: cr.origin };
    if (parentName !== undefined) d.parentName = parentName;
    if (meshOwner !== undefined) d.meshOwner = meshOwner;
    result.resources.push(d);
  };

  const gateways = crs.filter((c) => c.kind === Kind.virtualGateway);
  for (const cr of crs) {
    const s = cr.spec;
    if (cr.kind === 'BackendGroup') continue;
    if (cr.kind === Kind.mesh) {
      const spec: Obj = pick(s, ['egressFilter']);
      if (isRecord(s.meshServiceDiscovery)) spec.serviceDiscovery = s.meshServiceDiscovery;
      emit(cr, Kind.mesh, cr.awsName, cr.awsName, toSpec(cr, Kind.mesh, spec, 'spec'), undefined, str(s.meshOwner));
      continue;
    }
    const mesh = meshOf(cr);
    const meshOwner = str(mesh.spec.meshOwner);
    switch (cr.kind) {
      case Kind.virtualNode: {
        const spec = pick(s, ['listeners', 'serviceDiscovery', 'backends', 'backendDefaults', 'logging']);
        const backends = Array.isArray(spec.backends) ? [...spec.backends] : [];
        const named = new Set(backends.map((b) => JSON.stringify(b)));
        for (const [i, g] of (Array.isArray(s.backendGroups) ? s.backendGroups : []).entries()) {
          const ref = isRecord(g) ? g : {};
          const group = find('BackendGroup', str(ref.namespace) ?? cr.namespace, str(ref.name) ?? '');
          if (!group)
            throw new SourceError(
              `${cr.origin}: spec.backendGroups[${i}] names a BackendGroup that is not in the source`,
            );
          for (const vs of Array.isArray(group.spec.virtualservices) ? group.spec.virtualservices : []) {
            const refs =
              isRecord(vs) && vs.name === '*'
                ? crs
                    .filter((c) => c.kind === Kind.virtualService && c.namespace === group.namespace)
                    .map((c) => ({ name: c.name, namespace: c.namespace }))
                : [{ ...(isRecord(vs) ? vs : {}), namespace: (isRecord(vs) && str(vs.namespace)) || group.namespace }];
            for (const r of refs) {
              const b = { virtualService: { virtualServiceRef: r } };
              if (!named.has(JSON.stringify(b))) {
                named.add(JSON.stringify(b));
                backends.push(b);
              }
            }
          }
        }
        if (backends.length) spec.backends = backends;
        emit(
          cr,
          Kind.virtualNode,
          mesh.awsName,
          cr.awsName,
          toSpec(cr, Kind.virtualNode, spec, 'spec'),
          undefined,
          meshOwner,
        );
        break;
      }
      case Kind.virtualService:
        emit(
          cr,
          Kind.virtualService,
          mesh.awsName,
          cr.awsName,
          toSpec(cr, Kind.virtualService, pick(s, ['provider']), 'spec'),
          undefined,
          meshOwner,
        );
        break;
      case Kind.virtualRouter: {
        emit(
          cr,
          Kind.virtualRouter,
          mesh.awsName,
          cr.awsName,
          toSpec(cr, Kind.virtualRouter, pick(s, ['listeners']), 'spec'),
          undefined,
          meshOwner,
        );
        for (const [i, r] of (Array.isArray(s.routes) ? s.routes : []).entries()) {
          const route = isRecord(r) ? r : {};
          checkFields(route, SPEC_FIELDS.route!, `${cr.origin}: spec.routes[${i}]`);
          const routeName = str(route.name);
          if (!routeName) throw new SourceError(`${cr.origin}: spec.routes[${i}].name is required`);
          const spec = toSpec(
            cr,
            Kind.route,
            pick(route, ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute', 'priority']),
            `spec.routes[${i}]`,
          );
          emit(cr, Kind.route, mesh.awsName, routeName, spec, cr.awsName, meshOwner);
        }
        break;
      }
      case Kind.virtualGateway: {
        const spec = pick(s, ['listeners', 'logging', 'backendDefaults']);
        // The controller accepts an ACM trust on gateway listeners and drops it when converting.
        for (const l of Array.isArray(spec.listeners) ? spec.listeners : []) {
          const trust =
            isRecord(l) && isRecord(l.tls) && isRecord(l.tls.validation) && isRecord(l.tls.validation.trust)
              ? l.tls.validation.trust
              : undefined;
          if (trust && trust.acm !== undefined) delete trust.acm;
        }
        emit(
          cr,
          Kind.virtualGateway,
          mesh.awsName,
          cr.awsName,
          toSpec(cr, Kind.virtualGateway, spec, 'spec'),
          undefined,
          meshOwner,
        );
        break;
      }
      case Kind.gatewayRoute: {
        let gateway: Cr | undefined;
        const ref = isRecord(s.virtualGatewayRef) ? s.virtualGatewayRef : undefined;
        if (ref) {
          gateway = find(Kind.virtualGateway, str(ref.namespace) ?? cr.namespace, str(ref.name) ?? '');
          if (!gateway)
            throw new SourceError(`${cr.origin}: spec.virtualGatewayRef names a gateway that is not in the source`);
        } else {
          const labels = namespaceLabels.get(cr.namespace);
          const matching = gateways.filter(
            (g) =>
              meshOf(g) === mesh &&
              (labels ? selects(g.spec.namespaceSelector, labels) : true) &&
              (g.spec.gatewayRouteSelector === undefined || selects(g.spec.gatewayRouteSelector, cr.labels)),
          );
          if (matching.length !== 1) {
            throw new SourceError(
              `${cr.origin}: cannot tell which virtual gateway it belongs to (${matching.length} match; set spec.virtualGatewayRef, or include the Namespace with its labels)`,
            );
          }
          gateway = matching[0]!;
        }
        const spec = toSpec(
          cr,
          Kind.gatewayRoute,
          pick(s, ['httpRoute', 'http2Route', 'grpcRoute', 'priority']),
          'spec',
        );
        emit(cr, Kind.gatewayRoute, mesh.awsName, cr.awsName, spec, gateway.awsName, meshOwner);
        break;
      }
    }
  }
  return result;
}

// AWS::AppMesh::* resources of a CloudFormation template (hand-written or `cdk synth`
// output) as App Mesh resources. Names come from the template's properties (CloudFormation
// invents one when a name is omitted; so does the importer, deterministically:
// `<stack>-<logical id>`), Ref is the resource's ARN and Fn::GetAtt its names, ARN, uid
// and owners.
import { Kind, type MeshKind } from '../../appmesh/kinds.js';
import { resourceArn } from '../../appmesh/arn.js';
import { types } from '../../appmesh/resources.js';
import { isRecord, lookupTable } from '../../runtime/guards.js';
import { type Desired, type SourceResult, SPEC_SHAPE, userTags } from '../resources.js';
import { cfnName, SourceError, toApiStructure } from '../shapes.js';
import { NO_VALUE, type Pseudo, TemplateEvaluator, type Value } from './cfn-intrinsics.js';

export const CFN_TYPES = lookupTable<MeshKind>({
  'AWS::AppMesh::Mesh': Kind.mesh,
  'AWS::AppMesh::VirtualNode': Kind.virtualNode,
  'AWS::AppMesh::VirtualService': Kind.virtualService,
  'AWS::AppMesh::VirtualRouter': Kind.virtualRouter,
  'AWS::AppMesh::Route': Kind.route,
  'AWS::AppMesh::VirtualGateway': Kind.virtualGateway,
  'AWS::AppMesh::GatewayRoute': Kind.gatewayRoute,
});

/** Attributes of non-App Mesh resources that equal the property of the same name. */
const OTHER_ATTRIBUTES: ReadonlyMap<string, readonly string[]> = new Map([
  ['AWS::ServiceDiscovery::Service', ['Name']],
]);

export interface CfnOptions {
  parameters: ReadonlyMap<string, string>;
  region: string;
  /** The account of the server's ARNs, when known. */
  accountId?: string;
  /** Uid of an existing resource by ARN (Fn::GetAtt …Uid). */
  uidOf(arn: string): string | undefined;
}

interface Names {
  meshName: string;
  parentName?: string;
  name: string;
  meshOwner?: string;
}

/** A template as read: any document with a Resources section that is an object (or a list, which has no resources). */
export type TemplateDocument = Record<string, unknown> & { Resources: object };

export const hasResourcesSection = (doc: Record<string, unknown>): doc is TemplateDocument =>
  typeof doc.Resources === 'object' && doc.Resources !== null;

export function isCloudFormation(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    isRecord(doc.Resources) &&
    (doc.AWSTemplateFormatVersion !== undefined ||
      Object.values(doc.Resources).some((r) => isRecord(r) && typeof r.Type === 'string'))
  );
}

const NAME_PROPERTIES = (kind: MeshKind): string[] => {
  const t = types[kind];
  return kind === Kind.mesh
    ? ['MeshName']
    : ['MeshName', 'MeshOwner', ...(t.parent ? [cfnName(t.parent.nameField)] : []), cfnName(t.nameField)];
};

/** Exports of the templates read together (Outputs.*.Export.Name → their value, evaluated on use). */
export type Exports = Map<string, () => Value>;

/**
 * Prepares one template: registers its exports in `exports` at once (so templates read
 * together can import from each other, as CDK cross-stack references do) and returns the
 * function that reads its App Mesh resources.
 */
export function prepareCloudFormation(
  file: string,
  template: TemplateDocument,
  stackName: string,
  opts: CfnOptions,
  exports: Exports,
): () => SourceResult {
  const resources = new Map<string, Record<string, unknown>>();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (!isRecord(r)) throw new SourceError(`${file}: Resources.${id}: expected an object`);
    resources.set(id, r);
  }
  const partition = opts.region.startsWith('cn-') ? 'aws-cn' : opts.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const pseudo: Pseudo = {
    region: opts.region,
    partition,
    urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    stackName: opts.parameters.get('AWS::StackName') ?? stackName,
    accountId: () => {
      const a = opts.parameters.get('AWS::AccountId') ?? opts.accountId;
      if (!a)
        throw new SourceError(
          `${file}: the account id is not known yet (the server has no mesh to read it from); pass --parameter AWS::AccountId=NNNNNNNNNNNN`,
        );
      return a;
    },
  };
  const names = new Map<string, Names>();
  const resolving = new Set<string>();

  const namesOf = (id: string, path: string): Names => {
    const known = names.get(id);
    if (known) return known;
    const r = resources.get(id)!;
    const kind = CFN_TYPES[String(r.Type)]!;
    if (resolving.has(id)) throw new SourceError(`${file}: ${path}: the names of ${id} depend on themselves`);
    resolving.add(id);
    const props = isRecord(r.Properties) ? r.Properties : {};
    const prop = (p: string): string | undefined => {
      if (!Object.hasOwn(props, p)) return undefined;
      const v = evaluator.eval(props[p], `Resources.${id}.Properties.${p}`);
      if (v === NO_VALUE) return undefined;
      if (typeof v !== 'string' || v === '')
        throw new SourceError(`${file}: Resources.${id}.Properties.${p}: expected a name`);
      if (p === 'MeshName' && v.startsWith('arn:')) {
        throw new SourceError(
          `${file}: Resources.${id}.Properties.MeshName: '${v}' is an ARN (Ref of a mesh yields its ARN); use Fn::GetAtt <mesh>.MeshName`,
        );
      }
      return v;
    };
    const invented = `${pseudo.stackName}-${id}`.slice(0, 255);
    const t = types[kind];
    let n: Names;
    if (kind === Kind.mesh) {
      const meshName = prop('MeshName') ?? invented;
      n = { meshName, name: meshName };
    } else {
      const meshName = prop('MeshName');
      if (meshName === undefined) throw new SourceError(`${file}: Resources.${id}.Properties.MeshName: required`);
      n = { meshName, name: prop(cfnName(t.nameField)) ?? invented };
      if (t.parent) {
        const parentProp = cfnName(t.parent.nameField);
        const parentName = prop(parentProp);
        if (parentName === undefined)
          throw new SourceError(`${file}: Resources.${id}.Properties.${parentProp}: required`);
        n.parentName = parentName;
      }
      const owner = prop('MeshOwner');
      if (owner !== undefined) n.meshOwner = owner;
    }
    resolving.delete(id);
    names.set(id, n);
    return n;
  };

  const resolveResource = (id: string, attribute: string | undefined, path: string): Value | undefined => {
    const r = resources.get(id);
    if (!r) return undefined;
    const kind = typeof r.Type === 'string' ? CFN_TYPES[r.Type] : undefined;
    if (!kind) {
      // A few attributes of other resources are their own properties (the CDK names a Cloud Map service by Fn::GetAtt <service>.Name).
      const props = isRecord(r.Properties) ? r.Properties : {};
      if (
        attribute !== undefined &&
        (OTHER_ATTRIBUTES.get(String(r.Type)) ?? []).includes(attribute) &&
        Object.hasOwn(props, attribute)
      ) {
        return evaluator.eval(props[attribute], `Resources.${id}.Properties.${attribute}`);
      }
      throw new SourceError(
        `${file}: ${path}: ${id} is a ${String(r.Type)}, whose ${attribute ? `attribute ${attribute}` : 'Ref'} the importer cannot know`,
      );
    }
    if (r.Condition !== undefined && !evaluator.condition(String(r.Condition), `Resources.${id}.Condition`)) {
      throw new SourceError(`${file}: ${path}: ${id} is not created (its condition ${String(r.Condition)} is false)`);
    }
    const n = namesOf(id, path);
    const arn = () =>
      resourceArn(opts.region, pseudo.accountId(), kind, n.meshName, n.name, n.parentName).replace(
        /^arn:aws:/,
        `arn:${partition}:`,
      );
    const t = types[kind];
    switch (attribute) {
      case undefined:
      case 'Arn':
      case 'Id':
        return arn();
      case 'MeshName':
        return n.meshName;
      case 'MeshOwner':
        return n.meshOwner ?? pseudo.accountId();
      case 'ResourceOwner':
        return pseudo.accountId();
      case 'Uid': {
        const uid = opts.uidOf(arn());
        if (uid === undefined)
          throw new SourceError(
            `${file}: ${path}: ${id} has no Uid yet (the server assigns it when the resource is created); create it first`,
          );
        return uid;
      }
      default:
        if (kind !== Kind.mesh && attribute === cfnName(t.nameField)) return n.name;
        if (t.parent && attribute === cfnName(t.parent.nameField)) return n.parentName!;
        throw new SourceError(`${file}: ${path}: ${id} (${String(r.Type)}) has no attribute ${attribute}`);
    }
  };

  const evaluator = new TemplateEvaluator(file, template, opts.parameters, pseudo, resolveResource, (name) => {
    const value = exports.get(name);
    return value ? value() : undefined;
  });
  for (const [id, output] of Object.entries(isRecord(template.Outputs) ? template.Outputs : {})) {
    if (!isRecord(output) || !isRecord(output.Export) || output.Export.Name === undefined) continue;
    if (output.Condition !== undefined && !evaluator.condition(String(output.Condition), `Outputs.${id}.Condition`))
      continue;
    const name = evaluator.eval(output.Export.Name, `Outputs.${id}.Export.Name`);
    if (typeof name !== 'string') throw new SourceError(`${file}: Outputs.${id}.Export.Name: expected a string`);
    if (exports.has(name))
      throw new SourceError(`${file}: Outputs.${id}: the export ${name} is declared by another template too`);
    let evaluating = false;
    exports.set(name, () => {
      if (evaluating) throw new SourceError(`${file}: Outputs.${id}: the export ${name} depends on itself`);
      evaluating = true;
      try {
        return evaluator.eval(output.Value, `Outputs.${id}.Value`);
      } finally {
        evaluating = false;
      }
    });
  }
  return () => readResources(file, resources, evaluator, namesOf);
}

function readResources(
  file: string,
  resources: Map<string, Record<string, unknown>>,
  evaluator: TemplateEvaluator,
  namesOf: (id: string, path: string) => Names,
): SourceResult {
  const out: SourceResult = { resources: [], skipped: [] };
  for (const [id, r] of resources) {
    const origin = `${file}#${id}`;
    const type = String(r.Type);
    const kind = CFN_TYPES[type];
    if (!kind) {
      out.skipped.push({ origin, type, reason: 'not an App Mesh resource' });
      continue;
    }
    if (r.Condition !== undefined && !evaluator.condition(String(r.Condition), `Resources.${id}.Condition`)) {
      out.skipped.push({ origin, type, reason: `condition ${String(r.Condition)} is false` });
      continue;
    }
    const props = isRecord(r.Properties) ? r.Properties : {};
    const allowed = new Set([...NAME_PROPERTIES(kind), 'Spec', 'Tags']);
    for (const p of Object.keys(props)) {
      if (!allowed.has(p))
        throw new SourceError(
          `${file}: Resources.${id}.Properties.${p}: not a property of ${type} (expected one of: ${[...allowed].join(', ')})`,
        );
    }
    const n = namesOf(id, `Resources.${id}`);
    const base = `Resources.${id}.Properties`;
    const specValue = Object.hasOwn(props, 'Spec') ? evaluator.eval(props.Spec, `${base}.Spec`) : {};
    if (specValue === NO_VALUE && kind !== Kind.mesh) throw new SourceError(`${file}: ${base}.Spec: required`);
    let spec: Record<string, unknown>;
    try {
      spec = toApiStructure(
        specValue === NO_VALUE ? {} : specValue,
        SPEC_SHAPE[kind],
        'cloudformation',
        `${base}.Spec`,
      );
    } catch (err) {
      if (err instanceof SourceError) throw new SourceError(`${file}: ${err.message}`);
      throw err;
    }
    const tagsValue = Object.hasOwn(props, 'Tags') ? evaluator.eval(props.Tags, `${base}.Tags`) : [];
    const tags = Array.isArray(tagsValue) ? tagsValue : tagsValue === NO_VALUE ? [] : null;
    if (tags === null) throw new SourceError(`${file}: ${base}.Tags: expected a list of {Key, Value}`);
    const desired: Desired = {
      kind,
      meshName: n.meshName,
      name: n.name,
      spec,
      origin,
      tags: userTags(
        tags.map((t, i) => {
          if (!isRecord(t) || typeof t.Key !== 'string')
            throw new SourceError(`${file}: ${base}.Tags[${i}]: expected {Key, Value}`);
          return { key: t.Key, value: t.Value === undefined || t.Value === null ? '' : String(t.Value) };
        }),
      ),
    };
    if (n.parentName !== undefined) desired.parentName = n.parentName;
    if (n.meshOwner !== undefined) desired.meshOwner = n.meshOwner;
    out.resources.push(desired);
  }
  return out;
}

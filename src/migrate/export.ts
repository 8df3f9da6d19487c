// Export: every resource of the server's meshes (or one) with its tags, as appmeshd's own
// format or as a CloudFormation template; importing either into an empty server recreates
// the same names, specs and tags. Specs are written exactly as the server returns them.
import { createHash } from 'node:crypto';
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { types } from '../appmesh/resources.js';
import { propertyOf } from '../runtime/guards.js';
import type { Actual, MeshClient } from './client.js';
import { APPLY_ORDER, keyOf, SPEC_SHAPE, userTags } from './resources.js';
import { cfnName, toCloudFormation } from './shapes.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportDocument, type ExportedResource } from './sources/api-json.js';

export async function readAll(client: MeshClient, meshName?: string): Promise<Actual[]> {
  const names = meshName ? [meshName] : (await client.meshNames()).names;
  const all: Actual[] = [];
  for (const m of names) {
    const rs = await client.readMesh(m);
    if (!rs) throw new Error(`mesh ${m} does not exist`);
    all.push(...rs);
  }
  const rank = (k: MeshKind) => APPLY_ORDER.indexOf(k);
  return all.sort((a, b) => rank(a.kind) - rank(b.kind) || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

export function toExport(resources: Actual[], now = new Date()): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    resources: resources.map((r): ExportedResource => {
      const t = types[r.kind];
      const names: Record<string, string> = { meshName: r.meshName };
      if (t.parent) names[t.parent.nameField] = r.parentName!;
      if (r.kind !== Kind.mesh) names[t.nameField] = r.name;
      return { type: t.title, ...names, spec: r.spec, tags: userTags(r.tags) };
    }),
  };
}

function logicalId(r: Actual): string {
  const hash = createHash('md5').update(keyOf(r)).digest('hex').slice(0, 8).toUpperCase();
  const words = [r.meshName, r.parentName ?? '', r.kind === Kind.mesh ? '' : r.name].join(' ');
  const base = `${types[r.kind].title}${words
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}`;
  return `${base.slice(0, 200)}${hash}`;
}

/** A CloudFormation template: literal names for every resource, Fn::GetAtt for the references CloudFormation needs to order creation. */
export function toTemplate(resources: Actual[]): Record<string, unknown> {
  const ids = new Map(resources.map((r) => [keyOf(r), logicalId(r)]));
  const getAtt = (kind: MeshKind, meshName: string, name: string, attribute: string, parentName?: string): unknown => {
    const id = ids.get(keyOf({ kind, meshName, name, ...(parentName !== undefined ? { parentName } : {}) }));
    return id ? { 'Fn::GetAtt': [id, attribute] } : name;
  };
  const out: Record<string, unknown> = {};
  for (const r of resources) {
    const t = types[r.kind];
    const props: Record<string, unknown> = {};
    if (r.kind === Kind.mesh) props.MeshName = r.meshName;
    else {
      props.MeshName = getAtt(Kind.mesh, r.meshName, r.meshName, 'MeshName');
      if (t.parent)
        props[cfnName(t.parent.nameField)] = getAtt(
          t.parent.kind,
          r.meshName,
          r.parentName!,
          cfnName(t.parent.nameField),
        );
      props[cfnName(t.nameField)] = r.name;
    }
    props.Spec = linkReferences(toCloudFormation(r.spec, SPEC_SHAPE[r.kind]), r.meshName, getAtt);
    const tags = userTags(r.tags);
    if (tags.length) props.Tags = tags.map((x) => ({ Key: x.key, Value: x.value }));
    out[ids.get(keyOf(r))!] = { Type: `AWS::AppMesh::${t.title}`, Properties: props };
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'App Mesh resources exported by appmeshd',
    Resources: out,
  };
}

type GetAtt = (kind: MeshKind, meshName: string, name: string, attribute: string) => unknown;

/** Route targets, service providers and gateway-route targets as Fn::GetAtt (node backends stay literal: they may form cycles). */
function linkReferences(spec: unknown, meshName: string, getAtt: GetAtt, parent = ''): unknown {
  if (Array.isArray(spec)) return spec.map((v) => linkReferences(v, meshName, getAtt, parent));
  if (typeof spec !== 'object' || spec === null) return spec;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (parent === 'WeightedTargets' && k === 'VirtualNode' && typeof v === 'string')
      out[k] = getAtt(Kind.virtualNode, meshName, v, 'VirtualNodeName');
    else if (parent === 'VirtualNode' && k === 'VirtualNodeName' && typeof v === 'string')
      out[k] = getAtt(Kind.virtualNode, meshName, v, 'VirtualNodeName');
    else if (parent === 'VirtualRouter' && k === 'VirtualRouterName' && typeof v === 'string')
      out[k] = getAtt(Kind.virtualRouter, meshName, v, 'VirtualRouterName');
    else if (parent === 'Target' && k === 'VirtualService' && typeof v === 'object' && v !== null) {
      const name = propertyOf(v, 'VirtualServiceName');
      out[k] =
        typeof name === 'string'
          ? { VirtualServiceName: getAtt(Kind.virtualService, meshName, name, 'VirtualServiceName') }
          : v;
    } else out[k] = linkReferences(v, meshName, getAtt, k);
  }
  return out;
}

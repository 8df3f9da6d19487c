#!/usr/bin/env node
// Generates model tables and TypeScript types for every AWS API appmeshd speaks,
// from the official service models. Output is committed; `--check` fails when a
// regeneration would change a committed file.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = process.env.APPMESHD_MODELS_DIR ?? join(root, 'models', 'aws');
const outDir = join(root, 'src', 'protocols', 'generated');

// Which operations of each model appmeshd serves (null = all of them).
const services = [
  { id: 'appmesh', file: 'appmesh-2019-01-25.json', operations: null },
  {
    id: 'servicediscovery',
    file: 'servicediscovery-2017-03-14.json',
    operations: [
      'CreateHttpNamespace',
      'CreatePrivateDnsNamespace',
      'CreatePublicDnsNamespace',
      'GetNamespace',
      'ListNamespaces',
      'DeleteNamespace',
      'UpdateHttpNamespace',
      'UpdatePrivateDnsNamespace',
      'UpdatePublicDnsNamespace',
      'GetOperation',
      'ListOperations',
      'CreateService',
      'GetService',
      'ListServices',
      'UpdateService',
      'DeleteService',
      'RegisterInstance',
      'DeregisterInstance',
      'GetInstance',
      'ListInstances',
      'DiscoverInstances',
      'DiscoverInstancesRevision',
      'UpdateInstanceCustomHealthStatus',
      'GetInstancesHealthStatus',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
    ],
  },
  {
    id: 'ec2',
    file: 'ec2-2016-11-15.json',
    operations: [
      'CreateVpc',
      'DescribeVpcs',
      'ModifyVpcAttribute',
      'DescribeVpcAttribute',
      'DeleteVpc',
      'CreateSubnet',
      'DescribeSubnets',
      'DeleteSubnet',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'DescribeSecurityGroups',
      'DeleteSecurityGroup',
      'DescribeAvailabilityZones',
      'DescribeVpcEndpointServices',
      'CreateVpcEndpoint',
      'DescribeVpcEndpoints',
      'ModifyVpcEndpoint',
      'DeleteVpcEndpoints',
      'DescribeNetworkInterfaces',
      'CreateTags',
      'DeleteTags',
      'DescribeTags',
      'DescribeSecurityGroupRules',
      'ModifySecurityGroupRules',
      'UpdateSecurityGroupRuleDescriptionsIngress',
      'UpdateSecurityGroupRuleDescriptionsEgress',
      'DescribePrefixLists',
      'DescribeManagedPrefixLists',
      'DescribeRouteTables',
      'DescribeNetworkAcls',
    ],
  },
  {
    id: 'iam',
    file: 'iam-2010-05-08.json',
    operations: [
      'CreateUser',
      'GetUser',
      'ListUsers',
      'DeleteUser',
      'CreateAccessKey',
      'ListAccessKeys',
      'DeleteAccessKey',
      'PutUserPolicy',
      'GetUserPolicy',
      'ListUserPolicies',
      'DeleteUserPolicy',
      'UpdateAccessKey',
      'ListGroupsForUser',
      'TagUser',
      'UntagUser',
      'ListUserTags',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'GetLoginProfile',
    ],
  },
  {
    id: 'logs',
    file: 'logs-2014-03-28.json',
    operations: [
      'CreateLogGroup',
      'DeleteLogGroup',
      'DescribeLogGroups',
      'PutRetentionPolicy',
      'DeleteRetentionPolicy',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
      'TagLogGroup',
      'UntagLogGroup',
      'ListTagsLogGroup',
      'PutLogGroupDeletionProtection',
      'CreateLogStream',
      'DeleteLogStream',
      'DescribeLogStreams',
      'PutLogEvents',
      'GetLogEvents',
      'FilterLogEvents',
    ],
  },
  { id: 'sts', file: 'sts-2011-06-15.json', operations: ['GetCallerIdentity'] },
];

const DROP = new Set(['documentation', 'documentationUrl', 'deprecated', 'deprecatedMessage', 'box', 'wrapper']);

function clean(value) {
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) if (!DROP.has(key)) out[key] = clean(value[key]);
    return out;
  }
  return value;
}

function reachable(model, opNames) {
  const seen = new Set();
  const visit = (name) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const s = model.shapes[name];
    if (!s) throw new Error(`unknown shape ${name}`);
    for (const m of Object.values(s.members ?? {})) visit(m.shape);
    visit(s.member?.shape);
    visit(s.key?.shape);
    visit(s.value?.shape);
  };
  for (const op of opNames) {
    const o = model.operations[op];
    if (!o) throw new Error(`unknown operation ${op}`);
    visit(o.input?.shape);
    visit(o.output?.shape);
    for (const e of o.errors ?? []) visit(e.shape);
  }
  return [...seen].sort();
}

function tsType(model, name) {
  const s = model.shapes[name];
  switch (s.type) {
    case 'string':
      return s.enum ? s.enum.map((v) => JSON.stringify(v)).join(' | ') : 'string';
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      // Epoch milliseconds; each protocol writes them in its wire format.
      return 'number';
    case 'blob':
      return 'string';
    case 'list':
      return `${ident(s.member.shape)}[]`;
    case 'map':
      return `Record<string, ${ident(s.value.shape)}>`;
    case 'structure':
      return null;
    default:
      return 'unknown';
  }
}

const RESERVED = new Set([
  'String',
  'Boolean',
  'Number',
  'Object',
  'Date',
  'Error',
  'Record',
  'Array',
  'Map',
  'Set',
  'Function',
  'Symbol',
]);
const ident = (name) => (RESERVED.has(name) ? `${name}Shape` : name);

function generate(svc) {
  const model = JSON.parse(readFileSync(join(modelsDir, svc.file), 'utf8'));
  const opNames = (svc.operations ?? Object.keys(model.operations)).slice().sort();
  const shapeNames = reachable(model, opNames);
  const operations = {};
  for (const op of opNames) {
    const o = model.operations[op];
    operations[op] = clean({
      name: op,
      http: o.http,
      input: o.input?.shape,
      output: o.output?.shape,
      errors: (o.errors ?? []).map((e) => e.shape),
      idempotent: o.idempotent,
    });
  }
  const shapes = {};
  for (const n of shapeNames) shapes[n] = clean(model.shapes[n]);
  const meta = clean(model.metadata);

  const header = `// Generated by scripts/codegen.mjs from ${svc.file}. Do not edit.\n`;
  const tables =
    `${header}import { type ServiceModel, withoutPrototypes } from '../model.js';\n\n` +
    `export const ${svc.id}Model: ServiceModel = withoutPrototypes(${JSON.stringify({ metadata: meta, operations, shapes }, null, 1)});\n`;

  let types = header;
  for (const n of shapeNames) {
    const s = model.shapes[n];
    if (s.type === 'structure') {
      const req = new Set(s.required ?? []);
      types += `export interface ${ident(n)} {\n`;
      for (const [m, ref] of Object.entries(s.members ?? {})) {
        types += `  ${JSON.stringify(m)}${req.has(m) ? '' : '?'}: ${ident(ref.shape)};\n`;
      }
      types += '}\n';
    } else {
      types += `export type ${ident(n)} = ${tsType(model, n)};\n`;
    }
  }
  types += `\nexport type ${svc.id}OperationName = ${opNames.map((o) => JSON.stringify(o)).join(' | ')};\n`;
  return {
    [`${svc.id}.ts`]: tables,
    [`${svc.id}-types.ts`]: types,
    [`${svc.id}-operations.ts`]: contract(svc, model, opNames),
  };
}

const EMPTY = 'Record<string, never>';

/** The operations interface a service implements, and the catalog of the errors its operations model. */
function contract(svc, model, opNames) {
  const name = `${svc.id[0].toUpperCase()}${svc.id.slice(1)}`;
  const shapeType = (shape) => (shape ? `T.${ident(shape)}` : EMPTY);
  let text = `// Generated by scripts/codegen.mjs from ${svc.file}. Do not edit.\n`;
  text += `import type { RequestContext } from '../../api/service.js';\n`;
  text += `import type * as T from './${svc.id}-types.js';\n\n`;
  text += `/** One member per served operation; a service's handlers implement all of them. */\n`;
  text += `export interface ${name}Operations {\n`;
  for (const op of opNames) {
    const o = model.operations[op];
    text += `  ${op}: (input: ${shapeType(o.input?.shape)}, ctx: RequestContext) => Promise<${shapeType(o.output?.shape)}>;\n`;
  }
  text += '}\n\n';
  const errors = [...new Set(opNames.flatMap((op) => (model.operations[op].errors ?? []).map((e) => e.shape)))].sort();
  text += `/** The errors the served operations model: wire code, HTTP status and whose fault it is. */\n`;
  text += `export const ${svc.id}Errors = {\n`;
  for (const e of errors) {
    const s = model.shapes[e];
    const server = s.fault === true || (s.error?.httpStatusCode ?? 400) >= 500;
    const fault = server ? 'server' : 'client';
    const status = s.error?.httpStatusCode ?? (server ? 500 : 400);
    text += `  ${e}: { code: ${JSON.stringify(s.error?.code ?? e)}, status: ${status}, fault: '${fault}' },\n`;
  }
  text += '} as const;\n';
  return text;
}

const check = process.argv.includes('--check');
if (!existsSync(modelsDir)) {
  console.error(
    `codegen: the AWS service models are not at ${modelsDir} (models/aws/ is part of the repository; scripts/vendor-models.mjs refreshes it)`,
  );
  process.exit(1);
}
const stale = [];
mkdirSync(outDir, { recursive: true });
for (const svc of services) {
  for (const [file, text] of Object.entries(generate(svc))) {
    const path = join(outDir, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(path, text);
  }
}
if (check && stale.length) {
  console.error(`generated files are out of date: ${stale.join(', ')} (run npm run codegen)`);
  process.exit(1);
}

// The App Mesh API of a running appmeshd, through the AWS SDK: import and export are
// clients like any other, signed with credentials from the standard AWS chain, so the
// server validates, counts quotas and authorizes every call as it does for the aws CLI.
import * as sdk from '@aws-sdk/client-app-mesh';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { types } from '../appmesh/resources.js';
import { errorName, isRecord, optionalString, recordsIn } from '../runtime/guards.js';
import type { Tag } from '../store/types.js';
import { APPLY_ORDER } from './resources.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8443';

export interface ClientOptions {
  endpoint?: string | undefined;
  region?: string | undefined;
}

/** A resource as the server has it. */
export interface Actual {
  kind: MeshKind;
  meshName: string;
  parentName?: string;
  name: string;
  spec: Record<string, unknown>;
  tags: Tag[];
  arn: string;
  uid: string;
  meshOwner?: string;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
type CommandClass = new (input: Input) => Parameters<sdk.AppMeshClient['send']>[0];

/** The SDK's exports by name; `<Operation>Command` is each operation's command class. */
const exported: Readonly<Record<string, unknown>> = sdk;

function commandClass(op: string): CommandClass {
  const C = Object.hasOwn(exported, `${op}Command`) ? exported[`${op}Command`] : undefined;
  if (typeof C !== 'function') throw new Error(`no App Mesh operation ${op}`);
  // Every input is in the API's shapes (checked against the same model by toApi or built from
  // names), which is what each command's input type spells out member by member.
  return C as CommandClass;
}

/** An object member of an operation's output (`mesh` of DescribeMesh, `metadata` of a resource). */
function member(out: Output, key: string, what: string): Output {
  const v = out[key];
  if (!isRecord(v)) throw new Error(`${what} has no ${key}`);
  return v;
}

export class MeshClient {
  readonly client: sdk.AppMeshClient;
  readonly region: string;

  constructor(opts: ClientOptions) {
    // The SDK's notice about its own future Node.js support is not about this command.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    this.client = new sdk.AppMeshClient({
      endpoint: opts.endpoint ?? process.env.APPMESHD_ENDPOINT ?? DEFAULT_ENDPOINT,
      region: this.region,
      credentials: fromNodeProviderChain(),
      maxAttempts: 3,
    });
  }

  /** Calls operation `op` (e.g. CreateVirtualNode) with an API-shaped input. */
  async call(op: string, input: Input): Promise<Output> {
    const C = commandClass(op);
    const out: unknown = await this.client.send(new C(input));
    if (!isRecord(out)) throw new Error(`${op} returned no output`);
    return out;
  }

  close(): void {
    this.client.destroy();
  }

  /** Every page of a List operation's items. */
  async listAll(op: string, input: Input, field: string): Promise<Output[]> {
    const items: Output[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.call(op, { ...input, ...(nextToken ? { nextToken } : {}), limit: 100 });
      items.push(...recordsIn(out[field]));
      nextToken = optionalString(out.nextToken);
    } while (nextToken);
    return items;
  }

  async tagsOf(arn: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.call('ListTagsForResource', {
        resourceArn: arn,
        limit: 50,
        ...(nextToken ? { nextToken } : {}),
      });
      for (const t of recordsIn(out.tags)) tags.push({ key: String(t.key), value: optionalString(t.value) ?? '' });
      nextToken = optionalString(out.nextToken);
    } while (nextToken);
    return tags;
  }

  async meshNames(): Promise<{ names: string[]; accountId?: string }> {
    const refs = await this.listAll('ListMeshes', {}, 'meshes');
    const owner = optionalString(refs.find((r) => typeof r.resourceOwner === 'string')?.resourceOwner);
    return { names: refs.map((r) => String(r.meshName)), ...(owner ? { accountId: owner } : {}) };
  }

  /** Everything in one mesh (children in apply order), with specs and tags; undefined when the mesh does not exist. */
  async readMesh(meshName: string, meshOwner?: string): Promise<Actual[] | undefined> {
    const owner = meshOwner ? { meshOwner } : {};
    let mesh: Output;
    try {
      mesh = member(await this.call('DescribeMesh', { meshName, ...owner }), 'mesh', 'DescribeMesh');
    } catch (err) {
      if (errorName(err) === 'NotFoundException') return undefined;
      throw err;
    }
    const refs: { kind: MeshKind; input: Input }[] = [{ kind: Kind.mesh, input: { meshName } }];
    for (const kind of APPLY_ORDER) {
      const t = types[kind];
      if (kind === Kind.mesh || t.parent) continue;
      for (const r of await this.listAll(t.listOperation, { meshName, ...owner }, t.listField)) {
        refs.push({ kind, input: { meshName, [t.nameField]: r[t.nameField], ...owner } });
        const child = Object.values(types).find((c) => c.parent?.kind === kind);
        if (child) {
          for (const cr of await this.listAll(
            child.listOperation,
            { meshName, [t.nameField]: r[t.nameField], ...owner },
            child.listField,
          )) {
            refs.push({
              kind: child.kind,
              input: { meshName, [t.nameField]: r[t.nameField], [child.nameField]: cr[child.nameField], ...owner },
            });
          }
        }
      }
    }
    return pool(refs, 8, async ({ kind, input }) => {
      const t = types[kind];
      const op = `Describe${t.title}`;
      const data = kind === Kind.mesh ? mesh : member(await this.call(op, input), kind, op);
      const metadata = member(data, 'metadata', `${kind} ${String(data[t.nameField] ?? meshName)}`);
      const arn = String(metadata.arn);
      const a: Actual = {
        kind,
        meshName,
        name: kind === Kind.mesh ? meshName : String(data[t.nameField]),
        spec: isRecord(data.spec) ? data.spec : {},
        tags: await this.tagsOf(arn),
        arn,
        uid: String(metadata.uid),
      };
      if (t.parent) a.parentName = String(data[t.parent.nameField]);
      if (meshOwner) a.meshOwner = meshOwner;
      return a;
    });
  }
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping the order. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** The request members naming a resource: meshName, the parent's and its own name, meshOwner. */
export function namesInput(r: {
  kind: MeshKind;
  meshName: string;
  parentName?: string | undefined;
  name: string;
  meshOwner?: string | undefined;
}): Input {
  const t = types[r.kind];
  const input: Input = { meshName: r.meshName };
  if (r.kind !== Kind.mesh) input[t.nameField] = r.name;
  if (t.parent) input[t.parent.nameField] = r.parentName;
  if (r.meshOwner && r.kind !== Kind.mesh) input.meshOwner = r.meshOwner;
  return input;
}

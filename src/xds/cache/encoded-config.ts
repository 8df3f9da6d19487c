// A proxy's configuration encoded once: each resource's Any bytes and content-hash version,
// and per type the response bodies built so far. Shared by every stream of the same identity.
import { createHash } from 'node:crypto';
import {
  isTypeUrl,
  TypeUrl,
  type EnvoyResource,
  type ProxyConfig,
  type ResourceField,
  type TypeUrlValue,
} from '../translate/types.js';
import { deltaResourceEntry, sotwBody } from './wire.js';

export interface EncodedResource {
  name: string;
  /** Hash of the encoded bytes: identical on every replica for identical content. */
  version: string;
  packed: Buffer;
}

export type Encoder = (typeUrl: string, json: Record<string, unknown>) => Buffer;

export const CONTROL_PLANE_ID = 'appmeshd';

const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 20);

/** Versions by bytes: an encoder that returns the same Buffer for the same resource (cachingEncoder) hashes it once. */
const versions = new WeakMap<Buffer, string>();
function resourceVersion(packed: Buffer): string {
  let v = versions.get(packed);
  if (v === undefined) {
    v = hash(packed);
    versions.set(packed, v);
  }
  return v;
}

/** Version of a set of resources: a hash of their names and versions. */
export function setVersion(resources: Iterable<EncodedResource>): string {
  const lines = [...resources].map((r) => `${r.name}\0${r.version}`).sort();
  return hash(lines.join('\n'));
}

export class EncodedType {
  readonly byName: ReadonlyMap<string, EncodedResource>;
  /** Version of all resources of the type (what a wildcard subscriber gets). */
  readonly version: string;
  private readonly bodies = new Map<string, Buffer>();
  private readonly entries = new WeakMap<EncodedResource, Buffer>();
  private readonly subsets = new Map<string, { version: string; resources: readonly EncodedResource[] }>();

  constructor(
    readonly typeUrl: TypeUrlValue,
    resources: EncodedResource[],
  ) {
    this.byName = new Map(resources.map((r) => [r.name, r]));
    this.version = setVersion(resources);
  }

  /**
   * The resources of these names that exist, and their set version; memoized, as every stream of an identity asks
   * for the same names. The result is shared: do not mutate it.
   */
  select(names: Iterable<string>): { version: string; resources: readonly EncodedResource[] } {
    const list = [...names];
    const key = list.join('\0');
    let subset = this.subsets.get(key);
    if (!subset) {
      const resources = list.map((n) => this.byName.get(n)).filter((r): r is EncodedResource => r !== undefined);
      subset = { version: setVersion(resources), resources };
      if (this.subsets.size > 64) this.subsets.clear();
      this.subsets.set(key, subset);
    }
    return subset;
  }

  /** The state-of-the-world response body (without nonce) for these resources, cached by version. */
  sotwBody(version: string, resources: readonly EncodedResource[]): Buffer {
    let body = this.bodies.get(version);
    if (!body) {
      body = sotwBody(
        version,
        this.typeUrl,
        resources.map((r) => r.packed),
        CONTROL_PLANE_ID,
      );
      if (this.bodies.size > 64) this.bodies.clear();
      this.bodies.set(version, body);
    }
    return body;
  }

  deltaEntry(r: EncodedResource): Buffer {
    let e = this.entries.get(r);
    if (!e) {
      e = deltaResourceEntry(r.name, r.version, r.packed);
      this.entries.set(r, e);
    }
    return e;
  }
}

export const ORDERED_TYPES: readonly TypeUrlValue[] = [
  TypeUrl.cluster,
  TypeUrl.endpoint,
  TypeUrl.listener,
  TypeUrl.route,
  TypeUrl.secret,
];

const FIELD: Record<TypeUrlValue, ResourceField> = {
  [TypeUrl.listener]: 'listeners',
  [TypeUrl.route]: 'routes',
  [TypeUrl.cluster]: 'clusters',
  [TypeUrl.endpoint]: 'endpoints',
  [TypeUrl.secret]: 'secrets',
};

export interface EncodedConfig {
  /** Hash over every type's version. */
  version: string;
  types: ReadonlyMap<TypeUrlValue, EncodedType>;
  /** The translation output it was encoded from (for config dumps). */
  source: ProxyConfig;
}

/** The resources of a type as a request names it (any string); undefined for a type the configuration does not have. */
export function configType(config: EncodedConfig, typeUrl: string): EncodedType | undefined {
  return isTypeUrl(typeUrl) ? config.types.get(typeUrl) : undefined;
}

/** Encodes every resource; throws (the encoder's error, naming the resource) when one does not encode. */
export function encodeConfig(config: ProxyConfig, encode: Encoder): EncodedConfig {
  const types = new Map<TypeUrlValue, EncodedType>();
  for (const typeUrl of ORDERED_TYPES) {
    const list: EnvoyResource[] = config[FIELD[typeUrl]] ?? [];
    const encoded = list.map((r): EncodedResource => {
      let packed: Buffer;
      try {
        packed = encode(typeUrl, r.resource);
      } catch (err) {
        throw new Error(`${FIELD[typeUrl]} ${r.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { name: r.name, version: resourceVersion(packed), packed };
    });
    types.set(typeUrl, new EncodedType(typeUrl, encoded));
  }
  const version = hash(ORDERED_TYPES.map((t) => types.get(t)!.version).join('\n'));
  return { version, types, source: config };
}

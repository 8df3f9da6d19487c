// Protobuf wire encoding of the discovery responses, assembled from resources that were
// encoded once. Every stream of a proxy identity shares the same resource bytes and, for
// state-of-the-world, the same response body: only the nonce is appended per stream.
// (Concatenated protobuf fields form one message, so a body plus a nonce field is valid.)

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

const WIRE_LEN = 2;

/** A length-delimited field (strings, bytes, embedded messages). */
export function lenField(fieldNumber: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([varint((fieldNumber << 3) | WIRE_LEN), varint(data.length), data]);
}

const ControlPlaneIdentifier = 1;
const controlPlane = (identifier: string) => lenField(ControlPlaneIdentifier, identifier);

// envoy.service.discovery.v3.DiscoveryResponse field numbers.
const Sotw = { versionInfo: 1, resources: 2, typeUrl: 4, nonce: 5, controlPlane: 6 } as const;
// envoy.service.discovery.v3.DeltaDiscoveryResponse field numbers.
const Delta = {
  systemVersionInfo: 1,
  resources: 2,
  typeUrl: 4,
  nonce: 5,
  removedResources: 6,
  controlPlane: 7,
} as const;
// envoy.service.discovery.v3.Resource field numbers.
const DeltaResource = { version: 1, resource: 2, name: 3 } as const;

/** A DiscoveryResponse without its nonce; `anys` are encoded google.protobuf.Any messages. */
export function sotwBody(
  versionInfo: string,
  typeUrl: string,
  anys: readonly Buffer[],
  controlPlaneId: string,
): Buffer {
  const parts: Buffer[] = [lenField(Sotw.versionInfo, versionInfo)];
  for (const a of anys) parts.push(lenField(Sotw.resources, a));
  parts.push(lenField(Sotw.typeUrl, typeUrl), lenField(Sotw.controlPlane, controlPlane(controlPlaneId)));
  return Buffer.concat(parts);
}

export function withSotwNonce(body: Buffer, nonce: string): Buffer {
  return Buffer.concat([body, lenField(Sotw.nonce, nonce)]);
}

/** One envoy.service.discovery.v3.Resource (the entry of a delta response). */
export function deltaResourceEntry(name: string, version: string, packed: Buffer): Buffer {
  return Buffer.concat([
    lenField(DeltaResource.name, name),
    lenField(DeltaResource.version, version),
    lenField(DeltaResource.resource, packed),
  ]);
}

export function deltaResponse(opts: {
  systemVersionInfo: string;
  typeUrl: string;
  entries: readonly Buffer[];
  removed: readonly string[];
  nonce: string;
  controlPlaneId: string;
}): Buffer {
  const parts: Buffer[] = [lenField(Delta.systemVersionInfo, opts.systemVersionInfo)];
  for (const e of opts.entries) parts.push(lenField(Delta.resources, e));
  parts.push(lenField(Delta.typeUrl, opts.typeUrl));
  for (const r of opts.removed) parts.push(lenField(Delta.removedResources, r));
  parts.push(lenField(Delta.nonce, opts.nonce), lenField(Delta.controlPlane, controlPlane(opts.controlPlaneId)));
  return Buffer.concat(parts);
}

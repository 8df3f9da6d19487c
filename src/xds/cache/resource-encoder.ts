// Encodes each distinct resource once instead of once per proxy and resource.
// - By object: translation shares resource objects between the proxies of one snapshot and
//   never mutates them, so every further proxy of the snapshot reuses the bytes.
// - By content: a new snapshot rebuilds every object, but most have the same content as
//   before. Resources are plain JSON values (proto3 JSON), so their JSON text determines their
//   bytes; serialising it costs a fraction of the strict encoder and its validation.
// Only encodings that succeeded are kept: a resource that fails is encoded (and fails) again.
// The same bytes are returned as the same Buffer, so derived values (content hashes) can be
// memoized by Buffer.
import type { Encoder } from './encoded-config.js';

export interface ResourceEncoderOptions {
  /**
   * Characters of JSON text kept as content keys in one generation (two are kept: the current
   * one and the previous one, so a push finds what the snapshot before it encoded). Default 64 Mi.
   */
  maxKeyChars?: number;
}

export function cachingEncoder(encode: Encoder, options: ResourceEncoderOptions = {}): Encoder {
  const maxKeyChars = options.maxKeyChars ?? 64 * 2 ** 20;
  const byObject = new WeakMap<object, { typeUrl: string; packed: Buffer }>();
  let current = new Map<string, Buffer>();
  let previous = new Map<string, Buffer>();
  let currentChars = 0;

  const remember = (key: string, packed: Buffer) => {
    if (currentChars + key.length > maxKeyChars) {
      previous = current;
      current = new Map();
      currentChars = 0;
    }
    current.set(key, packed);
    currentChars += key.length;
  };

  return (typeUrl, json) => {
    const seen = byObject.get(json);
    if (seen && seen.typeUrl === typeUrl) return seen.packed;
    const key = `${typeUrl}\n${JSON.stringify(json)}`;
    let packed = current.get(key);
    if (!packed) {
      packed = previous.get(key);
      if (packed) previous.delete(key);
      else packed = encode(typeUrl, json);
      remember(key, packed);
    }
    byObject.set(json, { typeUrl, packed });
    return packed;
  };
}

// The row a backend's put returns, built from what was written and the revision it got.
import type { NewResource, StoredResource } from './types.js';

/** What put returns: the row exactly as get would return it. */
export function stored<S>(res: NewResource<S>, revision: number): StoredResource<S> {
  return {
    kind: res.kind, scope: res.scope, name: res.name, arn: res.arn, uid: res.uid, version: res.version,
    status: res.status, createdAt: res.createdAt, updatedAt: res.updatedAt, spec: res.spec, tags: res.tags,
    clientToken: res.clientToken ?? undefined, revision,
  };
}

// A row as it is first written: a fresh uid, version 1, created and updated now.
import { randomUUID } from 'node:crypto';
import type { NewResource, Tag } from './types.js';

export interface ResourceIdentity<S> {
  kind: string;
  scope: string;
  name: string;
  arn: string;
  spec: S;
  tags?: Tag[];
  /** Defaults to ACTIVE. */
  status?: string;
  clientToken?: string | undefined;
  /** Epoch milliseconds; defaults to the current time. */
  now?: number;
}

export function newResource<S>({
  status = 'ACTIVE',
  tags = [],
  now = Date.now(),
  ...identity
}: ResourceIdentity<S>): NewResource<S> {
  return { ...identity, uid: randomUUID(), version: 1, status, createdAt: now, updatedAt: now, tags };
}

// The one storage interface every backend implements (SQLite, PostgreSQL) and the
// contract test suite checks. Rows are generic: every area (App Mesh, EC2, Cloud Map,
// IAM) keeps its resources as (kind, scope, name) with a JSON spec. CloudWatch Logs keeps
// its groups, streams and events in tables of their own, behind `logs`.
import type { LogStore } from './log-store.js';

export interface Tag {
  key: string;
  value: string;
}

export interface StoredResource<S = unknown> {
  /** e.g. 'mesh', 'virtualNode', 'ec2:vpc', 'sd:instance', 'iam:user'. */
  kind: string;
  /** The parent path: '' for meshes, '<mesh>' for virtual nodes, '<mesh>/<router>' for routes. */
  scope: string;
  name: string;
  arn: string;
  uid: string;
  /** 1 at creation, +1 on every update. */
  version: number;
  status: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  spec: S;
  tags: Tag[];
  clientToken?: string | undefined;
  /** Store-wide revision of the last write to this row; assigned by the store. */
  revision: number;
}

export type NewResource<S = unknown> = Omit<StoredResource<S>, 'revision'>;

export interface ListOptions {
  /** Return names strictly after this one (pagination cursor). */
  after?: string;
  limit?: number;
}

export interface Change {
  revision: number;
  op: 'put' | 'delete';
  kind: string;
  scope: string;
  name: string;
}

/** What a put expects to find: nothing (create) or a given version (update). */
export type Expectation = { absent: true } | { version: number };

export class StoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** A value no backend can store exactly (NUL, an unpaired surrogate); nothing was written. */
export class StoreInvalidValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInvalidValueError';
  }
}

/** The store cannot be reached (database down, connection lost). */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export interface StoreReader {
  get<S = unknown>(kind: string, scope: string, name: string): Promise<StoredResource<S> | undefined>;
  getByArn<S = unknown>(arn: string): Promise<StoredResource<S> | undefined>;
  /**
   * Ordered by name. Results may be shared (a backend may answer the same frozen page until a commit touches the
   * kind and scope): never mutate them.
   */
  list<S = unknown>(kind: string, scope: string, opts?: ListOptions): Promise<readonly StoredResource<S>[]>;
  /** Every row of a kind, across scopes, ordered by scope then name. */
  listKind<S = unknown>(kind: string, scopePrefix?: string): Promise<StoredResource<S>[]>;
  /** Rows of a kind in one scope; with `scope` omitted, in every scope. */
  count(kind: string, scope?: string): Promise<number>;
}

export interface StoreTx extends StoreReader {
  /** Inserts or replaces a row; with `expect`, fails with StoreConflictError when the row is not as expected. */
  put<S>(resource: NewResource<S>, expect?: Expectation): Promise<StoredResource<S>>;
  /** Deletes a row; returns false when there was none. */
  delete(kind: string, scope: string, name: string): Promise<boolean>;
}

export interface Store extends StoreReader {
  readonly backend: 'sqlite' | 'postgres';
  /** Log groups, streams and events (CloudWatch Logs). */
  readonly logs: LogStore;
  /** Runs `fn` in one serializable transaction; all its writes commit together or not at all. */
  transact<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** The newest committed revision. */
  revision(): Promise<number>;
  /** Committed changes after `revision`, oldest first. */
  changesSince(revision: number, limit?: number): Promise<Change[]>;
  /** Called after each commit (from any replica, for shared backends) with its changes. */
  subscribe(listener: (changes: Change[]) => void): () => void;
  /**
   * Takes or renews the lease `name` for `holderId` for `ttlMs` milliseconds; true when
   * `holderId` now holds it (it was free, expired, or already held by `holderId`).
   * Singleton jobs run only while their holder keeps renewing well within the TTL.
   * PostgreSQL uses the database clock, so replicas agree; SQLite has a single process
   * and keeps the same semantics in a table (leases do not survive a reopen).
   */
  tryAcquireLease(name: string, holderId: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holderId` holds it; returns whether it did. */
  releaseLease(name: string, holderId: string): Promise<boolean>;
  /** Resolves when the backend answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Makes overwritten row contents unreadable in the backend's files, after secrets stored
   * in plaintext by an older version were sealed. SQLite zeroes deleted content
   * (secure_delete) and folds the WAL into the database; PostgreSQL vacuums the table
   * (a dump only ever holds live rows).
   */
  scrub(): Promise<void>;
  close(): Promise<void>;
}

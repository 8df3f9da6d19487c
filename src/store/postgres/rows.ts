// The resources and changes tables as rows, and the reads every connection (pooled or in a transaction) can do.
import type { Change, ListOptions, StoreReader, StoredResource } from '../types.js';
import { assertStorableKeys, parseSpec, storableKeys } from '../stored.js';
import type { PgExec } from './pool.js';

/** A row of `resources`; bigint columns (times, revision) arrive as strings. */
export interface ResourceRow {
  kind: string;
  scope: string;
  name: string;
  arn: string;
  uid: string;
  version: number;
  status: string;
  created_at: string;
  updated_at: string;
  spec: string;
  tags: string;
  client_token: string | null;
  revision: string;
}

export interface ChangeRow {
  revision: string;
  op: 'put' | 'delete';
  kind: string;
  scope: string;
  name: string;
}

export const COLUMNS =
  'kind, scope, name, arn, uid, version, status, created_at, updated_at, spec, tags, client_token, revision';

export function toResource<S>(row: ResourceRow): StoredResource<S> {
  return {
    kind: row.kind,
    scope: row.scope,
    name: row.name,
    arn: row.arn,
    uid: row.uid,
    version: row.version,
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    spec: parseSpec<S>(row.spec),
    tags: JSON.parse(row.tags),
    clientToken: row.client_token ?? undefined,
    revision: Number(row.revision),
  };
}

export function toChange(row: ChangeRow): Change {
  return { revision: Number(row.revision), op: row.op, kind: row.kind, scope: row.scope, name: row.name };
}

export function reader(exec: PgExec): StoreReader {
  return {
    async get<S>(kind: string, scope: string, name: string) {
      if (!storableKeys(kind, scope, name)) return undefined;
      const { rows } = await exec<ResourceRow>(
        `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND scope = $2 AND name = $3`,
        [kind, scope, name],
      );
      return rows[0] ? toResource<S>(rows[0]) : undefined;
    },
    async getByArn<S>(arn: string) {
      if (!storableKeys(arn)) return undefined;
      const { rows } = await exec<ResourceRow>(`SELECT ${COLUMNS} FROM resources WHERE arn = $1`, [arn]);
      return rows[0] ? toResource<S>(rows[0]) : undefined;
    },
    async list<S>(kind: string, scope: string, opts: ListOptions = {}) {
      assertStorableKeys(kind, scope, opts.after);
      const { rows } = await exec<ResourceRow>(
        `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND scope = $2 AND name > $3 ORDER BY name LIMIT $4`,
        [kind, scope, opts.after ?? '', opts.limit ?? null],
      );
      return rows.map((r) => toResource<S>(r));
    },
    async listKind<S>(kind: string, scopePrefix?: string) {
      assertStorableKeys(kind, scopePrefix);
      const { rows } =
        scopePrefix === undefined
          ? await exec<ResourceRow>(`SELECT ${COLUMNS} FROM resources WHERE kind = $1 ORDER BY scope, name`, [kind])
          : await exec<ResourceRow>(
              `SELECT ${COLUMNS} FROM resources WHERE kind = $1 AND (scope = $2 OR starts_with(scope, $3)) ORDER BY scope, name`,
              [kind, scopePrefix, `${scopePrefix}/`],
            );
      return rows.map((r) => toResource<S>(r));
    },
    async count(kind: string, scope?: string) {
      assertStorableKeys(kind, scope ?? '');
      const { rows } =
        scope === undefined
          ? await exec<{ n: number }>('SELECT coalesce(sum(n), 0)::integer AS n FROM resource_counts WHERE kind = $1', [
              kind,
            ])
          : await exec<{ n: number }>('SELECT n::integer AS n FROM resource_counts WHERE kind = $1 AND scope = $2', [
              kind,
              scope,
            ]);
      return rows[0]?.n ?? 0;
    },
  };
}

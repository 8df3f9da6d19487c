// The shape of the generated model tables (see scripts/codegen.mjs).

export interface MemberRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  idempotencyToken?: boolean;
  queryName?: string;
  flattened?: boolean;
  xmlNamespace?: unknown;
  jsonvalue?: boolean;
}

export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'double'
    | 'float'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, MemberRef>;
  required?: string[];
  union?: boolean;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  error?: { httpStatusCode?: number; code?: string; senderFault?: boolean };
  exception?: boolean;
  payload?: string;
  flattened?: boolean;
  locationName?: string;
  timestampFormat?: string;
  sensitive?: boolean;
  fault?: boolean;
  retryable?: { throttling?: boolean };
  [other: string]: unknown;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: string;
  output?: string;
  errors: string[];
  idempotent?: boolean;
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    protocol: string;
    signingName?: string;
    endpointPrefix: string;
    targetPrefix?: string;
    jsonVersion?: string;
    [k: string]: unknown;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/**
 * The generated tables with every object rebuilt without a prototype, so that a name taken
 * from a request (an operation, a member) finds only what the model defines — never
 * `constructor`, `toString` or `__proto__`.
 */
export function withoutPrototypes<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutPrototypes(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = withoutPrototypes(v);
  return out as T;
}

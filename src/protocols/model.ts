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
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
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
  metadata: { apiVersion: string; protocol: string; signingName?: string; endpointPrefix: string; targetPrefix?: string; jsonVersion?: string; [k: string]: unknown };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

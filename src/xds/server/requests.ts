// Discovery requests as @grpc/proto-loader decodes them (keepCase, defaults off: a field is absent unless set), read
// into typed shapes; a field of another type than the proto's is left out.
import type { ErrorDetail } from './session.js';

export interface DiscoveryRequest {
  version_info?: string;
  resource_names?: string[];
  type_url?: string;
  response_nonce?: string;
  error_detail?: ErrorDetail | null;
}

export interface DeltaDiscoveryRequest {
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: ErrorDetail | null;
}

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

function fieldsOf(message: unknown): Fields {
  return isObject(message) ? message : {};
}

const string = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function errorDetail(v: unknown): ErrorDetail | null | undefined {
  if (v === null) return null;
  if (!isObject(v)) return undefined;
  return {
    ...(typeof v.code === 'number' ? { code: v.code } : {}),
    ...(typeof v.message === 'string' ? { message: v.message } : {}),
  };
}

export function sotwRequest(message: unknown): DiscoveryRequest {
  const m = fieldsOf(message);
  return {
    version_info: string(m.version_info),
    resource_names: strings(m.resource_names),
    type_url: string(m.type_url),
    response_nonce: string(m.response_nonce),
    error_detail: errorDetail(m.error_detail),
  };
}

export function deltaRequest(message: unknown): DeltaDiscoveryRequest {
  const m = fieldsOf(message);
  return {
    type_url: string(m.type_url),
    resource_names_subscribe: strings(m.resource_names_subscribe),
    resource_names_unsubscribe: strings(m.resource_names_unsubscribe),
    initial_resource_versions: stringMap(m.initial_resource_versions),
    response_nonce: string(m.response_nonce),
    error_detail: errorDetail(m.error_detail),
  };
}

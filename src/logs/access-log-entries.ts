// Envoy access-log entries (envoy.data.accesslog.v3, as @grpc/proto-loader decodes them with
// snake_case names, longs and enums as strings) → one JSON line each, flat enough for filter
// patterns such as `{ $.response_code >= 500 }`.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
/** google.protobuf.UInt32Value / UInt64Value as decoded: { value }. */
const wrapped = (v: unknown): number | undefined => num(obj(v)?.value);

function ms(timestamp: unknown): number | undefined {
  const t = obj(timestamp);
  if (!t) return undefined;
  const s = num(t.seconds) ?? 0;
  const n = num(t.nanos) ?? 0;
  return s * 1000 + Math.floor(n / 1e6);
}

function durationMs(d: unknown): number | undefined {
  const t = obj(d);
  if (!t) return undefined;
  return (num(t.seconds) ?? 0) * 1000 + (num(t.nanos) ?? 0) / 1e6;
}

function address(a: unknown): string | undefined {
  const s = obj(obj(a)?.socket_address);
  if (!s || typeof s.address !== 'string') return undefined;
  const port = num(s.port_value);
  return port !== undefined ? `${s.address}:${port}` : s.address;
}

function common(c: Obj | undefined): Obj {
  if (!c) return {};
  const flags = obj(c.response_flags);
  const set = flags
    ? Object.keys(flags)
        .filter((k) => flags[k] === true)
        .sort()
    : [];
  const start = ms(c.start_time);
  return {
    ...(start !== undefined ? { start_time: new Date(start).toISOString() } : {}),
    duration_ms: durationMs(c.duration) ?? durationMs(c.time_to_last_downstream_tx_byte),
    downstream_remote_address: address(c.downstream_remote_address),
    downstream_local_address: address(c.downstream_local_address),
    upstream_host: address(c.upstream_remote_address),
    upstream_cluster: c.upstream_cluster,
    route_name: c.route_name,
    upstream_transport_failure_reason: c.upstream_transport_failure_reason,
    ...(set.length ? { response_flags: set } : {}),
    access_log_type: c.access_log_type,
  };
}

/** Drops undefined and empty-string members, so lines stay short. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '' && v !== 'NotSet') out[k] = v;
  return out;
}

export interface AccessLogLine {
  timestamp: number;
  message: string;
}

export function httpEntryLine(entry: unknown, fallbackTime: number): AccessLogLine {
  const e = obj(entry) ?? {};
  const c = obj(e.common_properties);
  const req = obj(e.request) ?? {};
  const res = obj(e.response) ?? {};
  const line = compact({
    type: 'http',
    ...common(c),
    protocol: e.protocol_version,
    method: req.request_method,
    scheme: req.scheme,
    authority: req.authority,
    path: req.path,
    user_agent: req.user_agent,
    request_id: req.request_id,
    forwarded_for: req.forwarded_for,
    request_body_bytes: num(req.request_body_bytes),
    response_code: wrapped(res.response_code),
    response_code_details: res.response_code_details,
    response_body_bytes: num(res.response_body_bytes),
  });
  return { timestamp: ms(c?.start_time) ?? fallbackTime, message: JSON.stringify(line) };
}

export function tcpEntryLine(entry: unknown, fallbackTime: number): AccessLogLine {
  const e = obj(entry) ?? {};
  const c = obj(e.common_properties);
  const conn = obj(e.connection_properties) ?? {};
  const line = compact({
    type: 'tcp',
    ...common(c),
    received_bytes: num(conn.received_bytes),
    sent_bytes: num(conn.sent_bytes),
  });
  return { timestamp: ms(c?.start_time) ?? fallbackTime, message: JSON.stringify(line) };
}

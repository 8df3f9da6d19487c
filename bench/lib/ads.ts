// Simulated Envoy proxies: each opens one ADS stream (SotW or delta), subscribes like Envoy (wildcard LDS and CDS, then
// the RDS names its listeners use and the EDS names its clusters use), ACKs every response, and can time how long a
// change takes to reach it (from a given instant until it has ACKed the first response that changed a resource).
import * as grpc from '@grpc/grpc-js';
import { signRequest, sha256Hex } from '../../src/auth/sigv4.js';
import {
  ADS_DELTA_PATH,
  ADS_SOTW_PATH,
  TYPE,
  adsClientCtor,
  edsName,
  rdsNames,
  resourceName,
  type AdsClient,
} from './envoy.js';
import type { Credentials } from './servers.js';
import { sleep } from './util.js';

export type AdsMode = 'sotw' | 'delta';
type Msg = Record<string, unknown>;
interface AnyMsg {
  type_url?: string;
  value?: Buffer;
}

const EMPTY_SHA256 = sha256Hex('');

/** SigV4 metadata as Envoy's aws_iam call credentials attach it (signed once per stream, no body). */
function sigv4Metadata(authority: string, path: string, creds: Credentials): grpc.Metadata {
  const h = signRequest({
    method: 'POST',
    host: authority,
    path,
    headers: { 'x-amz-content-sha256': EMPTY_SHA256 },
    body: '',
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    region: creds.region,
    service: 'appmesh',
  });
  const md = new grpc.Metadata();
  for (const k of ['authorization', 'x-amz-date', 'x-amz-content-sha256']) md.set(k, h[k]!);
  return md;
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

class SimProxy {
  readonly resources = new Map<string, Map<string, Buffer>>();
  readonly subscribed = new Map<string, Set<string>>([
    [TYPE.route, new Set()],
    [TYPE.endpoint, new Set()],
  ]);
  private readonly sotwState = new Map<string, { version: string; nonce: string }>();
  private readonly started = new Set<string>();
  stream?: grpc.ClientDuplexStream<Msg, Msg>;
  openedAt = 0;
  syncedAt = 0;
  responses = 0;
  error?: string;
  ended = false;
  watchFrom = 0;
  convergedAt = 0;
  /** Responses that changed a resource (to tell whether a proxy outside a change's scope was sent anything). */
  changes = 0;

  constructor(
    readonly nodeId: string,
    readonly mode: AdsMode,
    private readonly onEvent: () => void,
  ) {}

  open(client: AdsClient, metadata: grpc.Metadata): void {
    this.openedAt = performance.now();
    const s =
      this.mode === 'sotw' ? client.StreamAggregatedResources(metadata) : client.DeltaAggregatedResources(metadata);
    this.stream = s;
    s.on('data', (m: Msg) => {
      try {
        this.onResponse(m);
      } catch (err) {
        this.error ??= `client: ${(err as Error).message}`;
      }
    });
    s.on('error', (err: grpc.ServiceError) => {
      this.error ??= `${grpc.status[err.code] ?? err.code}: ${err.details}`;
      this.ended = true;
      this.onEvent();
    });
    s.on('end', () => {
      this.ended = true;
      this.onEvent();
    });
    this.request(TYPE.cluster, []);
    this.request(TYPE.listener, []);
  }

  /** A (re)subscription request for a type: SotW sends the full name list, delta the difference. */
  private request(typeUrl: string, names: string[], previous: ReadonlySet<string> = new Set()): void {
    const first = !this.started.has(typeUrl);
    this.started.add(typeUrl);
    const msg: Msg = { type_url: typeUrl };
    if (first) msg.node = { id: this.nodeId, cluster: this.nodeId, user_agent_name: 'envoy' };
    if (this.mode === 'sotw') {
      const st = this.sotwState.get(typeUrl);
      msg.resource_names = names;
      if (st) {
        msg.version_info = st.version;
        msg.response_nonce = st.nonce;
      }
    } else {
      const now = new Set(names);
      msg.resource_names_subscribe = names.filter((n) => !previous.has(n));
      msg.resource_names_unsubscribe = [...previous].filter((n) => !now.has(n));
    }
    this.stream!.write(msg);
  }

  private onResponse(m: Msg): void {
    this.responses++;
    const typeUrl = String(m.type_url ?? '');
    const nonce = String(m.nonce ?? '');
    let map = this.resources.get(typeUrl);
    if (!map) {
      map = new Map();
      this.resources.set(typeUrl, map);
    }
    let changed = false;
    if (this.mode === 'sotw') {
      const fullState = typeUrl === TYPE.listener || typeUrl === TYPE.cluster;
      const seen = new Set<string>();
      for (const any of (m.resources as AnyMsg[] | undefined) ?? []) {
        const bytes = any.value ?? Buffer.alloc(0);
        const name = resourceName(bytes);
        seen.add(name);
        const prev = map.get(name);
        if (!prev?.equals(bytes)) {
          changed = true;
          map.set(name, bytes);
        }
      }
      if (fullState)
        for (const name of [...map.keys()])
          if (!seen.has(name)) {
            map.delete(name);
            changed = true;
          }
      const version = String(m.version_info ?? '');
      this.sotwState.set(typeUrl, { version, nonce });
      const names = typeUrl === TYPE.route || typeUrl === TYPE.endpoint ? [...this.subscribed.get(typeUrl)!] : [];
      this.stream!.write({ type_url: typeUrl, version_info: version, response_nonce: nonce, resource_names: names });
    } else {
      for (const r of (m.resources as { name?: string; resource?: AnyMsg }[] | undefined) ?? []) {
        const bytes = r.resource?.value ?? Buffer.alloc(0);
        const name = r.name || resourceName(bytes);
        const prev = map.get(name);
        if (!prev?.equals(bytes)) {
          changed = true;
          map.set(name, bytes);
        }
      }
      for (const name of (m.removed_resources as string[] | undefined) ?? []) if (map.delete(name)) changed = true;
      this.stream!.write({ type_url: typeUrl, response_nonce: nonce });
    }
    if (changed) this.changes++;
    if (changed && this.watchFrom && !this.convergedAt) this.convergedAt = performance.now();
    if (typeUrl === TYPE.listener) this.follow(TYPE.route, () => [...map.values()].flatMap((b) => rdsNames(b)));
    else if (typeUrl === TYPE.cluster)
      this.follow(TYPE.endpoint, () =>
        [...map.values()].flatMap((b) => {
          const n = edsName(b);
          return n ? [n] : [];
        }),
      );
    if (!this.syncedAt && this.isSynced()) this.syncedAt = performance.now();
    this.onEvent();
  }

  private follow(typeUrl: string, names: () => string[]): void {
    const want = new Set(names());
    const have = this.subscribed.get(typeUrl)!;
    if (sameSet(want, have)) return;
    this.subscribed.set(typeUrl, want);
    this.request(typeUrl, [...want], have);
  }

  isSynced(): boolean {
    if (!this.resources.has(TYPE.listener) || !this.resources.has(TYPE.cluster)) return false;
    for (const t of [TYPE.route, TYPE.endpoint]) {
      const have = this.resources.get(t);
      for (const n of this.subscribed.get(t)!) if (!have?.has(n)) return false;
    }
    return true;
  }

  resourceCount(): number {
    let n = 0;
    for (const m of this.resources.values()) n += m.size;
    return n;
  }

  close(): void {
    try {
      this.stream?.cancel();
    } catch {
      /* already closed */
    }
  }
}

export interface FleetOptions {
  host: string;
  port: number;
  mode: AdsMode;
  nodeIds: readonly string[];
  streamsPerChannel: number;
  /** SigV4 credentials; undefined when the server runs with --xds-allow-unauthenticated. */
  credentials?: Credentials;
}

export interface SyncResult {
  streams: number;
  synced: number;
  failed: number;
  firstError?: string;
  /** ms from opening a stream until it had every resource it subscribed to. */
  perStream: { p50: number; p99: number; max: number };
  /** ms from opening the first stream until the last one was synced. */
  totalMs: number;
  resourcesPerProxy: number;
}

export interface ConvergenceResult {
  /** Streams watched (all, or those the change concerns), and changes received by the streams not watched. */
  streams: number;
  converged: number;
  failed: number;
  firstError?: string;
  outsideChanges: number;
  /** ms from the change request being sent until the stream ACKed the response that carried the change. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

const pct = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;

export class Fleet {
  private readonly proxies: SimProxy[];
  private readonly clients: AdsClient[] = [];
  private waiter?: () => void;

  constructor(private readonly o: FleetOptions) {
    const notify = () => this.waiter?.();
    this.proxies = o.nodeIds.map((id) => new SimProxy(id, o.mode, notify));
  }

  /** Opens every stream (in bursts, one channel per `streamsPerChannel` streams) and waits until each is synced. */
  async connect(timeoutMs: number): Promise<SyncResult> {
    const Ctor = adsClientCtor();
    const target = `${this.o.host}:${this.o.port}`;
    const path = this.o.mode === 'sotw' ? ADS_SOTW_PATH : ADS_DELTA_PATH;
    const channels = Math.ceil(this.proxies.length / this.o.streamsPerChannel);
    for (let c = 0; c < channels; c++) {
      this.clients.push(
        new Ctor(target, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.max_receive_message_length': 64 * 1024 * 1024,
          'grpc.keepalive_time_ms': 60_000,
        }),
      );
    }
    const t0 = performance.now();
    this.proxies.forEach((p, i) => {
      const md = this.o.credentials ? sigv4Metadata(target, path, this.o.credentials) : new grpc.Metadata();
      p.open(this.clients[i % channels]!, md);
    });
    await this.until(() => this.proxies.every((p) => p.syncedAt || p.ended || p.error), timeoutMs);
    const done = this.proxies.filter((p) => p.syncedAt && !p.error);
    const times = done.map((p) => p.syncedAt - p.openedAt).sort((a, b) => a - b);
    const failed = this.proxies.filter((p) => p.error || p.ended || !p.syncedAt);
    return {
      streams: this.proxies.length,
      synced: done.length,
      failed: failed.length,
      firstError: failed.find((p) => p.error)?.error ?? (failed.length ? 'not synced before the timeout' : undefined),
      perStream: { p50: pct(times, 0.5), p99: pct(times, 0.99), max: times.at(-1) ?? NaN },
      totalMs: done.length ? Math.max(...done.map((p) => p.syncedAt)) - t0 : NaN,
      resourcesPerProxy: done[0]?.resourceCount() ?? 0,
    };
  }

  /** Starts timing a change: call right before the API request that makes it. */
  watch(only?: (nodeId: string) => boolean): number {
    const t = performance.now();
    this.outsideChanges = 0;
    for (const p of this.proxies) {
      const watched = !only || only(p.nodeId);
      p.watchFrom = watched ? t : 0;
      p.convergedAt = 0;
      if (!watched) this.outsideChanges -= p.changes;
    }
    return t;
  }

  /** Changes received since watch() by proxies it did not watch (a change's scope too wide if > 0). */
  private outsideChanges = 0;

  async waitConverged(timeoutMs: number): Promise<ConvergenceResult> {
    const watched = this.proxies.filter((p) => p.watchFrom);
    const live = watched.filter((p) => p.syncedAt && !p.ended);
    await this.until(() => live.every((p) => p.convergedAt || p.ended), timeoutMs);
    const ok = live.filter((p) => p.convergedAt);
    const lat = ok.map((p) => p.convergedAt - p.watchFrom).sort((a, b) => a - b);
    const bad = watched.filter((p) => !p.convergedAt);
    let outside = this.outsideChanges;
    for (const p of this.proxies) if (!p.watchFrom) outside += p.changes;
    for (const p of this.proxies) p.watchFrom = 0;
    return {
      streams: watched.length,
      converged: ok.length,
      failed: bad.length,
      outsideChanges: outside,
      firstError: bad.find((p) => p.error)?.error ?? (bad.length ? 'no change received before the timeout' : undefined),
      p50: pct(lat, 0.5),
      p99: pct(lat, 0.99),
      max: lat.at(-1) ?? NaN,
      mean: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : NaN,
    };
  }

  /** Streams that failed or ended so far. */
  broken(): number {
    return this.proxies.filter((p) => p.ended || p.error).length;
  }

  private async until(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done() && performance.now() < deadline) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(250, Math.max(1, deadline - performance.now())));
        let scheduled = false;
        // Checked once per batch of responses rather than after each one (done() walks every stream).
        this.waiter = () => {
          if (scheduled) return;
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (done()) {
              clearTimeout(t);
              res();
            }
          });
        };
      });
    }
    this.waiter = undefined;
  }

  /** A copy of what proxy `i` holds: type URL → resource name → encoded resource. */
  resourcesOf(i: number): Map<string, Map<string, Buffer>> {
    const p = this.proxies[i];
    return new Map([...(p?.resources ?? new Map<string, Map<string, Buffer>>())].map(([t, m]) => [t, new Map(m)]));
  }

  async close(): Promise<void> {
    for (const p of this.proxies) p.close();
    await sleep(50);
    for (const c of this.clients) c.close();
  }
}

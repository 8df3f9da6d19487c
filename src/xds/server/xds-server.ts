// The Envoy management service: a gRPC server for ADS and the single-type xDS services.
// Push path: store change → MeshSnapshotFeed (debounced, touched meshes only) → here: every
// stream of that mesh is marked dirty (one pending push per stream) → after a short debounce,
// each dirty stream gets the configuration of its identity (translated once per identity per
// snapshot, see ProxyConfigCache) and sends only what changed.
// Store health: the store is pinged every second (and at once when a snapshot rebuild finds
// it unreachable). While it is unreachable new streams are refused with UNAVAILABLE; once it
// has been unreachable for the grace period (10 s) the open streams are closed with
// UNAVAILABLE too, so proxies reconnect to a replica that still reaches the database (Envoy
// keeps its last configuration meanwhile).
// Slow readers: a stream whose sent messages are not read (gRPC flow control holds them) is
// not pushed to and not read from until it drains; then it gets the newest configuration
// only, so its memory is bounded by one write buffer, never a queue of stale versions.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { MeshSnapshotEntry, MeshSnapshotFeed } from '../../mesh/feed.js';
import { StoreUnavailableError } from '../../store/types.js';
import type { Logger } from '../../runtime/logger.js';
import type { ProxyConfigCache } from '../cache/proxy-config-cache.js';
import { identityKey } from '../identity.js';
import {
  AdmissionError,
  authenticateStream,
  authorizeStream,
  checkConnectedEnvoys,
  resolveNode,
  type AdmissionDeps,
  type EnvoyQuotas,
} from './admission.js';
import { DeltaSession } from './delta-session.js';
import { xdsAdmissionRefusals, xdsDeferredPushes, xdsStreams } from './metrics.js';
import { xdsServices, type XdsMethod } from './services.js';
import type { Session, SessionStatus } from './session.js';
import { SotwSession } from './sotw-session.js';

/** grpc-js reports a failed bind as text; this gives it the shape of a net listen error (code, address, port). */
function listenError(err: Error, address: string, port: number): Error {
  const code = /\blisten (E[A-Z]+)/.exec(err.message)?.[1];
  if (!code) return err;
  return Object.assign(new Error(`xDS port: listen ${code} ${address}:${port}`), {
    code,
    syscall: 'listen',
    address,
    port,
    listener: 'the xDS port',
  });
}

export interface XdsServerOptions extends AdmissionDeps {
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  feed: MeshSnapshotFeed;
  cache: ProxyConfigCache;
  log: Logger;
  /** Quiet window between a snapshot change and the pushes it causes. */
  pushDebounceMs?: number;
  /** Streams per identity (and xDS service) admitted on this replica; default 50 each, as App Mesh. */
  quotas?: EnvoyQuotas;
  /** How long the store may be unreachable before open streams are closed with UNAVAILABLE; default 10 s. */
  storeGraceMs?: number;
  /** Interval of the store health check; default 1 s. */
  storePingMs?: number;
  /** Other gRPC services served on the same port (the access-log service). */
  extraServices?: { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation }[];
}

type AnyCall = grpc.ServerDuplexStream<unknown, Buffer>;

interface Live {
  session: Session;
  call: AnyCall;
  meshName: string;
  /** Identity and xDS service: what the connected-Envoy quota counts (one Envoy opens one stream per service). */
  slot: string;
  /** A push came due while the stream's write buffer was full; it is pushed when the buffer drains. */
  deferred: boolean;
}

/** Streams pushed per event-loop turn, so a change for thousands of proxies does not stall the process. */
const PUSH_BATCH = 200;
/** A store ping unanswered this long counts as the store being unreachable (the store's connect timeout). */
const PING_HUNG_MS = 5000;
/** Pings in flight at most (during a partition they hang; newer ones must still go out). */
const MAX_PINGS = 3;

/** Responses a stream may have unread before it is closed (RESOURCE_EXHAUSTED). */
const MAX_UNREAD_RESPONSE_BYTES = 16 * 1024 * 1024;

export class XdsServer {
  private server: grpc.Server | undefined;
  private readonly live = new Map<string, Live>();
  private readonly connected = new Map<string, number>();
  private readonly dirty = new Set<Live>();
  private readonly latest = new Map<string, MeshSnapshotEntry | undefined>();
  private pushTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private readonly pushDebounceMs: number;
  /** When the store was first seen unreachable (start of the failing ping); undefined while it answers. */
  private storeDownSince: number | undefined;
  /** Pings not answered yet; a hung one must not stop newer pings from seeing the store come back. */
  private readonly pings = new Set<{ started: number }>();
  /** Start times of the newest ping that answered, and of the newest that failed: older outcomes are stale. */
  private lastAnswered = 0;
  private lastFailed = 0;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: XdsServerOptions) {
    this.pushDebounceMs = opts.pushDebounceMs ?? 5;
  }

  /** Whether new streams are admitted: false while the store is unreachable. */
  get storeReachable(): boolean {
    return this.storeDownSince === undefined;
  }

  /** Told about failed store reads elsewhere (snapshot rebuilds): checks the store at once. */
  noteStoreError(err: unknown): void {
    if (err instanceof StoreUnavailableError && this.pings.size === 0 && this.server) void this.checkStore();
  }

  private checkStore(): Promise<void> {
    const ping = { started: Date.now() };
    this.pings.add(ping);
    return this.opts.feed.store
      .ping()
      .then(
        () => {
          this.lastAnswered = Math.max(this.lastAnswered, ping.started);
          if (ping.started < this.lastFailed) return;
          if (this.storeDownSince !== undefined) {
            this.opts.log.info(
              { downMs: Date.now() - this.storeDownSince },
              'store reachable again; admitting xDS streams',
            );
          }
          this.storeDownSince = undefined;
        },
        (err: unknown) => {
          if (ping.started < this.lastAnswered) return;
          this.lastFailed = Math.max(this.lastFailed, ping.started);
          this.storeDown(ping.started, err);
        },
      )
      .finally(() => {
        this.pings.delete(ping);
      });
  }

  private onStoreTick(): void {
    const now = Date.now();
    // A silent partition: a ping hangs until the store's own timeouts; count it as down meanwhile.
    let oldest: number | undefined;
    for (const p of this.pings) oldest = Math.min(oldest ?? p.started, p.started);
    if (
      oldest !== undefined &&
      oldest > this.lastAnswered &&
      now - oldest >= Math.min(PING_HUNG_MS, this.opts.storeGraceMs ?? 10_000)
    ) {
      this.storeDown(oldest, new Error('store ping unanswered'));
    }
    if (this.pings.size < MAX_PINGS) void this.checkStore();
  }

  private get storePingMs(): number {
    return this.opts.storePingMs ?? 1000;
  }

  private storeDown(since: number, err: unknown): void {
    if (!this.server) return;
    if (this.storeDownSince === undefined) {
      this.storeDownSince = since;
      this.opts.log.warn({ err }, 'store unreachable; refusing new xDS streams');
    }
    const grace = this.opts.storeGraceMs ?? 10_000;
    if (Date.now() - this.storeDownSince < grace || this.live.size === 0) return;
    this.opts.log.warn(
      { streams: this.live.size, downMs: Date.now() - this.storeDownSince },
      'store unreachable beyond the grace period; closing xDS streams so proxies reconnect to another replica',
    );
    for (const l of [...this.live.values()])
      this.close(l, grpc.status.UNAVAILABLE, 'management server lost its database; reconnect');
  }

  private unavailable(): AdmissionError {
    return new AdmissionError(
      grpc.status.UNAVAILABLE,
      'unavailable',
      'management server cannot reach its database; try another',
    );
  }

  /** Binds and returns the port. */
  async start(): Promise<number> {
    // grpc-js writes its own diagnostics as bare text on stderr; keep them in the JSON log.
    const line = (args: unknown[]) => ({ grpc: args.map(String).join(' ') });
    grpc.setLogger({
      error: (...args: unknown[]) => this.opts.log.warn(line(args), 'grpc'),
      info: (...args: unknown[]) => this.opts.log.info(line(args), 'grpc'),
      debug: (...args: unknown[]) => this.opts.log.debug(line(args), 'grpc'),
    });
    const server = new grpc.Server({
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
    for (const svc of xdsServices()) {
      const impl: grpc.UntypedServiceImplementation = {};
      for (const [name, method] of svc.methods) impl[name] = (call: AnyCall) => this.handle(call, method);
      server.addService(svc.definition, impl);
    }
    for (const extra of this.opts.extraServices ?? []) server.addService(extra.definition, extra.implementation);
    const creds = this.opts.tls
      ? grpc.ServerCredentials.createSsl(
          null,
          [{ cert_chain: readFileSync(this.opts.tls.certFile), private_key: readFileSync(this.opts.tls.keyFile) }],
          false,
        )
      : grpc.ServerCredentials.createInsecure();
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${this.opts.port}`, creds, (err, p) =>
        err ? reject(listenError(err, this.opts.host, this.opts.port)) : resolve(p),
      );
    });
    this.server = server;
    this.unlisten = this.opts.feed.listen((mesh, entry) => this.onSnapshot(mesh, entry));
    this.pingTimer = setInterval(() => this.onStoreTick(), this.storePingMs);
    this.pingTimer.unref();
    return port;
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    if (this.pushTimer) clearTimeout(this.pushTimer);
    clearInterval(this.pingTimer);
    for (const l of [...this.live.values()]) this.close(l, grpc.status.UNAVAILABLE, 'management server shutting down');
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000);
      server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Every admitted stream, for the admin endpoint. */
  /** A connected stream's current and previous configuration, by stream id. */
  streamConfigs(streamId: string): ReturnType<Session['configs']> | undefined {
    return this.live.get(streamId)?.session.configs();
  }

  proxies(): SessionStatus[] {
    return [...this.live.values()]
      .map((l) => l.session.status())
      .sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }

  private handle(call: AnyCall, method: XdsMethod): void {
    const streamId = randomUUID();
    const peer = call.getPeer();
    const pending: unknown[] = [];
    let live: Live | undefined;
    let ended = false;
    const refuse = (err: unknown) => {
      if (ended) return;
      ended = true;
      if (err instanceof StoreUnavailableError) err = this.unavailable();
      if (err instanceof AdmissionError) {
        xdsAdmissionRefusals.inc({ reason: err.reason });
        this.opts.log.info(
          { streamId, peer, code: err.code, reason: err.reason, message: err.message },
          'xds stream refused',
        );
        call.emit('error', { code: err.code, details: err.message });
      } else {
        this.opts.log.error({ streamId, err }, 'xds admission failed');
        call.emit('error', { code: grpc.status.INTERNAL, details: 'internal error' });
      }
    };

    const authenticated = authenticateStream(this.opts, call.metadata, call.getHost(), call.getPath());
    authenticated.catch(refuse);

    const admit = async (first: unknown): Promise<void> => {
      if (!this.storeReachable) throw this.unavailable();
      const principal = await authenticated;
      const nodeId = (first as { node?: { id?: string } }).node?.id;
      const id = resolveNode(this.opts, nodeId);
      await authorizeStream(this.opts, principal, id, peer);
      let entry = await this.opts.feed.current(id.meshName);
      let result = this.opts.cache.configFor(entry, id);
      if (result.kind === 'missing') {
        // The node may have been created a moment ago, before the debounced rebuild; one read answers every stream until the mesh changes.
        entry = await this.opts.feed.confirm(id.meshName);
        result = this.opts.cache.configFor(entry, id);
      }
      if (result.kind === 'missing')
        throw new AdmissionError(grpc.status.INVALID_ARGUMENT, 'not_found', result.message);
      if (ended) return;
      // Not on a snapshot that may be stale: the store became unreachable while this stream was being admitted.
      if (!this.storeReachable) throw this.unavailable();
      // From here to `live` being registered nothing awaits, so concurrent admissions cannot both take the last slot.
      const slot = `${identityKey(id)}|${method.service}`;
      checkConnectedEnvoys(
        this.opts.quotas ?? { envoysPerVirtualNode: 50, envoysPerVirtualGateway: 50 },
        id,
        this.connected.get(slot) ?? 0,
      );
      const init = {
        streamId,
        nodeId: nodeId!,
        identity: id,
        service: method.service,
        peer,
        ...(principal ? { principal: principal.principalArn } : {}),
        ...(method.fixedType ? { fixedType: method.fixedType } : {}),
        write: (message: Buffer) => {
          if (ended) return;
          call.write(message);
          // A client that keeps asking but reads nothing: past the limit its stream is closed, not buffered further.
          // (Reading is never paused: the streams of one HTTP/2 connection share its flow-control window, so a paused
          // stream would starve every other stream of that connection.)
          if (call.writableLength > MAX_UNREAD_RESPONSE_BYTES && live)
            this.close(live, grpc.status.RESOURCE_EXHAUSTED, 'the stream reads its responses too slowly');
        },
        resolveConfig: (apiListeners: readonly string[]) => {
          const current = this.latest.has(id.meshName) ? this.latest.get(id.meshName) : entry;
          const r = this.opts.cache.configFor(current, id, apiListeners);
          return r.kind === 'ok' ? r.config : r.kind === 'error' ? r.fallback : undefined;
        },
      };
      const session = method.variant === 'sotw' ? new SotwSession(init) : new DeltaSession(init);
      live = { session, call, meshName: id.meshName, slot, deferred: false };
      const admitted = live;
      call.on('drain', () => {
        if (admitted.deferred) {
          admitted.deferred = false;
          this.markDirty(admitted);
        }
      });
      this.live.set(streamId, live);
      this.connected.set(slot, (this.connected.get(slot) ?? 0) + 1);
      xdsStreams.inc({ service: method.service, variant: method.variant });
      this.opts.log.info(
        {
          streamId,
          nodeId,
          peer,
          service: method.service,
          variant: method.variant,
          principal: principal?.principalArn,
        },
        'xds stream admitted',
      );
      if (result.kind === 'ok') session.applyConfig(result.config, undefined);
      else if (result.fallback) session.applyConfig(result.fallback, undefined);
      for (const req of pending.splice(0)) session.onRequest(req);
      // A snapshot published while this stream was being admitted.
      if (this.latest.has(id.meshName) && this.latest.get(id.meshName) !== entry) this.markDirty(live);
    };

    call.on('data', (req: unknown) => {
      if (ended) return;
      if (live) {
        this.safely(live, () => live!.session.onRequest(req));
        return;
      }
      pending.push(req);
      if (pending.length === 1) admit(req).catch(refuse);
    });
    const finish = () => {
      if (ended && !live) return;
      ended = true;
      if (live && this.live.delete(streamId)) {
        this.release(live);
        xdsStreams.dec({ service: method.service, variant: method.variant });
        this.dirty.delete(live);
        if (
          ![...this.live.values()].some((l) => identityKey(l.session.identity) === identityKey(live!.session.identity))
        ) {
          this.opts.cache.forget(identityKey(live.session.identity));
        }
        this.opts.log.info({ streamId, nodeId: live.session.status().nodeId }, 'xds stream closed');
      }
    };
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  private safely(live: Live, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.log.error({ err, streamId: live.session.init.streamId }, 'xds stream failed');
      this.close(live, grpc.status.INTERNAL, 'internal error');
    }
  }

  private close(live: Live, code: grpc.status, details: string): void {
    if (!this.live.delete(live.session.init.streamId)) return;
    this.release(live);
    xdsStreams.dec({ service: live.session.init.service, variant: live.session.variant });
    this.dirty.delete(live);
    live.call.emit('error', { code, details });
  }

  private release(live: Live): void {
    const n = (this.connected.get(live.slot) ?? 1) - 1;
    if (n > 0) this.connected.set(live.slot, n);
    else this.connected.delete(live.slot);
  }

  private onSnapshot(meshName: string, entry: MeshSnapshotEntry | undefined): void {
    this.latest.set(meshName, entry);
    for (const l of this.live.values()) if (l.meshName === meshName) this.markDirty(l);
  }

  private markDirty(live: Live): void {
    this.dirty.add(live);
    this.pushTimer ??= setTimeout(() => this.flush(), this.pushDebounceMs);
  }

  private flush(): void {
    this.pushTimer = undefined;
    const batch = [...this.dirty].slice(0, PUSH_BATCH);
    for (const l of batch) {
      this.dirty.delete(l);
      if (!this.live.has(l.session.init.streamId)) continue;
      if (l.call.writableNeedDrain) {
        if (!l.deferred) xdsDeferredPushes.inc();
        l.deferred = true;
        continue;
      }
      const entry = this.latest.get(l.meshName);
      const result = this.opts.cache.configFor(entry, l.session.identity, l.session.apiListeners);
      if (result.kind === 'missing') {
        this.close(l, grpc.status.INVALID_ARGUMENT, `${result.message}; it was deleted`);
        continue;
      }
      if (result.kind === 'error') continue; // the last good configuration stays
      this.safely(l, () => l.session.applyConfig(result.config, entry?.changedAt));
    }
    if (this.dirty.size > 0) this.pushTimer = setTimeout(() => this.flush(), 0);
  }
}

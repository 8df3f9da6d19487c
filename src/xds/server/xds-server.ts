// The Envoy management service: a gRPC server for ADS and the single-type xDS services, and the streams it admitted.
// Push path: store change → MeshSnapshotFeed (debounced, touched meshes only) → here: every stream of that mesh is
// marked dirty in the PushQueue (one pending push per stream) → after a short debounce, each dirty stream gets the
// configuration of its identity (translated once per identity per snapshot, see ProxyConfigCache) and sends only what
// changed.
// Admission (admission.ts, quotas.ts): a stream is admitted on its first request, while the store is reachable
// (StoreHealth, store-health.ts); past the store-loss grace period the open streams are closed with UNAVAILABLE.
// Slow readers: a stream whose sent messages are not read (gRPC flow control holds them) is not pushed to until it
// drains; then it gets the newest configuration only, so its memory is bounded by one write buffer, never a queue of
// stale versions. Past 16 MiB unread it is closed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { MeshSnapshotEntry, MeshSnapshotFeed } from '../../mesh/feed.js';
import type { Logger } from '../../runtime/logger.js';
import { StoreUnavailableError } from '../../store/types.js';
import type { ProxyConfigCache } from '../cache/proxy-config-cache.js';
import { identityKey } from '../identity.js';
import { type AdmissionDeps, AdmissionError, admitProxy, authenticateStream, storeUnavailable } from './admission.js';
import { DeltaSession } from './delta-session.js';
import { xdsAdmissionRefusals, xdsDeferredPushes, xdsStreams } from './metrics.js';
import { PushQueue } from './push-queue.js';
import { ConnectedEnvoys, type EnvoyQuotas } from './quotas.js';
import { xdsServices, type XdsMethod } from './services.js';
import type { Session, SessionInit, SessionStatus } from './session.js';
import { SotwSession } from './sotw-session.js';
import { StoreHealth } from './store-health.js';

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

/** Responses a stream may have unread before it is closed (RESOURCE_EXHAUSTED). */
const MAX_UNREAD_RESPONSE_BYTES = 16 * 1024 * 1024;

export class XdsServer {
  private server: grpc.Server | undefined;
  private readonly live = new Map<string, Live>();
  private readonly connected: ConnectedEnvoys;
  private readonly pushes: PushQueue<Live>;
  private readonly latest = new Map<string, MeshSnapshotEntry | undefined>();
  private unlisten: (() => void) | undefined;
  private readonly storeHealth: StoreHealth;

  constructor(private readonly opts: XdsServerOptions) {
    this.connected = new ConnectedEnvoys(opts.quotas);
    this.pushes = new PushQueue(opts.pushDebounceMs ?? 5, (l) => this.push(l));
    this.storeHealth = new StoreHealth({
      store: opts.feed.store,
      log: opts.log,
      ...(opts.storeGraceMs !== undefined ? { graceMs: opts.storeGraceMs } : {}),
      ...(opts.storePingMs !== undefined ? { pingMs: opts.storePingMs } : {}),
      onGraceExceeded: (downMs) => this.closeAllForStoreLoss(downMs),
    });
  }

  /** Whether new streams are admitted: false while the store is unreachable. */
  get storeReachable(): boolean {
    return this.storeHealth.reachable;
  }

  /** Told about failed store reads elsewhere (snapshot rebuilds): checks the store at once. */
  noteStoreError(err: unknown): void {
    this.storeHealth.noteStoreError(err);
  }

  private closeAllForStoreLoss(downMs: number): void {
    if (this.live.size === 0) return;
    this.opts.log.warn(
      { streams: this.live.size, downMs },
      'store unreachable beyond the grace period; closing xDS streams so proxies reconnect to another replica',
    );
    for (const l of [...this.live.values()])
      this.close(l, grpc.status.UNAVAILABLE, 'management server lost its database; reconnect');
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
    this.storeHealth.start();
    return port;
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.pushes.stop();
    this.storeHealth.stop();
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

  /** A connected stream's current and previous configuration, by stream id. */
  streamConfigs(streamId: string): ReturnType<Session['configs']> | undefined {
    return this.live.get(streamId)?.session.configs();
  }

  /** Every admitted stream, for the admin endpoint. */
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
      if (err instanceof StoreUnavailableError) err = storeUnavailable();
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
      if (!this.storeReachable) throw storeUnavailable();
      const { principal, nodeId, id, entry, result } = await admitProxy(this.opts, authenticated, first, peer);
      if (ended) return;
      // Not on a snapshot that may be stale: the store became unreachable while this stream was being admitted.
      if (!this.storeReachable) throw storeUnavailable();
      // From here to `live` being registered nothing awaits, so concurrent admissions cannot both take the last slot.
      const slot = ConnectedEnvoys.slot(id, method.service);
      this.connected.check(id, slot);
      const init: SessionInit = {
        streamId,
        nodeId,
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
      const admitted: Live = { session, call, meshName: id.meshName, slot, deferred: false };
      live = admitted;
      call.on('drain', () => {
        if (admitted.deferred) {
          admitted.deferred = false;
          this.pushes.mark(admitted);
        }
      });
      this.live.set(streamId, admitted);
      this.connected.add(slot);
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
      if (this.latest.has(id.meshName) && this.latest.get(id.meshName) !== entry) this.pushes.mark(admitted);
    };

    call.on('data', (req: unknown) => {
      if (ended) return;
      if (live) {
        const { session } = live;
        this.safely(live, () => session.onRequest(req));
        return;
      }
      pending.push(req);
      if (pending.length === 1) admit(req).catch(refuse);
    });
    const finish = () => {
      if (ended && !live) return;
      ended = true;
      if (live && this.live.delete(streamId)) {
        this.forget(live);
        const key = identityKey(live.session.identity);
        if (![...this.live.values()].some((l) => identityKey(l.session.identity) === key)) this.opts.cache.forget(key);
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
    this.forget(live);
    live.call.emit('error', { code, details });
  }

  /** A stream no longer admitted: its quota slot, its gauge and any pending push go. */
  private forget(live: Live): void {
    this.connected.release(live.slot);
    xdsStreams.dec({ service: live.session.init.service, variant: live.session.variant });
    this.pushes.delete(live);
  }

  private onSnapshot(meshName: string, entry: MeshSnapshotEntry | undefined): void {
    this.latest.set(meshName, entry);
    for (const l of this.live.values()) if (l.meshName === meshName) this.pushes.mark(l);
  }

  private push(l: Live): void {
    if (!this.live.has(l.session.init.streamId)) return;
    if (l.call.writableNeedDrain) {
      if (!l.deferred) xdsDeferredPushes.inc();
      l.deferred = true;
      return;
    }
    const entry = this.latest.get(l.meshName);
    const result = this.opts.cache.configFor(entry, l.session.identity, l.session.apiListeners);
    if (result.kind === 'missing') {
      this.close(l, grpc.status.INVALID_ARGUMENT, `${result.message}; it was deleted`);
      return;
    }
    if (result.kind === 'error') return; // the last good configuration stays
    this.safely(l, () => l.session.applyConfig(result.config, entry?.changedAt));
  }
}

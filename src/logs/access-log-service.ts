// Envoy's gRPC access-log service (envoy.service.accesslog.v3.AccessLogService), served on
// the xDS port with --access-log-service. A proxy streams StreamAccessLogsMessages: the first
// names its node (the same node.id as its xDS stream); entries are written as JSON lines to
// log group /appmesh/<mesh>/<virtualNode|virtualGateway>/<name>, one log stream per proxy
// address. Envoy expects no response and accepts loss: a batch the store cannot take is
// dropped (and logged) rather than failing the stream.
//
// Admission: a signed stream (SigV4 metadata, as for xDS) must verify and be allowed
// appmesh:StreamAggregatedResources on the node. Envoy's own gRPC client (envoy_grpc)
// cannot sign, so an unsigned stream is admitted by the node it names, which must exist.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Kind } from '../appmesh/kinds.js';
import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/types.js';
import { envoyIncludeDirs } from '../xds/protos/load.js';
import {
  AdmissionError,
  authenticateStream,
  authorizeStream,
  resolveNode,
  type AdmissionDeps,
} from '../xds/server/admission.js';
import type { ParsedNodeId } from '../xds/identity.js';
import { type AccessLogLine, httpEntryLine, tcpEntryLine } from './access-log-entries.js';
import { logEvents } from './metrics.js';
import { EVENT_OVERHEAD_BYTES, TOO_NEW_MS, TOO_OLD_MS } from './put-events.js';

const SERVICE = 'envoy.service.accesslog.v3.AccessLogService';
/** Messages of one stream queued for the store before the stream is paused. */
const MAX_QUEUED = 32;
const MAX_BATCH = 10_000;

export interface AccessLogServiceDeps extends AdmissionDeps {
  store: Store;
  log: Logger;
  /** Largest event in bytes, counting the 26 bytes of overhead (longer lines are cut). */
  maxEventBytes: number;
  /** Log groups at most (the logGroupsPerAccount quota). */
  maxGroups: number;
  maxStreams: number;
}

interface StreamMessage {
  identifier?: { node?: { id?: string }; log_name?: string };
  http_logs?: { log_entry?: unknown[] };
  tcp_logs?: { log_entry?: unknown[] };
}

type Call = grpc.ServerReadableStream<StreamMessage, unknown>;
type Done = grpc.sendUnaryData<unknown>;

/** The log group of a proxy's access log. */
export const accessLogGroupName = (id: Pick<ParsedNodeId, 'meshName' | 'kind' | 'name'>) =>
  `/appmesh/${id.meshName}/${id.kind}/${id.name}`;

/** One log stream per proxy: its address, without the port (':' is not allowed in stream names). */
export function accessLogStreamName(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const host = bare.startsWith('[')
    ? bare.slice(1, bare.indexOf(']'))
    : bare.slice(0, bare.lastIndexOf(':') >= 0 ? bare.lastIndexOf(':') : undefined);
  return `envoy-${(host || 'unknown').replace(/[:*]/g, '-')}`;
}

export class AccessLogService {
  readonly definition: grpc.ServiceDefinition;
  /** Open streams, each with what ends it. */
  private readonly calls = new Map<Call, () => void>();

  constructor(private readonly deps: AccessLogServiceDeps) {
    const pkg = protoLoader.loadSync(['envoy/service/accesslog/v3/als.proto'], {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
      includeDirs: envoyIncludeDirs(),
    });
    this.definition = pkg[SERVICE] as grpc.ServiceDefinition;
  }

  implementation(): grpc.UntypedServiceImplementation {
    return { StreamAccessLogs: (call: Call, done: Done) => this.handle(call, done) };
  }

  /** Ends every open stream (Envoy reconnects to another replica). */
  closeAll(): void {
    for (const [, close] of this.calls) close();
    this.calls.clear();
  }

  private handle(call: Call, done: Done): void {
    const peer = call.getPeer();
    const signed = call.metadata.get('authorization').length > 0;
    const principal = signed
      ? authenticateStream({ ...this.deps, allowUnauthenticated: false }, call.metadata, call.getHost(), call.getPath())
      : Promise.resolve(undefined);
    principal.catch(() => undefined);
    let target: Promise<{ group: string; stream: string }> | undefined;
    let queued = 0;
    let chain: Promise<void> = Promise.resolve();
    let ended = false;
    this.calls.set(call, () => {
      if (ended) return;
      ended = true;
      done({ code: grpc.status.UNAVAILABLE, details: 'access-log service shutting down' });
    });
    const refuse = (err: unknown) => {
      if (ended) return;
      ended = true;
      this.calls.delete(call);
      const known = err instanceof AdmissionError;
      this.deps.log.info(
        { peer, err: known ? undefined : err, message: err instanceof Error ? err.message : String(err) },
        'access-log stream refused',
      );
      done(
        known ? { code: err.code, details: err.message } : { code: grpc.status.INTERNAL, details: 'internal error' },
      );
    };

    call.on('data', (msg: StreamMessage) => {
      if (ended) return;
      if (!target) target = this.admit(msg, principal, peer);
      const admitted = target;
      queued++;
      if (queued >= MAX_QUEUED) call.pause();
      chain = chain
        .then(async () => {
          const t = await admitted;
          if (!ended) await this.write(t, msg);
        })
        .catch(refuse)
        .finally(() => {
          queued--;
          if (queued < MAX_QUEUED && !ended) call.resume();
        });
    });
    // The client half-closed: answer once everything it sent is stored.
    call.on('end', () => {
      void chain.finally(() => {
        this.calls.delete(call);
        if (ended) return;
        ended = true;
        done(null, {});
      });
    });
    const gone = () => {
      this.calls.delete(call);
      ended = true;
    };
    call.on('error', gone);
    call.on('cancelled', gone);
  }

  private async admit(
    first: StreamMessage,
    principal: Promise<unknown>,
    peer: string,
  ): Promise<{ group: string; stream: string }> {
    const identity = await principal;
    const id = resolveNode(this.deps, first.identifier?.node?.id);
    await authorizeStream(this.deps, identity as Parameters<typeof authorizeStream>[1], id, peer);
    const kind = id.kind === 'virtualNode' ? Kind.virtualNode : Kind.virtualGateway;
    if (!(await this.deps.store.get(kind, id.meshName, id.name))) {
      throw new AdmissionError(
        grpc.status.INVALID_ARGUMENT,
        'not_found',
        `${id.kind} ${id.name} does not exist in mesh ${id.meshName}`,
      );
    }
    const group = accessLogGroupName(id);
    const stream = accessLogStreamName(peer);
    const logs = this.deps.store.logs;
    const g = await logs.createGroup(
      { name: group, createdAt: Date.now(), logGroupClass: 'STANDARD', deletionProtection: false, tags: {} },
      this.deps.maxGroups,
    );
    if (g === 'limit')
      throw new AdmissionError(grpc.status.RESOURCE_EXHAUSTED, 'resource_exhausted', 'the log group quota is reached');
    const s = await logs.createStream(group, stream, Date.now(), this.deps.maxStreams);
    if (s === 'limit' || s === 'no-group')
      throw new AdmissionError(
        grpc.status.RESOURCE_EXHAUSTED,
        'resource_exhausted',
        `cannot create log stream ${stream}`,
      );
    this.deps.log.info(
      { peer, nodeId: first.identifier?.node?.id, logGroup: group, logStream: stream },
      'access-log stream admitted',
    );
    return { group, stream };
  }

  private async write(t: { group: string; stream: string }, msg: StreamMessage): Promise<void> {
    const now = Date.now();
    const lines: AccessLogLine[] = [];
    for (const e of msg.http_logs?.log_entry ?? []) lines.push(httpEntryLine(e, now));
    for (const e of msg.tcp_logs?.log_entry ?? []) lines.push(tcpEntryLine(e, now));
    const max = this.deps.maxEventBytes - EVENT_OVERHEAD_BYTES;
    const events = lines
      .filter((l) => l.timestamp >= now - TOO_OLD_MS && l.timestamp <= now + TOO_NEW_MS)
      .map((l) =>
        Buffer.byteLength(l.message) > max
          ? { ...l, message: Buffer.from(l.message).subarray(0, max).toString('utf8') }
          : l,
      )
      .sort((a, b) => a.timestamp - b.timestamp);
    if (lines.length > events.length)
      logEvents.inc({ source: 'access_log', outcome: 'rejected' }, lines.length - events.length);
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const chunk = events.slice(i, i + MAX_BATCH);
      try {
        const outcome = await this.deps.store.logs.appendEvents(t.group, t.stream, chunk, now);
        if (outcome !== 'appended') {
          logEvents.inc({ source: 'access_log', outcome: 'dropped' }, chunk.length);
          this.deps.log.warn({ ...t, outcome }, 'access-log entries dropped: the log group or stream is gone');
        } else logEvents.inc({ source: 'access_log', outcome: 'stored' }, chunk.length);
      } catch (err) {
        logEvents.inc({ source: 'access_log', outcome: 'dropped' }, chunk.length);
        this.deps.log.warn({ err, ...t, entries: chunk.length }, 'access-log entries dropped');
      }
    }
  }
}

// Converges the listeners to the store: one listener per interface of every available
// endpoint of a service appmeshd offers. Endpoints that become available, gain or lose
// subnets, or are deleted change the desired set; a restart starts from an empty actual
// set and rebuilds everything.
import type { TLSSocket } from 'node:tls';
import type { EndpointVia } from '../api/service.js';
import { apiSigningName, type EndpointServiceCode, serviceCodeOf } from '../ec2/endpoint-services.js';
import { endpointServing, type VpcEndpointSpec } from '../ec2/records.js';
import type { Logger } from '../runtime/logger.js';
import type { CertificateAuthority } from './ca/authority.js';
import { EndpointCertificates } from './certificates.js';
import { type EdgeEntry, apiHandoff, xdsRelayHandoff, type XdsTarget } from './handoff.js';
import { EndpointListener, type ListenerBehaviour, type ListenerBinding } from './listener.js';
import { endpointListeners } from './metrics.js';
import { admittingRule } from './security-groups.js';
import { RateLimitedLog } from './rate-limited-log.js';
import type { ListenerFailure } from '../ec2/endpoint-health.js';
import { errnoReason } from '../runtime/errno.js';
import { errorCode, errorMessage } from '../runtime/guards.js';
import { Reloader } from '../runtime/reloader.js';
import type { Ec2Snapshot, Ec2View } from './view.js';

export interface ReconcilerDeps {
  view: Ec2View;
  /**
   * Records that an endpoint's listeners could not bind here (state 'failed', LastError) or
   * now all bind (back to 'available'). Absent: failures are only logged.
   */
  reportListeners?: (endpoint: VpcEndpointSpec, failure: ListenerFailure | undefined) => Promise<void>;
  /** Whether a failure reported by this server is this server's to clear. */
  reportedHere?: (endpoint: VpcEndpointSpec) => boolean;
  /**
   * On a shared store each replica binds the addresses assigned to its host: an address that
   * is not (EADDRNOTAVAIL), or one that another replica on the same host already holds
   * (EADDRINUSE), is served by another replica, so these only get logged.
   */
  addressesShared: boolean;
  ca: CertificateAuthority;
  region: string;
  port: number;
  edge: EdgeEntry;
  xdsTarget: () => XdsTarget | undefined;
  log: Logger;
}

type Handoff = (socket: TLSSocket) => void;

const RETRY_MS = 2000;
/** A refused source is logged at most once per this period (the metric counts every refusal). */
const REFUSAL_LOG_MS = 60_000;
const bindingKey = (b: ListenerBinding) => `${b.vpcEndpointId}/${b.networkInterfaceId}/${b.address}:${b.port}`;

export class EndpointReconciler {
  private readonly listeners = new Map<string, EndpointListener>();
  /** One hand-off per endpoint, shared by its interfaces' listeners. */
  private readonly handoffs = new Map<string, Handoff>();
  private readonly certificates: EndpointCertificates;
  private readonly reportedBindFailures = new Set<string>();
  /** Bind failures of the last pass, by endpoint id (the first one of each endpoint). */
  private readonly failures = new Map<string, ListenerFailure>();
  private readonly refusals = new RateLimitedLog(REFUSAL_LOG_MS, 10_000);
  /** Convergences run one at a time; view changes during one fold into one more after it. */
  private readonly convergences = new Reloader<void>(
    async () => {
      if (!this.stopped) await this.converge(this.deps.view.current);
    },
    () => {},
    (err) => this.deps.log.error({ err }, 'endpoint listeners could not be converged; retrying'),
    RETRY_MS,
  );
  /** A pass whose listeners did not all bind is followed by another after RETRY_MS. */
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly deps: ReconcilerDeps) {
    this.certificates = new EndpointCertificates(deps.ca, deps.region);
  }

  async start(): Promise<void> {
    this.deps.view.onChange(() => void this.schedule());
    await this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.convergences.stop();
    await this.convergences.idle();
    await Promise.all([...this.listeners.values()].map((l) => l.stop()));
    this.listeners.clear();
    endpointListeners.set(0);
  }

  /** Runs a convergence; calls while one runs fold into one more run after it. */
  schedule(): Promise<void> {
    return this.convergences.run();
  }

  private desired(snapshot: Ec2Snapshot): Map<string, { binding: ListenerBinding; code: EndpointServiceCode }> {
    const out = new Map<string, { binding: ListenerBinding; code: EndpointServiceCode }>();
    for (const endpoint of snapshot.endpoints.values()) {
      const code = serviceCodeOf(endpoint.serviceName, this.deps.region);
      if (!code || !(endpointServing(endpoint) || endpoint.state === 'pending')) continue;
      for (const id of endpoint.networkInterfaceIds) {
        const eni = snapshot.interfaces.get(id);
        if (!eni) continue;
        const binding = {
          vpcEndpointId: endpoint.vpcEndpointId,
          networkInterfaceId: id,
          address: eni.privateIpAddress,
          port: this.deps.port,
        };
        const key = bindingKey(binding);
        // A modified endpoint is pending again until the change settles; its interfaces keep serving meanwhile.
        if (endpointServing(endpoint) || this.listeners.has(key)) out.set(key, { binding, code });
      }
    }
    return out;
  }

  private async converge(snapshot: Ec2Snapshot): Promise<void> {
    const desired = this.desired(snapshot);
    for (const [key, listener] of this.listeners) {
      if (desired.has(key)) continue;
      this.listeners.delete(key);
      await listener.stop();
      this.deps.log.info({ ...listener.binding }, 'endpoint listener stopped');
    }
    const live = new Set([...desired.values()].map((d) => d.binding.vpcEndpointId));
    for (const id of [...this.handoffs.keys()]) {
      if (!live.has(id)) {
        this.handoffs.delete(id);
        this.certificates.forget(id);
      }
    }
    for (const key of this.reportedBindFailures) if (!desired.has(key)) this.reportedBindFailures.delete(key);
    let failed = false;
    this.failures.clear();
    for (const [key, { binding, code }] of desired) {
      if (this.listeners.has(key)) continue;
      const listener = new EndpointListener(binding, this.behaviour(binding, code, snapshot), this.deps.log);
      try {
        await listener.start();
        this.listeners.set(key, listener);
        this.reportedBindFailures.delete(key);
        this.deps.log.info({ ...binding, service: code }, 'endpoint listener started');
      } catch (err) {
        failed = true;
        // Retried every few seconds; said once per binding (a replica may not own every address).
        const level = this.reportedBindFailures.has(key) ? 'debug' : 'error';
        this.reportedBindFailures.add(key);
        this.deps.log[level](
          { err, ...binding },
          'endpoint listener could not bind; is the address assigned to this host?',
        );
        const errno = errorCode(err);
        const anotherReplicas = this.deps.addressesShared && (errno === 'EADDRNOTAVAIL' || errno === 'EADDRINUSE');
        if (!anotherReplicas && !this.failures.has(binding.vpcEndpointId)) {
          this.failures.set(binding.vpcEndpointId, {
            code: 'ListenerBindFailed',
            message: `cannot listen on ${binding.address}:${binding.port} (${binding.networkInterfaceId}): ${errnoReason(errno) ?? errorMessage(err)}${errno ? ` (${errno})` : ''}`,
          });
        }
      }
    }
    await this.report(snapshot, desired);
    endpointListeners.set(this.listeners.size);
    clearTimeout(this.retry);
    if (failed && !this.stopped) this.retry = setTimeout(() => void this.schedule(), RETRY_MS);
  }

  /** Brings the endpoints' states in line with this pass's bind outcomes (only where they differ). */
  private async report(snapshot: Ec2Snapshot, desired: Map<string, { binding: ListenerBinding }>): Promise<void> {
    const { reportListeners, reportedHere } = this.deps;
    if (!reportListeners) return;
    const ids = new Set([...desired.values()].map((d) => d.binding.vpcEndpointId));
    for (const id of ids) {
      const endpoint = snapshot.endpoints.get(id);
      if (!endpoint || !endpointServing(endpoint)) continue;
      const failure = this.failures.get(id);
      const mine = endpoint.state === 'failed' && (reportedHere?.(endpoint) ?? true);
      const due = failure
        ? endpoint.state === 'available' || (mine && endpoint.lastError?.message !== failure.message)
        : mine;
      if (!due) continue;
      try {
        await reportListeners(endpoint, failure);
      } catch (err) {
        this.deps.log.warn({ err, vpcEndpointId: id }, 'could not record the endpoint listener state');
      }
    }
  }

  /** What a listener does, reading the newest view at each connection. */
  private behaviour(binding: ListenerBinding, code: EndpointServiceCode, createdFrom: Ec2Snapshot): ListenerBehaviour {
    const id = binding.vpcEndpointId;
    return {
      admit: (source) => {
        const endpoint = this.endpoint(id);
        return endpoint ? admittingRule(this.deps.view.current, endpoint, source, binding.port) : undefined;
      },
      secureContext: () =>
        this.certificates.contextFor(this.deps.view.current, this.endpoint(id) ?? createdFrom.endpoints.get(id)!, code),
      alpnProtocols: apiSigningName(code) ? ['http/1.1'] : ['h2'],
      refused: (source) => {
        const suppressed = this.refusals.admit(source);
        if (suppressed === undefined) return;
        const endpoint = this.endpoint(id);
        this.deps.log.warn(
          {
            source,
            destination: `${binding.address}:${binding.port}`,
            vpcEndpointId: id,
            networkInterfaceId: binding.networkInterfaceId,
            securityGroupIds: endpoint?.securityGroupIds ?? [],
            ...(suppressed ? { suppressedSinceLastLog: suppressed } : {}),
          },
          'connection refused by security groups',
        );
      },
      handoff: (socket) => this.handoff(id, code)(socket),
    };
  }

  private endpoint(id: string): VpcEndpointSpec | undefined {
    return this.deps.view.current.endpoints.get(id);
  }

  private via(id: string): EndpointVia | undefined {
    const endpoint = this.endpoint(id);
    if (!endpoint || !(endpointServing(endpoint) || endpoint.state === 'pending')) return undefined;
    return {
      vpcEndpointId: endpoint.vpcEndpointId,
      vpcId: endpoint.vpcId,
      serviceName: endpoint.serviceName,
      policyDocument: endpoint.policyDocument,
    };
  }

  private handoff(id: string, code: EndpointServiceCode): Handoff {
    let h = this.handoffs.get(id);
    if (!h) {
      const signingName = apiSigningName(code);
      h = signingName
        ? apiHandoff(this.deps.edge, signingName, () => this.via(id))
        : xdsRelayHandoff(id, this.deps.xdsTarget, this.deps.log);
      this.handoffs.set(id, h);
    }
    return h;
  }
}

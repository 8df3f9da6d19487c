// State-of-the-world xDS on one stream (ADS or a single-type service), per
// reference/xds.md §1.3–1.7 and §1.9:
// - a response is sent only when what the proxy subscribes to changed (content-hash version)
//   or it subscribed to something new; a NACK is recorded and never answered by re-sending;
// - requests with a stale nonce are ignored;
// - on ADS, clusters and endpoints go before listeners and routes, and clusters a new route
//   table no longer uses are removed only after the proxy answered the listeners and routes.
import {
  configType,
  ORDERED_TYPES,
  setVersion,
  type EncodedConfig,
  type EncodedResource,
} from '../cache/encoded-config.js';
import { withSotwNonce } from '../cache/wire.js';
import { TypeUrl } from '../translate/types.js';
import { sotwRequest } from './requests.js';
import { Session, isFullStateType, isWildcardType } from './session.js';

interface TypeState {
  requested: boolean;
  names: Set<string>;
  wildcard: boolean;
  /** Once a name was subscribed explicitly, an empty list means "nothing", not the legacy wildcard. */
  explicitEver: boolean;
  nonce?: string;
  sentVersion?: string;
  sent: Map<string, EncodedResource>;
}

interface Plan {
  version: string;
  resources: readonly EncodedResource[];
}

export class SotwSession extends Session {
  readonly variant = 'sotw' as const;
  private readonly states = new Map<string, TypeState>();
  /** Clusters a new route table no longer uses, still sent until the proxy answered the routes. */
  private leaving: EncodedResource[] = [];

  onRequest(request: unknown): void {
    const req = sotwRequest(request);
    const typeUrl = this.init.fixedType ?? req.type_url ?? '';
    if (!this.servesType(typeUrl)) return;
    const st = this.state(typeUrl);
    const nonce = req.response_nonce ?? '';
    if (nonce && st.nonce && nonce !== st.nonce) return; // stale: a newer response is on its way
    if (nonce && nonce === st.nonce) this.answered(typeUrl, nonce, req.error_detail);

    const names = (req.resource_names ?? []).filter((n) => n !== '*');
    const hasStar = (req.resource_names ?? []).includes('*');
    if ((req.resource_names ?? []).length > 0) st.explicitEver = true;
    const wildcard = isWildcardType(typeUrl) && (hasStar || (!st.explicitEver && names.length === 0));
    const newly = names.some((n) => !st.names.has(n)) || (wildcard && !st.wildcard);
    const first = !st.requested;
    st.requested = true;
    st.names = new Set(names);
    st.wildcard = wildcard;
    this.recordSubscription(typeUrl, names, wildcard);
    const nonceBefore = st.nonce;
    if (typeUrl === TypeUrl.listener) this.listenersSubscribed(names, wildcard);
    const pushedAlready = st.nonce !== nonceBefore;

    if (first && req.version_info && this.config) {
      // A reconnecting proxy that already holds exactly this version gets nothing.
      const plan = this.plan(typeUrl, this.config);
      if (plan && plan.version === req.version_info) {
        st.sentVersion = plan.version;
        st.sent = new Map(plan.resources.map((r) => [r.name, r]));
        this.resumed(typeUrl, plan.version);
        return;
      }
    }
    this.push(typeUrl, { force: (first || newly) && !pushedAlready });
    this.maybeCleanup();
  }

  applyConfig(config: EncodedConfig, changedAt: number | undefined): void {
    if (config === this.config) return;
    this.remember(config);
    this.config = config;
    this.changedAt = changedAt;
    const routesChange = [TypeUrl.listener, TypeUrl.route].some((t) => this.wouldPush(t));
    const cds = this.states.get(TypeUrl.cluster);
    const cdsNow = config.types.get(TypeUrl.cluster)!.byName;
    // Routes not yet answered may still use clusters from before: keep those too.
    const routesPending = routesChange || this.leaving.length > 0;
    const leaving = routesPending && cds ? [...cds.sent.values()].filter((r) => !cdsNow.has(r.name)) : [];
    this.leaving = leaving;
    let endpointsPushed = false;
    for (const typeUrl of ORDERED_TYPES) {
      if (typeUrl === TypeUrl.cluster) {
        // Envoy finishes warming a changed cluster only with a fresh load assignment.
        if (this.push(typeUrl, {})) endpointsPushed = this.push(TypeUrl.endpoint, { force: true }) || true;
      } else if (typeUrl !== TypeUrl.endpoint || !endpointsPushed) {
        this.push(typeUrl, {});
      }
    }
    this.maybeCleanup();
  }

  private maybeCleanup(): void {
    if (this.leaving.length === 0 || this.outstanding(TypeUrl.listener) || this.outstanding(TypeUrl.route)) return;
    this.leaving = [];
    this.push(TypeUrl.cluster, {});
  }

  private state(typeUrl: string): TypeState {
    let st = this.states.get(typeUrl);
    if (!st)
      this.states.set(
        typeUrl,
        (st = { requested: false, names: new Set(), wildcard: false, explicitEver: false, sent: new Map() }),
      );
    return st;
  }

  /** What the proxy should hold of a type under the given configuration. */
  private plan(typeUrl: string, config: EncodedConfig): Plan | undefined {
    const keep = typeUrl === TypeUrl.cluster ? this.leaving : [];
    const st = this.states.get(typeUrl);
    const type = configType(config, typeUrl);
    if (!st?.requested || !type) return undefined;
    const kept = keep.filter((r) => !type.byName.has(r.name) && (st.wildcard || st.names.has(r.name)));
    if (!st.wildcard && kept.length === 0) return type.select(st.names);
    const resources = [...(st.wildcard ? type.byName.values() : type.select(st.names).resources), ...kept];
    return { version: kept.length === 0 ? type.version : setVersion(resources), resources };
  }

  private wouldPush(typeUrl: string): boolean {
    const st = this.states.get(typeUrl);
    const plan = this.config ? this.plan(typeUrl, this.config) : undefined;
    return !!st && !!plan && plan.version !== st.sentVersion;
  }

  /** Sends the type if it changed (or `force`); true when a response went out. */
  private push(typeUrl: string, opts: { force?: boolean }): boolean {
    const config = this.config;
    if (!config) return false;
    const st = this.states.get(typeUrl);
    const plan = this.plan(typeUrl, config);
    if (!st || !plan) return false;
    if (!opts.force && plan.version === st.sentVersion) return false;
    if (!isFullStateType(typeUrl) && plan.resources.length === 0) {
      // An empty route or endpoint response means nothing in state of the world; there is nothing to say.
      st.sentVersion = plan.version;
      st.sent = new Map();
      return false;
    }
    const type = configType(config, typeUrl);
    if (!type) return false;
    const body = type.sotwBody(plan.version, plan.resources);
    st.nonce = this.send(typeUrl, (nonce) => withSotwNonce(body, nonce), plan.version);
    st.sentVersion = plan.version;
    st.sent = new Map(plan.resources.map((r) => [r.name, r]));
    return true;
  }
}

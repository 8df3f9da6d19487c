// The connected xDS streams of this replica as the console shows them: only proxies whose
// virtual node or gateway the caller may describe; ACK/NACK per type; the translated
// configuration and what the last push changed.
import { hostname } from 'node:os';
import type { AuthorizationTarget } from '../api/service.js';
import { identityArn } from '../xds/identity.js';
import type { ProxyIdentity } from '../xds/translate/types.js';
import type { SessionStatus, TypeStatus } from '../xds/server/session.js';
import type { XdsServer } from '../xds/server/xds-server.js';
import type { Caller, ConsoleGateway } from './caller.js';
import { diffConfigs } from './config-diff.js';

export interface ProxyView extends SessionStatus {
  replica: string;
  /** Types whose latest response the proxy rejected. */
  nackingTypes: string[];
  /** Proxyless clients subscribe to their listeners by name; Envoys to all (empty). */
  apiListeners: string[];
}

const REPLICA = `${hostname()}:${process.pid}`;

/** The latest configuration sent of this type was rejected (and nothing newer was accepted since). */
export const isNacking = (t: TypeStatus) =>
  t.lastNack !== undefined && t.lastNack.version === t.sentVersion && t.ackedVersion !== t.sentVersion;

export function toView(s: SessionStatus): ProxyView {
  const listener = s.types.lds;
  return {
    ...s,
    replica: REPLICA,
    nackingTypes: Object.entries(s.types)
      .filter(([, t]) => isNacking(t))
      .map(([k]) => k)
      .sort(),
    apiListeners: listener && !listener.wildcard ? listener.subscribed : [],
  };
}

/** What a caller must be allowed to see a proxy: describing its virtual node or gateway. */
export function describeTarget(id: ProxyIdentity, region: string, accountId: string): AuthorizationTarget {
  return {
    action: id.kind === 'virtualNode' ? 'appmesh:DescribeVirtualNode' : 'appmesh:DescribeVirtualGateway',
    resource: identityArn(id, region, accountId),
  };
}

export class ProxyDirectory {
  constructor(
    private readonly server: XdsServer,
    private readonly gw: ConsoleGateway,
  ) {}

  /** Streams the caller may see (appmesh:DescribeVirtualNode / DescribeVirtualGateway on the proxy's resource). */
  async visible(caller: Caller, meshName?: string): Promise<ProxyView[]> {
    const decisions = new Map<string, boolean>();
    const out: ProxyView[] = [];
    for (const s of this.server.proxies()) {
      if (meshName !== undefined && s.identity.meshName !== meshName) continue;
      const target = describeTarget(s.identity, this.gw.region, this.gw.accountId);
      let ok = decisions.get(target.resource);
      if (ok === undefined) {
        ok = !(await this.gw.allowed(caller, target));
        decisions.set(target.resource, ok);
      }
      if (ok) out.push(toView(s));
    }
    return out;
  }

  /** Per mesh: streams connected and streams NACKing their latest configuration, by `<kind>/<name>` too. */
  static summarize(views: ProxyView[]): {
    connected: number;
    nacking: number;
    byResource: Map<string, { connected: number; nacking: number }>;
  } {
    const byResource = new Map<string, { connected: number; nacking: number }>();
    let nacking = 0;
    for (const v of views) {
      const key = `${v.identity.kind}/${v.identity.name}`;
      const e = byResource.get(key) ?? { connected: 0, nacking: 0 };
      e.connected++;
      if (v.nackingTypes.length) {
        e.nacking++;
        nacking++;
      }
      byResource.set(key, e);
    }
    return { connected: views.length, nacking, byResource };
  }

  async detail(caller: Caller, streamId: string) {
    const view = (await this.visible(caller)).find((v) => v.streamId === streamId);
    if (!view) return undefined;
    const configs = this.server.streamConfigs(streamId);
    return {
      proxy: view,
      config: configs?.current?.source,
      lastPush: {
        ...(configs?.since ? { at: configs.since.toISOString() } : {}),
        fromVersion: configs?.previous?.version ?? null,
        toVersion: configs?.current?.version ?? null,
        changes: diffConfigs(configs?.previous?.source, configs?.current?.source),
      },
    };
  }
}

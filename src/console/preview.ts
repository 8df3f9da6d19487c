// "What would this edit do to that proxy?": the pure translation run on the mesh's current
// snapshot and on a copy with the edit applied, and the difference. The edit first passes
// the pipeline's validation and the caller's authorization, and the spec the handler's rules.
import { ApiError } from '../api/errors.js';
import { resourceArn } from '../appmesh/arn.js';
import { Kind, type MeshKind } from '../appmesh/kinds.js';
import { checkSpec } from '../appmesh/rules.js';
import type { MeshSnapshotFeed } from '../mesh/feed.js';
import type { MeshSnapshot, SnapshotResource } from '../mesh/snapshot.js';
import type { AppMeshQuotas } from '../appmesh/quotas.js';
import { errorMessage } from '../runtime/guards.js';
import type { StoreReader } from '../store/types.js';
import { translateProxy } from '../xds/server/component.js';
import type { ProxyConfig, ProxyIdentity } from '../xds/translate/types.js';
import type { Caller, ConsoleGateway } from './caller.js';
import { diffConfigs, type ResourceChange } from './config-diff.js';
import { KINDS, isChildKind } from './mesh-reader.js';
import { describeTarget } from './proxies.js';
import { isSpecOf, type SpecOf } from './specs.js';

export interface PreviewRequest {
  operation: string;
  input: Record<string, unknown>;
  proxy: ProxyIdentity;
  apiListeners: string[];
}

export type PreviewResult =
  | { ok: true; changes: ResourceChange[]; warnings: string[] }
  | { ok: false; error: { code: string; message: string; status: number; denied: boolean } };

const VERB = /^(Create|Update|Delete)(VirtualNode|VirtualService|VirtualRouter|Route|VirtualGateway|GatewayRoute)$/;

function replaced<S>(
  map: ReadonlyMap<string, SnapshotResource<S>>,
  name: string,
  res: SnapshotResource<S> | undefined,
): Map<string, SnapshotResource<S>> {
  const next = new Map(map);
  if (res) next.set(name, res);
  else next.delete(name);
  return next;
}

function nested<S>(
  outer: ReadonlyMap<string, ReadonlyMap<string, SnapshotResource<S>>>,
  parent: string,
  name: string,
  res: SnapshotResource<S> | undefined,
) {
  const next = new Map(outer);
  next.set(parent, replaced(outer.get(parent) ?? new Map(), name, res));
  return next;
}

/** The edited resource with its spec as the kind's spec type (the pipeline's checks already held it to the model). */
function typed<K extends MeshKind>(
  kind: K,
  res: SnapshotResource<unknown> | undefined,
): SnapshotResource<SpecOf[K]> | undefined {
  if (!res) return undefined;
  const { spec } = res;
  if (!isSpecOf(kind, spec)) throw new Error(`the edited ${kind} spec does not match the model`);
  return { ...res, spec };
}

/** A copy of the snapshot with one resource replaced (res) or removed (undefined). */
export function withResource(
  s: MeshSnapshot,
  kind: MeshKind,
  name: string,
  parent: string | undefined,
  res: SnapshotResource<unknown> | undefined,
): MeshSnapshot {
  switch (kind) {
    case Kind.virtualNode:
      return { ...s, virtualNodes: replaced(s.virtualNodes, name, typed(kind, res)) };
    case Kind.virtualService:
      return { ...s, virtualServices: replaced(s.virtualServices, name, typed(kind, res)) };
    case Kind.virtualRouter:
      return { ...s, virtualRouters: replaced(s.virtualRouters, name, typed(kind, res)) };
    case Kind.virtualGateway:
      return { ...s, virtualGateways: replaced(s.virtualGateways, name, typed(kind, res)) };
    case Kind.route:
      return { ...s, routes: nested(s.routes, parent!, name, typed(kind, res)) };
    case Kind.gatewayRoute:
      return { ...s, gatewayRoutes: nested(s.gatewayRoutes, parent!, name, typed(kind, res)) };
    default:
      return s;
  }
}

function existing(
  s: MeshSnapshot,
  kind: MeshKind,
  name: string,
  parent: string | undefined,
): SnapshotResource<unknown> | undefined {
  switch (kind) {
    case Kind.virtualNode:
      return s.virtualNodes.get(name);
    case Kind.virtualService:
      return s.virtualServices.get(name);
    case Kind.virtualRouter:
      return s.virtualRouters.get(name);
    case Kind.virtualGateway:
      return s.virtualGateways.get(name);
    case Kind.route:
      return s.routes.get(parent!)?.get(name);
    case Kind.gatewayRoute:
      return s.gatewayRoutes.get(parent!)?.get(name);
    default:
      return undefined;
  }
}

function translated(s: MeshSnapshot, proxy: ProxyIdentity, apiListeners: string[]): ProxyConfig {
  return translateProxy(s, proxy, apiListeners);
}

export class EditPreview {
  constructor(
    private readonly gw: ConsoleGateway,
    private readonly feed: MeshSnapshotFeed,
    private readonly store: StoreReader,
    private readonly quotas: AppMeshQuotas,
  ) {}

  /** The spec as the handler would store it (its rules: references, defaults), or the rule's error. */
  private checkedSpec(kind: MeshKind, spec: unknown, meshName: string, parent: string | undefined): Promise<unknown> {
    return checkSpec(kind, spec, {
      reader: this.store,
      meshName,
      accountId: this.gw.accountId,
      quotas: this.quotas,
      ...(parent !== undefined ? { parentName: parent } : {}),
    });
  }

  /**
   * A validate-only call: the pipeline's input checks and authorization, then for creates and
   * updates the spec rules the handler runs (e.g. references to resources that do not exist).
   */
  async validate(caller: Caller, operation: string, input: Record<string, unknown>): Promise<ApiError | undefined> {
    const problem = await this.gw.check(caller, 'appmesh', operation, input);
    const m = VERB.exec(operation);
    if (problem || !m || m[1] === 'Delete') return problem;
    const kindName = m[2]!.charAt(0).toLowerCase() + m[2]!.slice(1);
    if (!isChildKind(kindName)) return undefined;
    const info = KINDS[kindName];
    try {
      await this.checkedSpec(
        kindName,
        input.spec,
        String(input.meshName),
        'parent' in info ? String(input[KINDS[info.parent].nameField]) : undefined,
      );
      return undefined;
    } catch (err) {
      if (err instanceof ApiError) return err;
      throw err;
    }
  }

  async preview(caller: Caller, req: PreviewRequest): Promise<PreviewResult> {
    const fail = (e: ApiError): PreviewResult => ({
      ok: false,
      error: { code: e.code, message: e.message, status: e.status, denied: e.code === 'AccessDeniedException' },
    });
    const m = VERB.exec(req.operation);
    if (!m) return fail(new ApiError('BadRequestException', `${req.operation} cannot be previewed`, 400));
    const denied = await this.gw.check(caller, 'appmesh', req.operation, req.input);
    if (denied) return fail(denied);
    // The preview shows that proxy's configuration: the caller must be able to describe its resource.
    const hidden = await this.gw.allowed(caller, describeTarget(req.proxy, this.gw.region, this.gw.accountId));
    if (hidden) return fail(hidden);
    const kindName = m[2]!.charAt(0).toLowerCase() + m[2]!.slice(1);
    if (!isChildKind(kindName))
      return fail(new ApiError('BadRequestException', `${req.operation} cannot be previewed`, 400));
    const info = KINDS[kindName];
    const meshName = String(req.input.meshName);
    const name = String(req.input[info.nameField]);
    const parent = 'parent' in info ? String(req.input[KINDS[info.parent].nameField]) : undefined;
    const entry = await this.feed.current(meshName);
    if (!entry) return fail(new ApiError('NotFoundException', `Mesh with name ${meshName} is not present`, 404));
    const kind = kindName;
    let res: SnapshotResource<unknown> | undefined;
    if (m[1] !== 'Delete') {
      try {
        const spec = await this.checkedSpec(kind, req.input.spec, meshName, parent);
        const before = existing(entry.snapshot, kind, name, parent);
        res = {
          name,
          arn: before?.arn ?? resourceArn(this.gw.region, this.gw.accountId, kind, meshName, name, parent),
          spec,
          version: (before?.version ?? 0) + 1,
        };
      } catch (err) {
        if (err instanceof ApiError) return fail(err);
        throw err;
      }
    }
    const edited = withResource(entry.snapshot, kind, name, parent, res);
    try {
      const before = translated(entry.snapshot, req.proxy, req.apiListeners);
      const after = translated(edited, req.proxy, req.apiListeners);
      return { ok: true, changes: diffConfigs(before, after), warnings: after.warnings ?? [] };
    } catch (err) {
      return fail(
        new ApiError('TranslationFailed', `The edited configuration does not translate: ${errorMessage(err)}`, 422),
      );
    }
  }
}

// Matches (method, path) against the model's requestUri templates.
import type { OperationModel, ServiceModel } from '../model.js';

interface CompiledRoute {
  operation: OperationModel;
  /** A literal segment, or a label name wrapped as { label }. */
  segments: (string | { label: string; greedy: boolean })[];
  literals: number;
  staticQuery: [string, string | undefined][];
}

export interface RouteMatch {
  operation: OperationModel;
  labels: Record<string, string>;
}

export class RestRouter {
  private readonly byMethod = new Map<string, CompiledRoute[]>();

  constructor(model: ServiceModel) {
    for (const op of Object.values(model.operations)) {
      const [pathPart = '', queryPart] = op.http.requestUri.split('?');
      const segments = pathPart
        .split('/')
        .filter(Boolean)
        .map((s) => {
          const m = /^\{(\w+)(\+?)\}$/.exec(s);
          return m ? { label: m[1]!, greedy: m[2] === '+' } : s;
        });
      const staticQuery = (queryPart ?? '')
        .split('&')
        .filter(Boolean)
        .map((kv): [string, string | undefined] => {
          const [k = '', v] = kv.split('=');
          return [k, v];
        });
      const list = this.byMethod.get(op.http.method) ?? [];
      list.push({
        operation: op,
        segments,
        literals: segments.filter((s) => typeof s === 'string').length,
        staticQuery,
      });
      this.byMethod.set(op.http.method, list);
    }
    // Prefer the most specific template when several match.
    for (const list of this.byMethod.values())
      list.sort((a, b) => b.literals - a.literals || b.segments.length - a.segments.length);
  }

  /** `segments` are the raw (still encoded) path segments. Returns undefined when nothing matches. */
  match(method: string, segments: string[], query: URLSearchParams): RouteMatch | undefined | 'method-not-allowed' {
    const candidates = this.byMethod.get(method);
    const found = candidates && this.find(candidates, segments, query);
    if (found) return found;
    for (const [m, list] of this.byMethod)
      if (m !== method && this.find(list, segments, query)) return 'method-not-allowed';
    return undefined;
  }

  private find(routes: CompiledRoute[], segments: string[], query: URLSearchParams): RouteMatch | undefined {
    outer: for (const route of routes) {
      if (route.segments.length !== segments.length && !route.segments.some((s) => typeof s !== 'string' && s.greedy))
        continue;
      const labels: Record<string, string> = {};
      for (let i = 0; i < route.segments.length; i++) {
        const seg = route.segments[i]!;
        const got = segments[i];
        if (got === undefined) continue outer;
        if (typeof seg === 'string') {
          if (seg !== got) continue outer;
        } else if (seg.greedy) {
          labels[seg.label] = segments.slice(i).join('/');
          break;
        } else {
          if (got === '') continue outer;
          labels[seg.label] = got;
        }
      }
      for (const [k, v] of route.staticQuery) if (query.get(k) !== (v ?? '')) continue outer;
      return { operation: route.operation, labels };
    }
    return undefined;
  }
}

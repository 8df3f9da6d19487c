// Server-sent events for open console pages: which meshes changed (from the store's change
// feed) and that the proxies' state changed (polled once a second, sent only on a change).
// Events carry no resource content: the page re-reads through the authorized endpoints.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { meshOfChange } from '../mesh/feed.js';
import type { Store } from '../store/types.js';
import type { XdsServer } from '../xds/server/xds-server.js';
import { securityHeaders } from './http.js';

const MAX_STREAMS = 200;
const HEARTBEAT_MS = 15_000;

export class ConsoleEvents {
  private readonly streams = new Set<ServerResponse>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private proxiesDigest = '';

  constructor(
    private readonly store: Store,
    private readonly xds: XdsServer | undefined,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((changes) => {
      const meshes = new Set<string>();
      let other = false;
      for (const c of changes) {
        const m = meshOfChange(c);
        if (m !== undefined) meshes.add(m);
        else if (c.kind.startsWith('sd:') || c.kind.startsWith('ec2:')) other = true;
      }
      for (const mesh of meshes) this.broadcast('mesh', { mesh });
      if (other) this.broadcast('inventory', {});
    });
    this.timer = setInterval(() => {
      if (!this.streams.size || !this.xds) return;
      const digest = createHash('sha256').update(JSON.stringify(this.xds.proxies())).digest('base64url');
      if (digest !== this.proxiesDigest) {
        this.proxiesDigest = digest;
        this.broadcast('proxies', {});
      }
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  /** `alive`: whether the session behind the stream still holds (checked on each heartbeat). */
  open(req: IncomingMessage, res: ServerResponse, alive: () => Promise<boolean>): void {
    if (this.streams.size >= MAX_STREAMS) {
      res.writeHead(503, { ...securityHeaders(req), 'content-type': 'text/plain', 'retry-after': '10' });
      res.end('too many event streams\n');
      return;
    }
    res.writeHead(200, {
      ...securityHeaders(req),
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    const beat = setInterval(() => {
      void alive().then(
        (ok) => (ok ? res.write(': keep-alive\n\n') : res.end()),
        () => res.end(),
      );
    }, HEARTBEAT_MS);
    beat.unref();
    const close = () => {
      clearInterval(beat);
      this.streams.delete(res);
    };
    req.on('close', close);
    res.on('error', close);
  }

  private broadcast(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of this.streams) s.write(frame);
  }
}

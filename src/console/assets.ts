// The console's browser application: files built by scripts/build-console.mjs into
// dist/console-ui, read once at start and served with the CSP and an ETag.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** dist/src/console/assets.js → dist/console-ui/ */
export const ASSET_DIR = fileURLToPath(new URL('../../console-ui/', import.meta.url));

export class ConsoleAssets {
  private readonly files = new Map<string, Asset>();

  constructor(dir = ASSET_DIR) {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(dir, name));
      this.files.set(name, {
        body,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      });
    }
  }

  get built(): boolean {
    return this.files.has('index.html');
  }

  /** `file`: the path under /console/ ('' for the page; the page's own routes live in the URL fragment). */
  serve(req: IncomingMessage, res: ServerResponse, file: string): void {
    const asset = this.files.get(file === '' ? 'index.html' : file);
    const headers = securityHeaders(req);
    if (!asset) {
      const body = this.built ? 'not found\n' : 'The console was not built: run npm run build\n';
      res.writeHead(this.built ? 404 : 503, {
        ...headers,
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    const cache = asset.type.startsWith('text/html') ? 'no-cache' : 'public, max-age=300';
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, { ...headers, etag: asset.etag, 'cache-control': cache });
      res.end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': asset.type,
      'content-length': asset.body.length,
      etag: asset.etag,
      'cache-control': cache,
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }
}

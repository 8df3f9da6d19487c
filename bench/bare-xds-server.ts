// The transport's limit: an ADS server on grpc-js that does nothing but serve pre-encoded responses — one proxy's
// resources as appmeshd encoded them, the same for every stream — and, on POST /push, swaps the route
// configurations that a push changed and writes them to every stream, as appmeshd would. No store, no translation,
// no authentication; ACKs are read and otherwise ignored, like appmeshd's.
// Usage: node dist/bench/bare-xds-server.js <fixture.json>
//   fixture.json: { "resources": { <typeUrl>: { <name>: <base64 resource> } }, "changed": { <typeUrl>: { <name>: <base64 resource> } } }
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { deltaResourceEntry, deltaResponse, lenField, sotwBody, withSotwNonce } from '../src/xds/cache/wire.js';
import { xdsServices } from '../src/xds/server/services.js';

type ByType = Map<string, Map<string, Buffer>>;
interface Fixture {
  resources: Record<string, Record<string, string>>;
  changed: Record<string, Record<string, string>>;
}

const file = process.argv[2];
if (!file) throw new Error('usage: bare-xds-server.js <fixture.json>');
const fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
/** google.protobuf.Any { type_url = 1, value = 2 } around an encoded resource. */
const anyOf = (typeUrl: string, value: Buffer) => Buffer.concat([lenField(1, typeUrl), lenField(2, value)]);
const decode = (m: Record<string, Record<string, string>>): ByType =>
  new Map(
    Object.entries(m).map(([t, byName]) => [
      t,
      new Map(Object.entries(byName).map(([n, b]) => [n, anyOf(t, Buffer.from(b, 'base64'))])),
    ]),
  );
const versions = [decode(fixture.resources), decode(fixture.changed)];
let generation = 0;
/** The resources of the current generation: the base set with the changed ones swapped in on odd generations. */
function current(typeUrl: string): Map<string, Buffer> {
  const base = versions[0]!.get(typeUrl) ?? new Map<string, Buffer>();
  if (generation % 2 === 0) return base;
  return new Map([...base, ...(versions[1]!.get(typeUrl) ?? new Map<string, Buffer>())]);
}

/** Pre-encoded SotW bodies per (generation, type): every stream gets the same bytes plus its nonce. */
const bodies = new Map<string, Buffer>();
function body(typeUrl: string): Buffer {
  const key = `${generation % 2}\0${typeUrl}`;
  let b = bodies.get(key);
  if (!b) bodies.set(key, (b = sotwBody(`v${generation % 2}`, typeUrl, [...current(typeUrl).values()], 'bare')));
  return b;
}

interface Stream {
  write(msg: Buffer): void;
  delta: boolean;
  subscribed: Set<string>;
}
const streams = new Set<Stream>();
let nonce = 0;

function sendSotw(s: Stream, typeUrl: string): void {
  s.write(withSotwNonce(body(typeUrl), String(++nonce)));
}

function sendDelta(s: Stream, typeUrl: string, names?: Iterable<string>): void {
  const res = current(typeUrl);
  const entries = [...(names ?? res.keys())].flatMap((n) => {
    const any = res.get(n);
    return any ? [deltaResourceEntry(n, `v${generation % 2}`, any)] : [];
  });
  s.write(
    deltaResponse({
      systemVersionInfo: `v${generation % 2}`,
      typeUrl,
      entries,
      removed: [],
      nonce: String(++nonce),
      controlPlaneId: 'bare',
    }),
  );
}

interface Request {
  type_url?: string;
  response_nonce?: string;
  resource_names_subscribe?: string[];
}

function handle(call: grpc.ServerDuplexStream<Request, Buffer>, delta: boolean): void {
  const s: Stream = { write: (m) => call.write(m), delta, subscribed: new Set() };
  streams.add(s);
  call.on('data', (req: Request) => {
    const typeUrl = req.type_url ?? '';
    s.subscribed.add(typeUrl);
    if (delta) {
      const names = req.resource_names_subscribe ?? [];
      if (!req.response_nonce || names.length) sendDelta(s, typeUrl, names.length ? names : undefined);
    } else if (!req.response_nonce) {
      sendSotw(s, typeUrl);
    }
  });
  const done = () => streams.delete(s);
  call.on('end', () => {
    done();
    call.end();
  });
  call.on('cancelled', done);
  call.on('error', done);
}

const server = new grpc.Server({ 'grpc.max_send_message_length': 64 * 1024 * 1024 });
const ads = xdsServices()[0]!;
server.addService(ads.definition, {
  StreamAggregatedResources: (call: grpc.ServerDuplexStream<Request, Buffer>) => handle(call, false),
  DeltaAggregatedResources: (call: grpc.ServerDuplexStream<Request, Buffer>) => handle(call, true),
});

const changedTypes = Object.keys(fixture.changed);
const control = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/push') {
    res.writeHead(404).end();
    return;
  }
  generation++;
  for (const s of streams) {
    for (const typeUrl of changedTypes) {
      if (!s.subscribed.has(typeUrl)) continue;
      if (s.delta) sendDelta(s, typeUrl, Object.keys(fixture.changed[typeUrl] ?? {}));
      else sendSotw(s, typeUrl);
    }
  }
  res.writeHead(200).end();
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, xdsPort) => {
  if (err) throw err;
  control.listen(0, '127.0.0.1', () => {
    const addr = control.address();
    process.stderr.write(
      `${JSON.stringify({ msg: 'ready', apiPort: typeof addr === 'object' && addr ? addr.port : 0, xdsPort })}\n`,
    );
  });
});
process.on('SIGTERM', () => {
  server.forceShutdown();
  control.close(() => process.exit(0));
});

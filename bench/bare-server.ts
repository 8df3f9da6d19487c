// The practical limit of one Node process: a node:http server that answers each App Mesh call the benchmark makes
// with a canned body of the same size as appmeshd's answer, doing nothing else (no auth, no parsing, no store).
// Usage: node dist/bench/bare-server.js <bodies.json>   (bodies.json: { "describe": "...", "list": "...", "create": "..." })
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: bare-server.js <bodies.json>');
const bodies = JSON.parse(readFileSync(file, 'utf8')) as Record<'describe' | 'list' | 'create', string>;
const buf = {
  describe: Buffer.from(bodies.describe),
  list: Buffer.from(bodies.list),
  create: Buffer.from(bodies.create),
};
let n = 0;

const server = createServer((req, res) => {
  const path = req.url ?? '/';
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  const body = req.method === 'PUT' ? buf.create : p.endsWith('/virtualNodes') ? buf.list : buf.describe;
  const send = () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'x-amzn-requestid': `bare-${++n}`,
    });
    res.end(body);
  };
  if (req.method === 'PUT' || req.method === 'POST') {
    req.resume();
    req.once('end', send);
  } else {
    req.resume();
    send();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stderr.write(
    `${JSON.stringify({ msg: 'ready', apiPort: typeof addr === 'object' && addr ? addr.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

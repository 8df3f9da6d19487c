// The DNS server against hostile clients, over real UDP and TCP sockets to --dns-listen:
// responses are never answered, over-long names are FORMERR, recursion is refused, and a
// TCP peer can hold neither unbounded memory nor unbounded connections.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import * as packet from 'dns-packet';
import { decodeAnswer, dnsQuery, dnsQueryTcp, encodeQuery, RecordType, udpExchange } from '../helpers/dns.js';
import { MiB, rssBytes } from '../helpers/process-memory.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { eventually, poll, metric as serverMetric } from '../helpers/wait.js';

const metric = (name: string) => serverMetric(server, name);

const IDLE_MS = 1500;
let server: RunningServer;
let dnsPort: number;
const vpceZone = () => `${server.region}.vpce.amazonaws.com`;

before(async () => {
  server = await startServer({ args: ['--dns-listen', '127.0.0.1:0', '--dns-tcp-idle-ms', String(IDLE_MS)] });
  dnsPort = Number(server.ready.dnsPort);
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

/** A query written byte by byte, so names and labels may break the limits dns-packet keeps. */
function rawQuery(id: number, labels: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const name = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), l])), Buffer.from([0])]);
  return Buffer.concat([header, name, Buffer.from([0, 1, 0, 1])]);
}

test('QR=1 loop: a response packet is never answered, so a spoofed one cannot start a loop', async () => {
  // A peer that sends back whatever it receives stands in for the server's own port as the
  // spoofed source: before the fix each FORMERR reply came back and was answered again.
  const reflector = createSocket('udp4');
  let bounces = 0;
  reflector.on('message', (msg) => {
    bounces++;
    reflector.send(msg, dnsPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => reflector.bind(0, '127.0.0.1', resolve));
  const response = packet.encode({
    type: 'response',
    id: 77,
    flags: 0,
    questions: [{ type: 'A', name: `x.${vpceZone()}`, class: 'IN' }],
  });
  reflector.send(response, dnsPort, '127.0.0.1');
  const answered = await dnsQuery(dnsPort, `nothing.${vpceZone()}`, RecordType.A);
  // The server counts the response packet as dropped once it has handled it (instead of answering).
  await poll(() => metric('appmeshd_dns_dropped_total{reason="not_a_query"}'), {
    until: (dropped) => dropped >= 1,
    timeoutMs: 2000,
  });
  reflector.close();
  assert.equal(bounces, 0, 'the server answered a response');
  assert.equal(answered.rcode, 3, 'queries are still answered');
  const noReply = await udpExchange(dnsPort, Buffer.from([0, 1, 0x80, 0]), '127.0.0.1', 300);
  assert.equal(noReply, undefined, 'a short packet with QR set gets nothing either');
  assert.ok((await metric('appmeshd_dns_dropped_total{reason="not_a_query"}')) >= 2);
});

test('name over 255 bytes and label over 63 bytes are refused with FORMERR', async () => {
  const long = rawQuery(
    501,
    Array.from({ length: 5 }, () => Buffer.alloc(60, 'a')),
  );
  const longReply = decodeAnswer((await udpExchange(dnsPort, long))!);
  assert.deepEqual([longReply.id, longReply.rcode, longReply.answers.length], [501, 1, 0]);
  const wideLabel = rawQuery(502, [Buffer.alloc(64, 'b'), Buffer.from('internal')]);
  const wideReply = decodeAnswer((await udpExchange(dnsPort, wideLabel))!);
  assert.deepEqual([wideReply.id, wideReply.rcode], [502, 1]);
  // 255 bytes on the wire is the limit itself: parsed, and refused only as a name outside the zones.
  const limit = rawQuery(503, [...Array.from({ length: 3 }, () => Buffer.alloc(63, 'c')), Buffer.alloc(61, 'd')]);
  assert.equal(limit.length - 12 - 4, 255);
  assert.equal(decodeAnswer((await udpExchange(dnsPort, limit))!).rcode, 5);
  const binary = rawQuery(504, [Buffer.from([0xff, 0xfe]), Buffer.from('internal')]);
  assert.equal(decodeAnswer((await udpExchange(dnsPort, binary))!).rcode, 1, 'names are printable ASCII');
  const twoQuestions = Buffer.from(long);
  twoQuestions.writeUInt16BE(2, 4);
  twoQuestions.writeUInt16BE(505, 0);
  assert.equal(decodeAnswer((await udpExchange(dnsPort, twoQuestions))!).rcode, 1);
});

test('recursion is refused: names outside appmeshd zones are REFUSED and RA is never set', async () => {
  for (const ask of [dnsQuery, dnsQueryTcp]) {
    const reply = await ask(dnsPort, 'example.com', RecordType.A, { recursionDesired: true });
    assert.deepEqual([reply.rcode, reply.recursionAvailable, reply.answers.length], [5, false, 0]);
  }
  const inZone = await dnsQuery(dnsPort, `nothing.${vpceZone()}`, RecordType.A);
  assert.equal(inZone.recursionAvailable, false);
});

async function openTcp(port = dnsPort): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

test('TCP unread replies: a client that pipelines queries and never reads holds bounded memory and is closed when idle', async (t) => {
  const query = encodeQuery(`nothing.${vpceZone()}`, RecordType.A);
  const framed = Buffer.concat([Buffer.from([0, query.length]), query]);
  const batch = Buffer.concat(Array.from({ length: 2000 }, () => framed));
  const before = rssBytes(server.process.pid!);
  const greedy = await openTcp();
  greedy.pause(); // never reads a reply
  greedy.on('error', () => {});
  let sent = 0;
  // For ten seconds, up to 24 MiB of queries, each answered with a larger NXDOMAIN. Once the
  // kernel's socket buffers hold all the replies they can, the server must stop reading; the
  // client's writes then stall for good (before, the server read on and queued every reply).
  const LIMIT = 24 * MiB;
  const deadline = Date.now() + 10_000;
  let gone = false;
  greedy.once('close', () => {
    gone = true;
  });
  while (sent < LIMIT && !gone && Date.now() < deadline) {
    sent += batch.length;
    if (!greedy.write(batch)) {
      await Promise.race([
        new Promise<void>((r) => greedy.once('drain', () => r())),
        new Promise<void>((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
    }
  }
  const grown = rssBytes(server.process.pid!) - before;
  assert.ok(sent < LIMIT / 3, `the server kept reading: ${(sent / MiB).toFixed(1)} MiB accepted`);
  assert.ok(grown < 48 * MiB, `server RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
  t.diagnostic(
    `the server accepted ${(sent / MiB).toFixed(1)} MiB of queries before it stopped reading; RSS ${(grown / MiB).toFixed(1)} MiB more`,
  );
  // Other clients are served meanwhile.
  assert.equal((await dnsQueryTcp(dnsPort, `nothing.${vpceZone()}`, RecordType.A)).rcode, 3);
  // The client reads nothing, so it cannot see the close itself: the server's gauge shows it.
  // Two idle periods at most once the server stopped reading; generous for a loaded machine.
  await eventually(async () => assert.equal(await metric('appmeshd_dns_tcp_connections'), 0), 20_000);
  assert.ok(
    (await metric('appmeshd_dns_dropped_total{reason="tcp_unread"}')) +
      (await metric('appmeshd_dns_dropped_total{reason="tcp_idle"}')) >=
      1,
  );
  greedy.destroy();
});

test('TCP message one byte at a time is still answered', async () => {
  const socket = await openTcp();
  const query = encodeQuery(`nothing.${vpceZone()}`, RecordType.A, { id: 4242 });
  const framed = Buffer.concat([Buffer.from([0, query.length]), query]);
  const reply = new Promise<Buffer>((resolve) => {
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) resolve(data.subarray(2));
    });
  });
  socket.setNoDelay(true);
  for (const byte of framed) {
    socket.write(Buffer.from([byte]));
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual([decodeAnswer(await reply).id, decodeAnswer(await reply).rcode], [4242, 3]);
  socket.destroy();
});

test('TCP connection count is capped: connections past 256 are closed at once', async () => {
  // Its own server with a long idle timeout, so only the cap can close a connection here.
  const capped = await startServer({ args: ['--dns-listen', '127.0.0.1:0', '--dns-tcp-idle-ms', '600000'] });
  try {
    const port = Number(capped.ready.dnsPort);
    const sockets: Socket[] = [];
    for (let i = 0; i < 270; i++) sockets.push(await openTcp(port));
    const refused = await Promise.all(
      sockets.map((s) =>
        Promise.race([closed(s).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]),
      ),
    );
    assert.equal(refused.filter(Boolean).length, 270 - 256);
    assert.deepEqual(refused.slice(0, 256).filter(Boolean), [], 'the first 256 stay open');
    for (const s of sockets) s.destroy();
    await Promise.all(sockets.map(closed));
    assert.equal(
      (await dnsQueryTcp(port, `nothing.${vpceZone()}`, RecordType.A)).rcode,
      3,
      'served again once they are gone',
    );
  } finally {
    await capped.stop();
    capped.cleanup();
  }
});

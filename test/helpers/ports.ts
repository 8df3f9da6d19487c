// A port that must be chosen before the server starts. Servers under test bind port 0 and
// report what they got on their ready line; use this only for a flag whose one port is shared
// by listeners on many addresses (--endpoint-port: every interface endpoint listens on it),
// or for a program that cannot bind port 0 (PostgreSQL).
import { createServer } from 'node:net';

export interface ReservedPort {
  port: number;
  /** Frees the port (after the test). */
  release(): Promise<void>;
}

/**
 * A free port, held open on `host` until released. While it is held, the kernel gives it to
 * no other socket (neither a bind to port 0 nor an outgoing connection), so it cannot be taken
 * between choosing it and the server binding it on its own addresses (other loopback
 * addresses than `host`, which the held socket does not block).
 */
export function reservePort(host = '127.0.0.1'): Promise<ReservedPort> {
  return new Promise((resolve, reject) => {
    const holder = createServer();
    holder.once('error', reject);
    holder.listen(0, host, () => {
      const address = holder.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port bound'));
      resolve({
        port: address.port,
        release: () => new Promise<void>((done) => holder.close(() => done())),
      });
    });
    holder.unref();
  });
}

// The echo service: its definition (loaded from echo.proto) and backends that name themselves.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// The .proto is not copied by tsc: resolve it in the source tree from dist/test/xds/e2e.
const here = dirname(fileURLToPath(import.meta.url));
export const ECHO_PROTO = join(here, '..', '..', '..', '..', 'test', 'xds', 'e2e', 'echo.proto');
export const ECHO_SERVICE = 'appmeshd.test.Echo';

const pkg = protoLoader.loadSync(ECHO_PROTO, { keepCase: true, defaults: true });
const loaded = grpc.loadPackageDefinition(pkg) as any;
export const EchoClient = loaded.appmeshd.test.Echo as grpc.ServiceClientConstructor;
const echoService = EchoClient.service;

export interface Backend {
  name: string;
  port: number;
  /** Attempts seen per request id. */
  attempts: Map<string, number>;
  stop(): Promise<void>;
}

/** A backend on 127.0.0.1; with `failFirstAttempt`, the first attempt of every request id gets UNAVAILABLE. */
export async function startBackend(name: string, opts: { failFirstAttempt?: boolean } = {}): Promise<Backend> {
  const server = new grpc.Server();
  const attempts = new Map<string, number>();
  server.addService(echoService, {
    Call(call: grpc.ServerUnaryCall<{ id: string }, unknown>, cb: grpc.sendUnaryData<{ backend: string }>) {
      const n = (attempts.get(call.request.id) ?? 0) + 1;
      attempts.set(call.request.id, n);
      if (opts.failFirstAttempt && n === 1)
        return cb({ code: grpc.status.UNAVAILABLE, details: `${name} is warming up` });
      cb(null, { backend: name });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  return {
    name,
    port,
    attempts,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

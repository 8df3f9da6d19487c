// Structured JSON logs on stderr, one line per event.
//
// Lines are buffered and written together once per event-loop turn (one asynchronous write for every request that
// turn answered, not one per line), flushed synchronously at exit, and never held back at rest: a line logged now
// is on its way before the process next waits for I/O.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Lines kept while stderr is slower than the process; past this, lines are dropped (and counted) rather than held. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function createLogger(level: string): Logger {
  const dest = pino.destination({ fd: 2, sync: false, minLength: 8192, maxLength: MAX_BUFFERED_BYTES });
  let unwritten = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (unwritten > 0) dest.flush();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };
  dest.on('write', (n: number) => {
    unwritten = Math.max(0, unwritten - n);
  });
  // A write in progress makes flush() a no-op: whatever arrived meanwhile goes out when it ends.
  dest.on('drain', () => {
    if (unwritten > 0) schedule();
  });
  dest.on('drop', (line: string) => {
    unwritten = Math.max(0, unwritten - Buffer.byteLength(line));
  });
  process.once('exit', () => {
    try {
      dest.flushSync();
    } catch {
      /* stderr gone */
    }
  });
  const stream = {
    write(line: string): void {
      unwritten += Buffer.byteLength(line);
      dest.write(line);
      schedule();
    },
    flush(cb?: (err?: Error) => void): void {
      if (unwritten > 0) dest.flush(cb);
      else cb?.();
    },
  };
  const log = pino(
    {
      level,
      base: { svc: 'appmeshd' },
      redact: {
        paths: ['secretAccessKey', '*.secretAccessKey', 'authorization', '*.authorization'],
        censor: '[redacted]',
      },
    },
    stream,
  );
  // The per-request line carries only fields the edge picks (ids, names, status, timing), never a secret or a header,
  // so it skips redaction, which would otherwise walk every request's line.
  requestLoggers.set(log, pino({ level, base: { svc: 'appmeshd' } }, stream));
  return log;
}

const requestLoggers = new WeakMap<Logger, Logger>();

/** The logger for one line per request: same stream and level as `log`, without redaction paths. */
export function requestLogger(log: Logger): Logger {
  return requestLoggers.get(log) ?? log;
}

// Structured JSON logs on stderr, one line per event.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { svc: 'appmeshd' },
      redact: { paths: ['secretAccessKey', '*.secretAccessKey', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

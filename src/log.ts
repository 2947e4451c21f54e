import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout, one line per event. Written asynchronously: a synchronous write
 * per line (pino's default) cost about a tenth of the server's CPU per sign-in under load, one
 * system call per request; asynchronous writes coalesce while one is in flight. pino flushes what
 * is pending when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, base: { service: 'tobira' }, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    pino.destination({ dest: 1, sync: false }),
  );
}

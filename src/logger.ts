import { pino } from 'pino';
import { requestLogFields } from './http/request-context.js';

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    // Every line logged while a request is handled carries its id (`reqId`, also sent back as X-Request-Id).
    mixin: requestLogFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        '*.authorization',
        'req.headers.cookie',
        'headers.cookie',
        'token',
        '*.token',
        'password',
        '*.password',
        'variables',
        '*.variables',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type LogDestination = ReturnType<typeof pino.destination>;

/** The process's own log: asynchronous writes to standard output, and a `close` that keeps their order. */
export function createProcessLogger(level: string): { logger: Logger; close(timeoutMs?: number): Promise<void> } {
  const destination = pino.destination({ dest: 1, sync: false });
  return { logger: createLogger(level, destination), close: (timeoutMs = 2_000) => closeDestination(destination, timeoutMs) };
}

/**
 * Ends an asynchronous destination once every line given to it is written, in the order given; resolves
 * after `timeoutMs` at the latest (a reader that stopped reading must not hold the exit).
 * A process must wait for this before `process.exit`: pino's exit hook flushes synchronously, and that
 * writes the lines still queued before the one a worker thread is writing at that instant, so the last
 * lines of a shutdown came out of order, the request answered during the drain after "database closed".
 */
export function closeDestination(destination: LogDestination, timeoutMs: number): Promise<void> {
  if ((destination as { destroyed?: boolean }).destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    destination.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    destination.end();
  });
}

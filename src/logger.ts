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

import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where log lines go. Default: stdout. Tests pass a stream to capture them. */
  destination?: DestinationStream;
}

/**
 * Field paths that are never logged as they are. Secret values are kept out of log calls in
 * the first place; this is the second line of defence.
 */
const REDACT_PATHS = [
  'password',
  'token',
  'apiKey',
  'authorization',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

/** A JSON logger (pino). */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };

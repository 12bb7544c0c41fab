import type { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';

/** How `npm start` writes its logs: `auto` is readable on a terminal and JSON elsewhere. */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Where `npm start`'s logs go, given its standard output: a readable stream (coloured on a
 * terminal) for a person, or undefined for the JSON lines on stdout that every deployed app
 * writes and that log tools read.
 */
export function logDestination(
  format: LogFormat,
  stdout: Writable & { isTTY?: boolean },
): DestinationStream | undefined {
  const terminal = stdout.isTTY === true;
  if (format === 'json' || (format === 'auto' && !terminal)) return undefined;
  return pretty({
    colorize: terminal,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: stdout,
    sync: true,
  });
}

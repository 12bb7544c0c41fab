import { Writable } from 'node:stream';

/** A log destination that keeps what it is given, for tests that read their logs. */
export interface CollectedLogLines {
  /** Give this to the logger as its destination. */
  destination: Writable;
  /** Every line written so far, oldest first. */
  lines: string[];
  /** The lines that are JSON objects (pino writes one a line), parsed, oldest first. */
  records: Record<string, unknown>[];
}

/** Collects log lines, keeping the last `max` of them. */
export function collectLogLines(max = 10_000): CollectedLogLines {
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > max) lines.shift();
        try {
          records.push(JSON.parse(line) as Record<string, unknown>);
          if (records.length > max) records.shift();
        } catch {
          // Not JSON: it stays a line.
        }
      }
      done();
    },
  });
  return { destination, lines, records };
}

import type { Readable, Writable } from 'node:stream';
import type { z } from 'zod';

/** Options for {@link readJsonLines}. */
export interface JsonLinesOptions<T> {
  input: Readable;
  schema: z.ZodType<T>;
  /** A longer line is dropped whole and reported, so that one bad peer cannot exhaust memory. */
  maxLineBytes: number;
  onMessage: (message: T) => void;
  /** A line that is too long, not JSON, or not valid for `schema`. */
  onInvalid: (reason: string) => void;
}

/**
 * Reads newline-delimited JSON from `input`, validating each line with `schema`. Returns a
 * function that stops reading.
 */
export function readJsonLines<T>(options: JsonLinesOptions<T>): () => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;

  const handleLine = (line: string) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      options.onInvalid(`not JSON: ${line.slice(0, 120)}`);
      return;
    }
    const parsed = options.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      options.onInvalid(
        `invalid message at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
      return;
    }
    options.onMessage(parsed.data);
  };

  const onData = (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, newline);
      start = newline + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingBytes = 0;
      if (line.length > options.maxLineBytes) {
        options.onInvalid(
          `line of ${line.length} bytes is over the limit of ${options.maxLineBytes}`,
        );
        continue;
      }
      handleLine(line.toString('utf8'));
    }
    if (start >= chunk.length || skipping) return;
    const rest = chunk.subarray(start);
    pendingBytes += rest.length;
    if (pendingBytes > options.maxLineBytes) {
      options.onInvalid(`line over the limit of ${options.maxLineBytes} bytes; dropped`);
      pending = [];
      pendingBytes = 0;
      skipping = true;
      return;
    }
    pending.push(rest);
  };

  options.input.on('data', onData);
  return () => options.input.off('data', onData);
}

/** Writes one message as a JSON line. Returns false when the stream is closed or full. */
export function writeJsonLine(output: Writable, message: unknown): boolean {
  if (output.destroyed || output.writableEnded) return false;
  return output.write(`${JSON.stringify(message)}\n`);
}

import type { Readable, Writable } from 'node:stream';
import type { z } from 'zod';

/** Options for {@link readJsonLines}. */
export interface JsonLineReaderOptions<T> {
  /** Every line must parse as JSON and satisfy this schema. */
  schema: z.ZodType<T>;
  /** Longer lines are dropped whole, up to and including their newline. */
  maxLineBytes: number;
  onMessage: (message: T) => void;
  /** A line that was too long, not JSON, or not a valid message; it is skipped. */
  onInvalid: (reason: string) => void;
  /**
   * Stops reading when aborted, leaving `input` open for another reader (a line half read is
   * dropped).
   */
  signal?: AbortSignal;
}

const NEWLINE = 0x0a;

/**
 * Reads newline-delimited JSON messages from `input`. Invalid lines are reported and skipped,
 * never thrown, so that a peer cannot crash the reader with bad input. Resolves when `input`
 * ends, closes or fails, or when `signal` aborts.
 */
export function readJsonLines<T>(
  input: Readable,
  options: JsonLineReaderOptions<T>,
): Promise<void> {
  let parts: Buffer[] = [];
  let pending = 0;
  // Set while dropping an over-long line: its rest is discarded up to the next newline, so that
  // memory stays bounded by maxLineBytes however long the line is.
  let skipping = false;

  const finishLine = () => {
    const line = Buffer.concat(parts).toString('utf8').trim();
    parts = [];
    pending = 0;
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      options.onInvalid('not JSON');
      return;
    }
    const result = options.schema.safeParse(json);
    if (result.success) options.onMessage(result.data);
    else options.onInvalid(`not a valid message: ${summarize(result.error)}`);
  };

  const append = (piece: Buffer): boolean => {
    if (skipping) return false;
    pending += piece.length;
    if (pending > options.maxLineBytes) {
      parts = [];
      pending = 0;
      skipping = true;
      options.onInvalid(`line longer than ${options.maxLineBytes} bytes`);
      return false;
    }
    parts.push(piece);
    return true;
  };

  const onData = (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      if (append(chunk.subarray(start, end))) finishLine();
      skipping = false;
      start = end + 1;
    }
    if (start < chunk.length) append(chunk.subarray(start));
  };

  return new Promise((resolve) => {
    const detach = () => {
      input.off('data', onData);
      input.off('end', finish);
      input.off('close', finish);
      input.off('error', finish);
      options.signal?.removeEventListener('abort', stop);
    };
    const finish = () => {
      detach();
      // A last line without its newline still counts: the peer may have exited right after it.
      if (!skipping && pending > 0) finishLine();
      resolve();
    };
    const stop = () => {
      detach();
      resolve();
    };
    if (options.signal?.aborted) return resolve();
    options.signal?.addEventListener('abort', stop, { once: true });
    input.on('data', onData);
    // A 'data' listener does not restart a stream that was paused on purpose (by a reader before
    // this one, say); this reader wants everything.
    input.resume();
    input.once('end', finish);
    input.once('close', finish);
    input.once('error', finish);
  });
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
    .join('; ');
}

/** Options for {@link JsonLineWriter}. */
export interface JsonLineWriterOptions {
  /** How long {@link JsonLineWriter.write} waits for a full stream to drain before giving up. */
  drainTimeoutMs: number;
  /** Called once when the stream fails, e.g. EPIPE after the reader went away. */
  onError: (err: Error) => void;
}

/** Writes one JSON message per line to a stream, honouring its backpressure. */
export class JsonLineWriter<T> {
  private failed = false;

  constructor(
    private readonly output: Writable,
    private readonly options: JsonLineWriterOptions,
  ) {
    output.once('error', (err: Error) => {
      this.failed = true;
      options.onError(err);
    });
  }

  /** False once the stream has failed or ended: writes are then dropped. */
  get writable(): boolean {
    return !this.failed && this.output.writable;
  }

  /**
   * Writes `message`. Resolves at once while the stream takes more, otherwise when it drains
   * or after `drainTimeoutMs`: a reader that stalls for that long is presumed gone, and the
   * writer must not hang its caller forever.
   */
  write(message: T): Promise<void> {
    return this.writeLine(JSON.stringify(message));
  }

  /** Writes a message that the caller serialized already (to measure it, say), as {@link write}. */
  writeLine(json: string): Promise<void> {
    if (!this.writable) return Promise.resolve();
    if (this.output.write(`${json}\n`)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.output.off('drain', done);
        this.output.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, this.options.drainTimeoutMs);
      this.output.once('drain', done);
      this.output.once('close', done);
    });
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  flush(): Promise<void> {
    if (!this.writable) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.drainTimeoutMs);
      this.output.write('', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** One chunk a container wrote, with when. */
interface LogChunk {
  at: Date;
  data: Buffer;
}

/** The `PodLogOptions` the emulator honours. */
export interface LogQuery {
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

/**
 * A container's log: stdout and stderr interleaved as written, bounded like a rotated log file
 * (the oldest chunks go first), with followers for `follow=true`.
 */
export class LogBuffer {
  private readonly chunks: LogChunk[] = [];
  private bytes = 0;
  private readonly followers = new Set<(chunk: LogChunk) => void>();
  private closed = false;
  private readonly closers = new Set<() => void>();

  constructor(private readonly limitBytes: number) {}

  /** Appends what a container wrote. */
  append(data: Buffer): void {
    const chunk = { at: new Date(), data };
    this.chunks.push(chunk);
    this.bytes += data.length;
    while (this.bytes > this.limitBytes && this.chunks.length > 1) {
      this.bytes -= this.chunks.shift()?.data.length ?? 0;
    }
    for (const follower of this.followers) follower(chunk);
  }

  /** No more output will come (the container exited). */
  close(): void {
    this.closed = true;
    for (const closer of this.closers) closer();
    this.closers.clear();
    this.followers.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The log so far, as the query asks. */
  read(query: LogQuery = {}): Buffer {
    const since =
      query.sinceTime !== undefined
        ? Date.parse(query.sinceTime)
        : query.sinceSeconds !== undefined
          ? Date.now() - query.sinceSeconds * 1000
          : -Infinity;
    const chunks = this.chunks.filter((c) => c.at.getTime() >= since);
    let text: Buffer;
    if (query.timestamps) {
      text = Buffer.from(chunks.map((c) => LogBuffer.stamp(c)).join(''));
    } else text = Buffer.concat(chunks.map((c) => c.data));
    if (query.tailLines !== undefined) text = tail(text, query.tailLines);
    if (query.limitBytes !== undefined) text = text.subarray(0, query.limitBytes);
    return text;
  }

  /** Calls `onChunk` with each chunk written from now on, and `onEnd` when the log closes. */
  follow(onChunk: (data: Buffer) => void, onEnd: () => void, timestamps = false): () => void {
    if (this.closed) {
      onEnd();
      return () => undefined;
    }
    const follower = (chunk: LogChunk) =>
      onChunk(timestamps ? Buffer.from(LogBuffer.stamp(chunk)) : chunk.data);
    this.followers.add(follower);
    this.closers.add(onEnd);
    return () => {
      this.followers.delete(follower);
      this.closers.delete(onEnd);
    };
  }

  private static stamp(chunk: LogChunk): string {
    const time = chunk.at.toISOString().replace('Z', '000000Z');
    return chunk.data
      .toString('utf8')
      .split(/(?<=\n)/)
      .map((line) => `${time} ${line}`)
      .join('');
  }
}

function tail(text: Buffer, lines: number): Buffer {
  if (lines <= 0) return Buffer.alloc(0);
  let end = text.length;
  if (end > 0 && text[end - 1] === 0x0a) end -= 1;
  let count = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (text[i] === 0x0a) {
      count += 1;
      if (count === lines) return text.subarray(i + 1);
    }
  }
  return text;
}

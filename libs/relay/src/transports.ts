import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { SSE_CLOSE_EVENT } from '@komputer/contracts';
import type { WebSocket } from 'ws';
import type { RelayedEvent } from './relayed-event';

/**
 * How a connection reaches its client. There are two: a WebSocket and an SSE response.
 */
export interface Transport {
  readonly kind: 'ws' | 'sse';
  /** Queues one event; `done` runs once it is handed to the kernel (or failed). */
  write(event: RelayedEvent, done?: (err?: Error | null) => void): void;
  /** Bytes waiting in user space. */
  readonly bufferedBytes: number;
  /** Holds writes back until {@link uncork}, so that a batch of events leaves in one write. */
  cork(): void;
  uncork(): void;
  /** True while the writer should wait for {@link onDrain}. */
  readonly needsDrain: boolean;
  /** Runs `listener` once the buffer has drained; returns a function that cancels it. */
  onDrain(listener: () => void): () => void;
  /** Keeps the connection alive; false when the peer did not answer the previous one. */
  heartbeat(): boolean;
  /** Ends the connection after what is queued: a close frame, or a last `close` event. */
  end(code: number, reason: string): void;
  /** Drops the connection at once. */
  destroy(): void;
  /** Runs `listener` once, when the connection is gone. */
  onClose(listener: () => void): void;
  /**
   * Sets what runs when the connection fails under the relay: the peer broke the WebSocket
   * protocol (the close frame with `code` is sent already), or the stream errored (`1006`).
   */
  onError(listener: (err: Error & { code?: string }, code: number) => void): void;
}

type ErrorListener = Parameters<Transport['onError']>[0];

function drainOf(stream: NodeJS.EventEmitter, listener: () => void): () => void {
  stream.once('drain', listener);
  return () => stream.off('drain', listener);
}

/** No close frame: the code a connection that broke off gets. */
const ABNORMAL_CLOSURE = 1006;

/**
 * The close code `ws` sent for a frame that broke the protocol (1002, 1007, 1009...): it keeps
 * it on the error under a symbol of its own, which it does not export.
 */
function sentCloseCode(err: Error): number {
  const key = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code');
  const code: unknown = key === undefined ? undefined : Reflect.get(err, key);
  return typeof code === 'number' ? code : ABNORMAL_CLOSURE;
}

/** A WebSocket, with the raw socket underneath it for flow control. */
export class WebSocketTransport implements Transport {
  readonly kind = 'ws';
  private answered = true;
  private failed: ErrorListener | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
  ) {
    ws.on('pong', () => {
      this.answered = true;
    });
    // An 'error' with no listener would end the process. ws emits one at most, after it has sent
    // the close frame for a bad frame itself, or when a write failed.
    ws.on('error', (err) => this.failed?.(err, sentCloseCode(err)));
  }

  write(event: RelayedEvent, done?: (err?: Error | null) => void): void {
    // The same buffer goes to every client, sent as a text frame.
    this.ws.send(event.data, { binary: false }, done);
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  get needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  onDrain(listener: () => void): () => void {
    return drainOf(this.socket, listener);
  }

  heartbeat(): boolean {
    if (!this.answered) return false;
    this.answered = false;
    this.ws.ping();
    return true;
  }

  end(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  destroy(): void {
    this.ws.terminate();
  }

  onClose(listener: () => void): void {
    this.ws.once('close', listener);
  }

  onError(listener: ErrorListener): void {
    this.failed = listener;
  }
}

const SSE_HEARTBEAT = Buffer.from(': keep-alive\n\n');

/** A Server-Sent Events response. */
export class SseTransport implements Transport {
  readonly kind = 'sse';
  private failed: ErrorListener | undefined;

  /**
   * With `ids` false, events go without an `id:` line: a stream of several agents' events has no
   * one id to resume from, and a browser would send the last one back as `Last-Event-ID`.
   */
  constructor(
    private readonly res: ServerResponse,
    private readonly options: { ids: boolean } = { ids: true },
  ) {
    // A write after the end, say, must fail this one stream, not the process.
    res.on('error', (err) => this.failed?.(err, ABNORMAL_CLOSURE));
  }

  write(event: RelayedEvent, done?: (err?: Error | null) => void): void {
    if (!this.options.ids) {
      this.res.write(Buffer.concat([Buffer.from('data: '), event.data, Buffer.from('\n\n')]), done);
      return;
    }
    event.sse ??= Buffer.concat([
      Buffer.from(`id: ${event.id}\ndata: `),
      event.data,
      Buffer.from('\n\n'),
    ]);
    this.res.write(event.sse, done);
  }

  get bufferedBytes(): number {
    return this.res.writableLength;
  }

  cork(): void {
    this.res.cork();
  }

  uncork(): void {
    this.res.uncork();
  }

  get needsDrain(): boolean {
    return this.res.writableNeedDrain;
  }

  onDrain(listener: () => void): () => void {
    return drainOf(this.res, listener);
  }

  heartbeat(): boolean {
    this.res.write(SSE_HEARTBEAT);
    return true;
  }

  end(_code: number, reason: string): void {
    this.res.end(`event: ${SSE_CLOSE_EVENT}\ndata: ${reason}\n\n`);
  }

  destroy(): void {
    this.res.destroy();
  }

  onClose(listener: () => void): void {
    this.res.once('close', listener);
  }

  onError(listener: ErrorListener): void {
    this.failed = listener;
  }
}

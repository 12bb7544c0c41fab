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
}

function drainOf(stream: NodeJS.EventEmitter, listener: () => void): () => void {
  stream.once('drain', listener);
  return () => stream.off('drain', listener);
}

/** A WebSocket, with the raw socket underneath it for flow control. */
export class WebSocketTransport implements Transport {
  readonly kind = 'ws';
  private answered = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
  ) {
    ws.on('pong', () => {
      this.answered = true;
    });
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
}

const SSE_HEARTBEAT = Buffer.from(': keep-alive\n\n');

/** A Server-Sent Events response. */
export class SseTransport implements Transport {
  readonly kind = 'sse';

  constructor(private readonly res: ServerResponse) {}

  write(event: RelayedEvent, done?: (err?: Error | null) => void): void {
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
}

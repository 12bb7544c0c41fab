import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import type { CloseReason } from '@komputer/contracts';
import { AppError, isRedisUnavailableError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { encodeCloseReason } from './close-reason';
import type { RelayedEvent } from './relayed-event';
import type { Transport } from './transports';

/** Options for {@link Connection}. */
export interface ConnectionOptions {
  transport: Transport;
  logger: Logger;
  /** User-space bytes a live client may fall behind by before it is cut off. */
  maxBufferedBytes: number;
  /** How long a closing connection may take to flush before it is destroyed. */
  closeGraceMs: number;
  /** How long a paced reader waits for the client to take its data before cutting it off. */
  stallTimeoutMs: number;
  /** Put the last sent id in a close reason (single-agent connections), to resume from. */
  reportLastId: boolean;
  /** Told of every close the relay makes, by code. */
  onClose?: (code: number) => void;
}

/** The WebSocket close code for an error, 4000 + its HTTP status; 1011 for anything else. */
export function closeCodeFor(err: AppError): number {
  return err.status >= 400 && err.status < 500
    ? 4000 + err.status
    : err.status === 503
      ? RELAY_CLOSE_CODES.UNAVAILABLE
      : RELAY_CLOSE_CODES.INTERNAL;
}

/**
 * One client: its transport, its send buffer's bound and its closing. Feeds write events
 * through it; it never lets the buffer grow past the bound.
 */
export class Connection {
  /** The id of the last event sent (for the resume hint in a close reason). */
  lastId: string | undefined;
  private closing = false;
  private gone = false;
  /** During {@link batch}: the bytes that were pending when it began. */
  private pendingBefore: number | undefined;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly options: ConnectionOptions) {
    options.transport.onClose(() => {
      this.closing = true;
      this.gone = true;
      for (const cleanup of this.cleanups.splice(0)) cleanup();
    });
    options.transport.onError((err, code) => this.transportFailed(err, code));
  }

  /** The connection's transport. */
  get transport(): Transport {
    return this.options.transport;
  }

  /** True once the connection is closing or gone: feeds stop. */
  get closed(): boolean {
    return this.closing;
  }

  /** Runs `cleanup` once the connection is gone (at once if it is); returns a function that cancels it. */
  onGone(cleanup: () => void): () => void {
    if (this.gone) {
      cleanup();
      return () => undefined;
    }
    this.cleanups.push(cleanup);
    return () => {
      const at = this.cleanups.indexOf(cleanup);
      if (at >= 0) this.cleanups.splice(at, 1);
    };
  }

  /**
   * Runs `send` calls in one write: the socket is corked meanwhile, which saves a system call
   * per event when events come in bursts. The bound then applies to what was pending before the
   * batch, so a connection holds at most its bound plus one batch (one read's worth of events).
   */
  batch(sends: () => void): void {
    if (this.closing) return;
    const { transport } = this.options;
    this.pendingBefore = transport.bufferedBytes;
    transport.cork();
    try {
      sends();
    } finally {
      this.pendingBefore = undefined;
      transport.uncork();
    }
  }

  /**
   * Sends one event, or cuts the client off when it would overfill its buffer. An event always
   * fits into an empty buffer, so that one large event cannot shut every client out.
   */
  send(event: RelayedEvent, done?: (err?: Error | null) => void): void {
    if (this.closing) return;
    const { transport, maxBufferedBytes } = this.options;
    const buffered = this.pendingBefore ?? transport.bufferedBytes;
    if (buffered > 0 && buffered + event.data.length > maxBufferedBytes) {
      this.close(RELAY_CLOSE_CODES.SLOW_CONSUMER, {
        code: 'SLOW_CONSUMER',
        message: `more than ${maxBufferedBytes} bytes waited to be sent`,
      });
      return;
    }
    transport.write(event, done);
    this.lastId = event.id;
  }

  /**
   * Resolves once the client has taken what was sent, so that a reader can send the next page:
   * true to go on, false when the connection closed. A client that takes nothing for
   * `stallTimeoutMs` is cut off.
   */
  room(): Promise<boolean> {
    const { transport, stallTimeoutMs } = this.options;
    if (this.closing) return Promise.resolve(false);
    if (!transport.needsDrain) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        cancelDrain();
        cancelGone();
        resolve(ok && !this.closing);
      };
      const cancelDrain = transport.onDrain(() => done(true));
      const timer = setTimeout(() => {
        this.close(RELAY_CLOSE_CODES.SLOW_CONSUMER, {
          code: 'SLOW_CONSUMER',
          message: `took no data for ${stallTimeoutMs} ms`,
        });
        done(false);
      }, stallTimeoutMs);
      const cancelGone = this.onGone(() => done(false));
    });
  }

  /**
   * Keeps the connection alive; drops a WebSocket peer that stopped answering pings, and cuts
   * off a client whose buffer grew past the bound with nothing but heartbeats.
   */
  heartbeat(): void {
    if (this.closing) return;
    const { transport, maxBufferedBytes, logger, onClose } = this.options;
    if (transport.bufferedBytes > maxBufferedBytes) {
      this.close(RELAY_CLOSE_CODES.SLOW_CONSUMER, {
        code: 'SLOW_CONSUMER',
        message: `more than ${maxBufferedBytes} bytes waited to be sent`,
      });
    } else if (!transport.heartbeat()) {
      logger.info('relay client stopped answering pings; dropping it');
      this.closing = true;
      // No close frame can reach a peer that does not answer: counted as an abnormal close.
      onClose?.(1006);
      transport.destroy();
    }
  }

  /**
   * Closes after what is queued, with a code and a JSON reason (plus the last sent id, where
   * it helps to resume); destroyed if the peer has not finished after the grace period.
   * Idempotent.
   */
  close(code: number, reason: CloseReason): void {
    if (this.closing) return;
    this.closing = true;
    const { transport, reportLastId, logger, onClose } = this.options;
    onClose?.(code);
    const withId =
      reportLastId && this.lastId !== undefined ? { ...reason, lastId: this.lastId } : reason;
    if (code !== RELAY_CLOSE_CODES.GOING_AWAY) logger.info({ code, reason: withId }, 'relay close');
    transport.end(code, encodeCloseReason(withId));
    this.destroyAfterGrace();
  }

  /**
   * The transport failed under the relay: the client broke the WebSocket protocol (`ws` has sent
   * the close frame with `code` already) or the stream broke. It concerns this one client, so it
   * is counted as a close with that code and logged once, at info.
   */
  private transportFailed(err: Error & { code?: string }, code: number): void {
    if (this.closing) return;
    this.closing = true;
    const { logger, onClose } = this.options;
    onClose?.(code);
    logger.info({ code, cause: { code: err.code, message: err.message } }, 'relay client failed');
    this.destroyAfterGrace();
  }

  /** Drops the connection if the peer has not finished closing after the grace period. */
  private destroyAfterGrace(): void {
    const { transport, closeGraceMs } = this.options;
    const timer = setTimeout(() => transport.destroy(), closeGraceMs);
    timer.unref();
    this.onGone(() => clearTimeout(timer));
  }

  /** Closes with the code that fits `err`; an unexpected error is logged once. */
  fail(err: unknown): void {
    if (this.closing) return;
    const known =
      err instanceof AppError
        ? err
        : isRedisUnavailableError(err)
          ? new AppError('REDIS_UNAVAILABLE', 503, 'Redis is unavailable; retry shortly')
          : undefined;
    if (!known) this.options.logger.error({ err }, 'relay connection failed');
    const error = known ?? new AppError('INTERNAL', 500, 'internal error');
    this.close(closeCodeFor(error), { code: error.code, message: error.message });
  }
}

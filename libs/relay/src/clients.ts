import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import type { CloseReason } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { Connection } from './connection';
import type { RelaySettings } from './relay-config';
import type { Transport } from './transports';

/** Options for {@link Clients}. */
export interface ClientsOptions {
  settings: Pick<
    RelaySettings,
    | 'KOMPUTER_RELAY_MAX_CONNECTIONS'
    | 'KOMPUTER_RELAY_SEND_BUFFER_BYTES'
    | 'KOMPUTER_RELAY_CLOSE_GRACE_MS'
    | 'KOMPUTER_RELAY_PING_INTERVAL_MS'
    | 'KOMPUTER_RELAY_SSE_HEARTBEAT_MS'
  >;
  logger: Logger;
}

/**
 * The relay's client connections: their bound, their keep-alive (WebSocket pings, SSE comment
 * lines), the count of closes by code, and closing them all.
 */
export class Clients {
  private readonly open = new Set<Connection>();
  private readonly closedWith: Record<number, number> = {};
  private readonly timers: NodeJS.Timeout[];

  constructor(private readonly options: ClientsOptions) {
    const { settings } = options;
    const each = (kind: Transport['kind']) => () => {
      for (const connection of this.open) {
        if (connection.transport.kind === kind) connection.heartbeat();
      }
    };
    this.timers = [
      setInterval(each('ws'), settings.KOMPUTER_RELAY_PING_INTERVAL_MS),
      setInterval(each('sse'), settings.KOMPUTER_RELAY_SSE_HEARTBEAT_MS),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Open connections. */
  get size(): number {
    return this.open.size;
  }

  /** Connections closed by the relay, counted by close code. */
  closes(): Record<number, number> {
    return { ...this.closedWith };
  }

  /** Throws `503 TOO_MANY_CONNECTIONS` when the relay holds as many as it may. */
  admit(): void {
    const max = this.options.settings.KOMPUTER_RELAY_MAX_CONNECTIONS;
    if (this.open.size >= max) {
      throw new AppError(
        'TOO_MANY_CONNECTIONS',
        503,
        `this relay holds ${max} connections already; retry shortly`,
        { retryable: true },
      );
    }
  }

  /**
   * A connection over `transport`. An accepted one is kept until it is gone; one that is not
   * is only there to be closed with its error.
   */
  connect(transport: Transport, options: { accepted: boolean; reportLastId: boolean }): Connection {
    const { settings, logger } = this.options;
    const connection = new Connection({
      transport,
      logger,
      maxBufferedBytes: settings.KOMPUTER_RELAY_SEND_BUFFER_BYTES,
      closeGraceMs: settings.KOMPUTER_RELAY_CLOSE_GRACE_MS,
      stallTimeoutMs: 2 * settings.KOMPUTER_RELAY_PING_INTERVAL_MS,
      reportLastId: options.reportLastId,
      onClose: (code) => {
        this.closedWith[code] = (this.closedWith[code] ?? 0) + 1;
      },
    });
    if (options.accepted) {
      this.open.add(connection);
      connection.onGone(() => this.open.delete(connection));
    }
    return connection;
  }

  /** Stops the keep-alive, closes every connection (1001) and waits until they are gone. */
  async close(reason: CloseReason): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    const gone = [...this.open].map((c) => new Promise<void>((resolve) => c.onGone(resolve)));
    for (const connection of this.open) connection.close(RELAY_CLOSE_CODES.GOING_AWAY, reason);
    await Promise.all(gone);
  }
}

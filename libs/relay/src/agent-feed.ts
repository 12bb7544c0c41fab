import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import { isRedisUnavailableError } from '@komputer/service-kit';
import type { Connection } from './connection';
import { retryDelay } from './retry';
import { toRelayedEvent } from './relayed-event';
import type { RelayedEvent } from './relayed-event';
import { compareIds } from './stream-ids';
import type { StreamReads } from './stream-reads';
import type { Tail, TailListener } from './tail-reader';

/** Options for {@link AgentFeed}. */
export interface AgentFeedOptions {
  connection: Connection;
  tail: Tail;
  reads: StreamReads;
  /** Send the events after this id (the stream's last id, for live only). */
  after: string;
  /** Send `text_delta` events too. */
  deltas: boolean;
  /** Entries per catch-up page. */
  pageSize: number;
}

/**
 * One agent's events for one connection: first the backlog after the cursor, read page by
 * page only as fast as the client takes it; then live, from the shared tail.
 *
 * The seam: the feed goes live only when a page came back short (it reached the end) and its
 * cursor is at or past the tail's, in the same turn of the event loop. Everything after the
 * tail's cursor still reaches the feed through the tail, and whatever the tail hands over at
 * or before the feed's own cursor is skipped: no gap and no duplicate.
 */
export class AgentFeed implements TailListener {
  private cursor: string;
  private live = false;

  constructor(private readonly options: AgentFeedOptions) {
    this.cursor = options.after;
  }

  /** Starts the feed; it stops by itself when the connection closes. */
  start(): void {
    const { connection, tail } = this.options;
    tail.add(this);
    connection.onGone(() => tail.remove(this));
    void this.catchUp();
  }

  onEvents(events: readonly RelayedEvent[]): void {
    if (!this.live) return;
    this.options.connection.batch(() => {
      for (const event of events) {
        if (compareIds(event.id, this.cursor) > 0) this.deliver(event);
      }
    });
  }

  onGap(): void {
    const { connection, tail } = this.options;
    tail.remove(this);
    connection.close(RELAY_CLOSE_CODES.CURSOR_EXPIRED, {
      code: 'CURSOR_EXPIRED',
      message: 'the relay fell behind the stream and events were trimmed; resume with after',
    });
  }

  private deliver(event: RelayedEvent): void {
    this.cursor = event.id;
    if (event.type === 'text_delta' && !this.options.deltas) return;
    this.options.connection.send(event);
  }

  private async catchUp(): Promise<void> {
    const { connection, tail, reads, pageSize } = this.options;
    for (let attempt = 0; !connection.closed;) {
      try {
        const page = await reads.readAfter(tail.key, this.cursor, pageSize);
        attempt = 0;
        if (connection.closed) return;
        connection.batch(() => {
          for (const entry of page.entries) {
            this.deliver(toRelayedEvent(tail.namespace, tail.agentName, entry));
          }
        });
        if (page.complete) {
          tail.start(this.cursor);
          if (compareIds(this.cursor, tail.lastId as string) >= 0) {
            this.live = true;
            return;
          }
        }
        if (!(await connection.room())) return;
      } catch (err) {
        if (!isRedisUnavailableError(err)) {
          connection.fail(err);
          return;
        }
        // Redis is down: keep the client and try again, a little later each time.
        await retryDelay(attempt++);
      }
    }
  }
}

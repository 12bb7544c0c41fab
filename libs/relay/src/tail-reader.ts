import { closeRedis, isRedisUnavailableError, waitForRedis } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { StreamEntry } from '@komputer/store';
import type { Redis } from 'ioredis';
import { toRelayedEvent } from './relayed-event';
import type { RelayedEvent } from './relayed-event';
import type { StreamReads } from './stream-reads';

/** Something that follows a tail: connections' feeds and consumer groups. */
export interface TailListener {
  /** New events, in order, each past every event given before. */
  onEvents(events: readonly RelayedEvent[]): void;
  /** Events may have been trimmed before the tail read them: it cannot vouch for the order any more. */
  onGap(): void;
}

/** Options for {@link TailReader}. */
export interface TailReaderOptions {
  /** A connection of its own: it spends its time in XREAD BLOCK. */
  blocking: Redis;
  /** For the wake-up stream and the trim checks. */
  command: Redis;
  reads: StreamReads;
  /** This reader's wake-up stream (unique to the process). */
  wakeKey: string;
  /** Entries read per stream per call. */
  count: number;
  logger: Logger;
}

/** How long one XREAD blocks; the loop then looks at its streams again. */
export const TAIL_BLOCK_MS = 5_000;
/** How long the wake-up stream lives without a wake-up; a crashed relay's key goes away. */
const WAKE_TTL_MS = 10 * 60_000;
/** How long the loop waits for Redis to come back before trying again. */
const RECONNECT_WAIT_MS = 1_000;

/**
 * One agent's stream, read live on behalf of every local listener. `lastId` is the id of the
 * last entry handed to the listeners: every entry after it will be, in order.
 */
export class Tail {
  /** Undefined until started: then the tail reads after it. */
  lastId: string | undefined;
  readonly listeners = new Set<TailListener>();

  constructor(
    readonly key: string,
    readonly namespace: string,
    readonly agentName: string,
    private readonly reader: TailReader,
  ) {}

  /** Starts reading after `fromId`, unless already reading. */
  start(fromId: string): void {
    if (this.lastId !== undefined) return;
    this.lastId = fromId;
    this.reader.wake();
  }

  /** Adds a listener. */
  add(listener: TailListener): void {
    this.listeners.add(listener);
  }

  /** Removes a listener; the last one out stops the tail. */
  remove(listener: TailListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.reader.drop(this);
  }
}

/**
 * Reads every followed stream with one blocking connection: one XREAD BLOCK over all of them,
 * so that a relay holds two Redis connections however many streams and clients it serves.
 *
 * When the set of streams changes, the loop must stop blocking and read the new set. A
 * `CLIENT UNBLOCK` can arrive before the XREAD it means to interrupt, so instead the XREAD
 * also reads a wake-up stream of this process at `0-<generation>`: a change appends
 * `0-<generation + 1>` there, and an XREAD that started before the change returns at once,
 * whichever reaches Redis first.
 */
export class TailReader {
  private readonly tails = new Map<string, Tail>();
  private generation = 0;
  private closed = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: TailReaderOptions) {}

  /** The tail of a stream, created (not started) when new. */
  tail(key: string, namespace: string, agentName: string): Tail {
    let tail = this.tails.get(key);
    if (!tail) {
      tail = new Tail(key, namespace, agentName, this);
      this.tails.set(key, tail);
    }
    this.loop ??= this.run();
    return tail;
  }

  /** Number of streams followed. */
  get size(): number {
    return this.tails.size;
  }

  /** Stops following a tail (called when its last listener leaves). */
  drop(tail: Tail): void {
    if (this.tails.get(tail.key) !== tail) return;
    this.tails.delete(tail.key);
    if (tail.lastId !== undefined) this.wake();
  }

  /** Makes the loop read the current set of streams now. */
  wake(): void {
    if (this.closed) return;
    this.generation += 1;
    const { command, wakeKey, logger } = this.options;
    command
      .multi()
      .xadd(wakeKey, 'MAXLEN', '1', `0-${this.generation}`, 'w', '1')
      .pexpire(wakeKey, WAKE_TTL_MS)
      .exec()
      .catch((err: unknown) => {
        // Redis is down: the loop is not blocked either, and reads the new set when it is back.
        logger.debug({ err }, 'relay wake-up not written');
      });
  }

  /** Stops the loop and removes the wake-up stream. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.loop;
    this.closed = true;
    this.tails.clear();
    // The loop is blocked in XREAD: QUIT would wait behind it.
    await closeRedis(this.options.blocking, { quit: false });
    await this.loop;
    await this.options.command.del(this.options.wakeKey).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { blocking, wakeKey, count, logger } = this.options;
    while (!this.closed) {
      const reading = [...this.tails.values()].filter((t) => t.lastId !== undefined);
      const from = new Map(reading.map((t) => [t, t.lastId as string]));
      const generation = this.generation;
      let reply: [string, StreamEntry[]][] | null;
      try {
        reply = (await blocking.xread(
          'COUNT',
          count,
          'BLOCK',
          TAIL_BLOCK_MS,
          'STREAMS',
          ...reading.map((t) => t.key),
          wakeKey,
          ...reading.map((t) => from.get(t) as string),
          `0-${generation}`,
        )) as [string, StreamEntry[]][] | null;
      } catch (err) {
        if (this.closed) return;
        if (!isRedisUnavailableError(err)) logger.error({ err }, 'relay tail read failed');
        await waitForRedis(blocking, RECONNECT_WAIT_MS);
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        const tail = this.tails.get(key);
        // A tail dropped, or dropped and started again, while the read was out: read it anew.
        const after = tail && from.get(tail);
        if (!tail || after === undefined || tail.lastId !== after || entries.length === 0) continue;
        if (entries.length >= count) {
          const gap = await this.trimmedPast(tail, after);
          // Unknown, or the tail changed meanwhile: read again on the next round.
          if (gap === undefined || this.tails.get(key) !== tail || tail.lastId !== after) continue;
          if (gap) {
            logger.warn({ stream: key, after }, 'relay tail fell behind trimming');
            for (const listener of [...tail.listeners]) listener.onGap();
          }
        }
        const events = entries.map((entry) =>
          toRelayedEvent(tail.namespace, tail.agentName, entry),
        );
        tail.lastId = events[events.length - 1]?.id;
        for (const listener of tail.listeners) listener.onEvents(events);
      }
    }
  }

  /**
   * A full read means the tail was behind: was the stream trimmed past where it was? A read that
   * is not full cannot hide a gap, as long as the relay reads no more entries per call than a
   * stream keeps. Undefined when Redis did not say.
   */
  private async trimmedPast(tail: Tail, after: string): Promise<boolean | undefined> {
    try {
      return await this.options.reads.trimmedPast(tail.key, after);
    } catch {
      return undefined;
    }
  }
}

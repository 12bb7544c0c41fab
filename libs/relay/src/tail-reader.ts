import { closeRedis, isRedisUnavailableError, waitForRedis } from '@komputer/service-kit';
import type { Logger, RedisClient } from '@komputer/service-kit';
import type { StreamEntry } from '@komputer/store';
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
  /**
   * Opens a connection of its own for one shard of the streams: it spends its time in XREAD
   * BLOCK.
   */
  connect: () => RedisClient;
  /** For the wake-up streams and the trim checks. */
  command: RedisClient;
  reads: StreamReads;
  /**
   * The prefix of this reader's wake-up streams (unique to the process), for a shard of the
   * streams of `namespace`: on a Redis Cluster, in the slot of that namespace's keys.
   */
  wakeKey: (namespace: string) => string;
  /**
   * Whether each shard reads the streams of one namespace only: on a Redis Cluster, where one
   * XREAD reads the keys of one slot.
   */
  shardByNamespace: boolean;
  /** Entries read per stream per call. */
  count: number;
  /** Most streams one XREAD reads; past this, streams go to another shard. */
  streamsPerRead: number;
  /** Told, for each event read, how long ago it was appended, in seconds. */
  onLag?: (seconds: number) => void;
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
    private readonly shard: TailShard,
  ) {}

  /** Starts reading after `fromId`, unless already reading. */
  start(fromId: string): void {
    if (this.lastId !== undefined) return;
    this.lastId = fromId;
    this.shard.wake();
  }

  /** Adds a listener. */
  add(listener: TailListener): void {
    this.listeners.add(listener);
  }

  /** Removes a listener; the last one out stops the tail. */
  remove(listener: TailListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.shard.drop(this);
  }
}

/**
 * Reads every followed stream live. The streams are split into shards of at most
 * `streamsPerRead`, each read by one XREAD BLOCK on a connection of its own: an event costs a
 * new XREAD over its shard's streams only, so the cost of an event does not grow with the number
 * of streams that the relay follows, and a relay holds one blocking connection per shard.
 */
export class TailReader {
  private readonly shards = new Set<TailShard>();
  private readonly shardOf = new Map<string, TailShard>();
  private shardsMade = 0;
  private closed = false;

  constructor(private readonly options: TailReaderOptions) {}

  /** The tail of a stream, created (not started) when new. */
  tail(key: string, namespace: string, agentName: string): Tail {
    const existing = this.shardOf.get(key)?.tails.get(key);
    if (existing) return existing;
    const { streamsPerRead, shardByNamespace } = this.options;
    let shard = [...this.shards].find(
      (s) => s.tails.size < streamsPerRead && (!shardByNamespace || s.namespace === namespace),
    );
    if (!shard) {
      const made: TailShard = new TailShard(
        this.options,
        namespace,
        `${this.options.wakeKey(namespace)}:${this.shardsMade++}`,
        (dropped, empty) => {
          if (this.shardOf.get(dropped) === made) this.shardOf.delete(dropped);
          if (empty) this.shards.delete(made);
        },
      );
      shard = made;
      this.shards.add(shard);
    }
    const tail = new Tail(key, namespace, agentName, shard);
    shard.add(tail);
    this.shardOf.set(key, shard);
    return tail;
  }

  /** Number of streams followed. */
  get size(): number {
    return this.shardOf.size;
  }

  /** Number of shards, each with a blocking connection. */
  get shardCount(): number {
    return this.shards.size;
  }

  /** Stops every shard and removes their wake-up streams. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.shards].map((shard) => shard.close()));
    this.shards.clear();
    this.shardOf.clear();
  }
}

/**
 * Some of the followed streams, read with one blocking connection: one XREAD BLOCK over all of
 * them.
 *
 * When the set of streams changes, the loop must stop blocking and read the new set. A
 * `CLIENT UNBLOCK` can arrive before the XREAD it means to interrupt, so instead the XREAD
 * also reads a wake-up stream of this shard at `0-<generation>`: a change appends
 * `0-<generation + 1>` there, and an XREAD that started before the change returns at once,
 * whichever reaches Redis first.
 */
class TailShard {
  readonly tails = new Map<string, Tail>();
  private readonly blocking: RedisClient;
  private generation = 0;
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly options: TailReaderOptions,
    /** The namespace of its first stream; of all of them when sharded by namespace. */
    readonly namespace: string,
    private readonly wakeKey: string,
    /** Told when the shard stops following a stream, and whether it is now empty. */
    private readonly released: (key: string, empty: boolean) => void,
  ) {
    this.blocking = options.connect();
    this.loop = this.run();
  }

  add(tail: Tail): void {
    this.tails.set(tail.key, tail);
  }

  /** Stops following a tail (called when its last listener leaves); an empty shard closes. */
  drop(tail: Tail): void {
    if (this.tails.get(tail.key) !== tail) return;
    this.tails.delete(tail.key);
    const empty = this.tails.size === 0;
    this.released(tail.key, empty);
    // An empty shard gives its connection back; a new stream gets a new shard.
    if (empty) void this.close();
    else if (tail.lastId !== undefined) this.wake();
  }

  /** Makes the loop read the current set of streams now. */
  wake(): void {
    if (this.closed) return;
    this.generation += 1;
    const { command, logger } = this.options;
    command
      .multi()
      .xadd(this.wakeKey, 'MAXLEN', '1', `0-${this.generation}`, 'w', '1')
      .pexpire(this.wakeKey, WAKE_TTL_MS)
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
    await closeRedis(this.blocking, { quit: false });
    await this.loop;
    await this.options.command.del(this.wakeKey).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { count, logger } = this.options;
    const { blocking, wakeKey } = this;
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
        this.observeLag(events);
        for (const listener of tail.listeners) listener.onEvents(events);
      }
    }
  }

  /** An event's lag: now, less the time in its stream id (`<ms>-<seq>`). */
  private observeLag(events: readonly RelayedEvent[]): void {
    const { onLag } = this.options;
    if (!onLag) return;
    const now = Date.now();
    for (const event of events) {
      onLag(Math.max(0, now - Number(event.id.slice(0, event.id.indexOf('-')))) / 1000);
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

import type { AgentEvent, NewAgentEvent } from '@komputer/contracts';
import type { RedisClient } from '@komputer/service-kit';
import type { Keys } from './keys';
import { fromPairs } from './redis-hash';

/** Which page of a stream to read. */
export type EventPage =
  { limit: number; after: string } | { limit: number; before: string } | { limit: number };

/**
 * Which page of a stream to read by the events' timestamps, in whole milliseconds since the
 * epoch: from `from` on (inclusive), or just before `before` (exclusive).
 */
export type EventTimePage = { limit: number; from: number } | { limit: number; before: number };

/**
 * How far an event's timestamp (the clock of whoever reported it) may stray from its stream id
 * (Redis's clock). The id bounds where a timestamp page is looked for; the timestamps decide.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Options for {@link EventStore}. */
export interface EventStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /** Approximate cap on each stream (XADD MAXLEN ~). */
  maxLen: number;
}

/** Entries per read of {@link EventStore.scan}. */
const SCAN_PAGE = 500;

const MAX_STREAM_ID = '18446744073709551615-18446744073709551615';
const MIN_STREAM_ID = '0-0';

/** One entry of an event stream as Redis returns it: its id and its field-value pairs. */
export type StreamEntry = [id: string, fields: string[]];

/** Decodes one stream entry into the event envelope that clients see. */
export function decodeEvent(
  namespace: string,
  agentName: string,
  [id, fields]: StreamEntry,
): AgentEvent {
  const field = fromPairs(fields);
  let payload: unknown = {};
  try {
    payload = JSON.parse(field['payload'] ?? '{}');
  } catch {
    // A damaged entry still shows up, with an empty payload, rather than hiding the whole page.
  }
  return {
    id,
    agentName,
    namespace,
    taskId: field['taskId'] ?? '',
    type: field['type'],
    timestamp: field['ts'] ?? new Date(Number(id.split('-')[0])).toISOString(),
    payload,
  } as AgentEvent;
}

/** Agents' event streams: appends and paged reads. */
export class EventStore {
  private readonly redis: RedisClient;
  private readonly keys: Keys;
  private readonly maxLen: number;

  constructor(options: EventStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.maxLen = options.maxLen;
  }

  /** Appends one event; returns its id. */
  async append(namespace: string, agentName: string, event: NewAgentEvent): Promise<string> {
    const id = await this.redis.xadd(
      this.keys.events(namespace, agentName),
      'MAXLEN',
      '~',
      this.maxLen,
      '*',
      'type',
      event.type,
      'taskId',
      event.taskId,
      'ts',
      event.timestamp,
      'payload',
      JSON.stringify(event.payload),
    );
    return id as string;
  }

  /**
   * Reads a page of events, oldest first. `text_delta` events are left out unless `deltas` is
   * set; the page still holds up to `limit` events, read on past the deltas it skips.
   */
  async read(
    namespace: string,
    agentName: string,
    page: EventPage,
    options: { deltas?: boolean; keep?: (event: AgentEvent) => boolean } = {},
  ): Promise<AgentEvent[]> {
    const forward = 'after' in page;
    const events: AgentEvent[] = [];
    let cursor = page;
    for (;;) {
      const entries = await this.readEntries(this.keys.events(namespace, agentName), cursor);
      const kept = entries
        .map((entry) => decodeEvent(namespace, agentName, entry))
        .filter((event) => options.deltas || event.type !== 'text_delta')
        .filter((event) => options.keep?.(event) ?? true);
      if (forward) events.push(...kept);
      else events.unshift(...kept);
      const [first, last] = [entries[0], entries.at(-1)];
      if (entries.length < page.limit || events.length >= page.limit || !first || !last) break;
      cursor = forward
        ? { limit: page.limit, after: last[0] }
        : { limit: page.limit, before: first[0] };
    }
    return forward ? events.slice(0, page.limit) : events.slice(-page.limit);
  }

  /**
   * Reads a page of events by their timestamps, oldest first, in stream order. The stream is
   * read from {@link CLOCK_SKEW_MS} on the far side of the bound, so that an event whose
   * reporter's clock was off still lands on the right side of it; the read is bounded by the
   * stream's length.
   */
  readByTime(
    namespace: string,
    agentName: string,
    page: EventTimePage,
    options: { deltas?: boolean } = {},
  ): Promise<AgentEvent[]> {
    const at = (event: AgentEvent) => Date.parse(event.timestamp);
    if ('from' in page) {
      const start = Math.max(0, page.from - CLOCK_SKEW_MS - 1);
      return this.read(
        namespace,
        agentName,
        { limit: page.limit, after: `${start}-0` },
        { ...options, keep: (event) => at(event) >= page.from },
      );
    }
    return this.read(
      namespace,
      agentName,
      { limit: page.limit, before: `${page.before + CLOCK_SKEW_MS}-0` },
      { ...options, keep: (event) => at(event) < page.before },
    );
  }

  /**
   * The whole stream, oldest first, one page of at most `pageSize` entries at a time: for a
   * reader that folds every event (a cost breakdown) without holding the stream in memory. The
   * stream is capped, so the reads are too. `text_delta` events are left out before their
   * payload is parsed.
   */
  async *scan(
    namespace: string,
    agentName: string,
    pageSize = SCAN_PAGE,
  ): AsyncGenerator<AgentEvent[], void> {
    const key = this.keys.events(namespace, agentName);
    let after = MIN_STREAM_ID;
    for (;;) {
      const entries = await this.readEntries(key, { limit: pageSize, after });
      yield entries
        .filter(([, fields]) => fromPairs(fields)['type'] !== 'text_delta')
        .map((entry) => decodeEvent(namespace, agentName, entry));
      const last = entries.at(-1);
      if (entries.length < pageSize || !last) return;
      after = last[0];
    }
  }

  /** One page of raw entries, oldest first. */
  private async readEntries(key: string, page: EventPage): Promise<StreamEntry[]> {
    // Redis rejects an exclusive range that starts past the largest id or ends before the smallest.
    if (
      ('after' in page && page.after === MAX_STREAM_ID) ||
      ('before' in page && page.before === MIN_STREAM_ID)
    ) {
      return [];
    }
    if ('after' in page) {
      return (await this.redis.xrange(
        key,
        `(${page.after}`,
        '+',
        'COUNT',
        page.limit,
      )) as StreamEntry[];
    }
    const end = 'before' in page ? `(${page.before}` : '+';
    return (
      (await this.redis.xrevrange(key, end, '-', 'COUNT', page.limit)) as StreamEntry[]
    ).reverse();
  }
}

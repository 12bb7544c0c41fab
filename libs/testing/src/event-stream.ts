import type { Redis } from 'ioredis';

/** One entry of an agent's event stream, as read from Redis. */
export interface StreamEvent {
  id: string;
  type: string;
  taskId: string;
  payload: unknown;
  /** `performance.now()` when the read that returned it came back. */
  receivedAt: number;
}

/** Options for {@link followEvents}. */
export interface FollowEventsOptions {
  /** Read after this id (exclusive). Default `0-0`: from the start. */
  after?: string;
  /** Stop, and include it, at the first event for which this is true. */
  until: (event: StreamEvent) => boolean;
  /** Default 15 s. */
  timeoutMs?: number;
  /** Added to the timeout error, to explain it (a log tail, say). */
  explain?: () => string;
}

/**
 * Follows a stream with blocking reads (no polling) until `until` holds, and returns every event
 * read on the way. Rejects after the timeout, naming what it saw.
 */
export async function followEvents(
  redis: Redis,
  key: string,
  options: FollowEventsOptions,
): Promise<StreamEvent[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const seen: StreamEvent[] = [];
  let cursor = options.after ?? '0-0';
  for (;;) {
    const wait = deadline - Date.now();
    if (wait <= 0) {
      const types = seen.map((e) => e.type).join(', ') || 'nothing';
      throw new Error(`no awaited event on ${key}; saw ${types}\n${options.explain?.() ?? ''}`);
    }
    const reply = await redis.xread('BLOCK', Math.min(wait, 1000), 'STREAMS', key, cursor);
    const receivedAt = performance.now();
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        cursor = id;
        const field = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2)
          field.set(fields[i] ?? '', fields[i + 1] ?? '');
        const event: StreamEvent = {
          id,
          type: field.get('type') ?? '',
          taskId: field.get('taskId') ?? '',
          payload: JSON.parse(field.get('payload') ?? '{}'),
          receivedAt,
        };
        seen.push(event);
        if (options.until(event)) return seen;
      }
    }
  }
}

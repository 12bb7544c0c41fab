import type { Redis } from 'ioredis';
import { TERMINAL_EVENT_TYPES } from '@komputer/contracts';

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
      const errors = seen.filter((e) => e.type === 'error').map((e) => JSON.stringify(e.payload));
      throw new Error(
        `no awaited event on ${key}; saw ${types}\n${errors.join('\n')}\n${options.explain?.() ?? ''}`,
      );
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

/** Options for {@link taskEvents}. */
export interface TaskEventsOptions {
  /** Default 20 s. */
  timeoutMs?: number;
  /** Added to the timeout error, to explain it (a log tail, say). */
  explain?: () => string;
}

/**
 * The events of task `taskId` on stream `key`, once it has ended with its terminal event, read
 * with blocking reads. `text_delta` events are left out, as a reader that did not ask for token
 * streaming sees the task.
 */
export async function taskEvents(
  redis: Redis,
  key: string,
  taskId: string,
  options: TaskEventsOptions = {},
): Promise<StreamEvent[]> {
  const events = await followEvents(redis, key, {
    until: (e) => e.taskId === taskId && TERMINAL_EVENT_TYPES.includes(e.type as never),
    timeoutMs: options.timeoutMs ?? 20_000,
    ...(options.explain ? { explain: options.explain } : {}),
  });
  return events.filter((e) => e.taskId === taskId && e.type !== 'text_delta');
}

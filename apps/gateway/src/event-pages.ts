import { EventIdSchema } from '@komputer/contracts';
import type { AgentEvent, EventsQuery } from '@komputer/contracts';
import type { EventPage, EventStore, EventTimePage } from '@komputer/store';

/** Where a page of `GET /agents/:name/events` is, once its cursor is read. */
interface PageRequest {
  namespace: string;
  agentName: string;
  query: EventsQuery;
}

const MAX_SEQ = 18446744073709551615n;

/**
 * A timestamp in milliseconds since the epoch, with the fraction that RFC 3339 allows past the
 * millisecond (`Date.parse` would drop it, and `before` a timestamp 0.5 ms past an event's must
 * still include that event).
 */
export function timestampMs(timestamp: string): number {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? '';
  return Date.parse(timestamp.replace(/\.\d+/, '')) + Number(`0.${fraction || '0'}`) * 1000;
}

/** The id just before `id`, so that `after` it starts at `id` itself. */
function previousId(id: string): string {
  const [ms = 0n, seq = 0n] = id.split('-').map(BigInt);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-${MAX_SEQ}` : '0-0';
}

/** Whether a cursor is an event id rather than a timestamp. */
export const isEventId = (cursor: string): boolean => EventIdSchema.safeParse(cursor).success;

/**
 * Reads one page of an agent's events, oldest first. A cursor is an event id (ours) or an
 * RFC 3339 timestamp (komputer.ai's): `after` is strictly after it, `before` strictly before it,
 * and `around` is half of `limit` before it and the rest from it on.
 */
export async function readEventPage(
  events: EventStore,
  request: PageRequest,
): Promise<AgentEvent[]> {
  const { namespace, agentName, query } = request;
  const { limit, after, before, around } = query;
  const options = { deltas: query.deltas };
  const read = (page: EventPage) => events.read(namespace, agentName, page, options);
  // Event timestamps are whole milliseconds: "strictly after 10.5" is "from 11 on".
  const byTime = (page: EventTimePage) => events.readByTime(namespace, agentName, page, options);

  if (after !== undefined) {
    return isEventId(after)
      ? read({ limit, after })
      : byTime({ limit, from: Math.floor(timestampMs(after)) + 1 });
  }
  if (before !== undefined) {
    return isEventId(before)
      ? read({ limit, before })
      : byTime({ limit, before: Math.ceil(timestampMs(before)) });
  }
  if (around === undefined) return read({ limit });
  const half = Math.floor(limit / 2);
  if (isEventId(around)) {
    const earlier = half > 0 ? await read({ limit: half, before: around }) : [];
    const later = await read({ limit: limit - earlier.length, after: previousId(around) });
    return [...earlier, ...later];
  }
  const at = Math.ceil(timestampMs(around));
  const earlier = half > 0 ? await byTime({ limit: half, before: at }) : [];
  const later = await byTime({ limit: limit - earlier.length, from: at });
  return [...earlier, ...later];
}

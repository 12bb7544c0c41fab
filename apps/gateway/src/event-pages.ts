import { EventIdSchema } from '@komputer/contracts';
import type { AgentEvent, EventsQuery, OfficeEventsQuery } from '@komputer/contracts';
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

/** Where an office page is: the events' ids, and the member whose event is the cursor. */
interface OfficePageRequest {
  namespace: string;
  /** The office's members, its manager included. */
  members: readonly string[];
  query: OfficeEventsQuery;
  /** Throws `CURSOR_EXPIRED` when events of the member after `cursor` were trimmed. */
  checkCursor(member: string, cursor: string): Promise<void>;
}

/**
 * A place in the office's order: between the events of id `id` whose agents sort before `agent`
 * and the others. `''` is before every agent, {@link LAST_AGENT} after every one.
 */
interface OfficePosition {
  id: string;
  agent: string;
}

/** Sorts after every agent name (names are DNS labels). */
const LAST_AGENT = '~';

function compareIds(a: string, b: string): number {
  const [ams = 0n, aseq = 0n] = a.split('-').map(BigInt);
  const [bms = 0n, bseq = 0n] = b.split('-').map(BigInt);
  if (ams !== bms) return ams < bms ? -1 : 1;
  return aseq === bseq ? 0 : aseq < bseq ? -1 : 1;
}

/** The id just after `id`, so that `before` it ends at `id` itself. */
function nextId(id: string): string {
  const [ms = 0n, seq = 0n] = id.split('-').map(BigInt);
  return seq < MAX_SEQ ? `${ms}-${seq + 1n}` : `${ms + 1n}-0`;
}

/**
 * The office order: by event id (the time Redis appended the event, then its sequence), then by
 * agent name. Each member's own order is its stream's, and two members' events of equal id (their
 * streams number apart) are told apart by name.
 */
export function officeOrder(a: AgentEvent, b: AgentEvent): number {
  return (
    compareIds(a.id, b.id) || (a.agentName < b.agentName ? -1 : a.agentName > b.agentName ? 1 : 0)
  );
}

/**
 * The place a non-timestamp cursor names: `<agent>:<id>` is that event; a bare id stands for all
 * the events of that id, so that `after` it passes them all and `before` it stops short of them.
 */
function officePosition(cursor: string, bare: 'before-all' | 'after-all'): OfficePosition {
  const colon = cursor.indexOf(':');
  if (colon > 0) return { agent: cursor.slice(0, colon), id: cursor.slice(colon + 1) };
  return { id: cursor, agent: bare === 'after-all' ? LAST_AGENT : '' };
}

/** Whether a cursor is `<agent>:<id>` (a timestamp's colons leave no event id after them). */
function isMemberCursor(cursor: string): boolean {
  const colon = cursor.indexOf(':');
  return (
    colon > 0 && /^[a-z0-9-]+$/.test(cursor.slice(0, colon)) && isEventId(cursor.slice(colon + 1))
  );
}

/** For a member: the stream id its events must come after to be past `at` (exclusive). */
function afterFor(member: string, at: OfficePosition): string {
  return member > at.agent ? previousId(at.id) : at.id;
}

/** For a member: the stream id its events must come before to be short of `at` (exclusive). */
function beforeFor(member: string, at: OfficePosition): string {
  return member < at.agent ? nextId(at.id) : at.id;
}

/**
 * Reads one page of an office's events: every member's page in the same direction, merged in
 * {@link officeOrder}, and cut to `limit`. A member's page holds its `limit` events nearest the
 * cursor, so the merge holds the office's `limit` nearest ones. Cursors are as on an agent's page,
 * plus `<agent>:<id>`, an exact place in the office's order.
 */
export async function readOfficeEventPage(
  events: EventStore,
  request: OfficePageRequest,
): Promise<AgentEvent[]> {
  const { namespace, members, query } = request;
  const { limit, after, before, around } = query;
  const options = { deltas: query.deltas };
  const merged = async (page: (member: string) => Promise<AgentEvent[]>) =>
    (await Promise.all(members.map(page))).flat().sort(officeOrder);
  const read = (member: string, page: EventPage) => events.read(namespace, member, page, options);
  const byTime = (member: string, page: EventTimePage) =>
    events.readByTime(namespace, member, page, options);
  const isTime = (cursor: string) => !isEventId(cursor) && !isMemberCursor(cursor);

  if (after !== undefined) {
    if (isTime(after)) {
      const from = Math.floor(timestampMs(after)) + 1;
      return (await merged((m) => byTime(m, { limit, from }))).slice(0, limit);
    }
    const at = officePosition(after, 'after-all');
    await Promise.all(members.map((m) => request.checkCursor(m, afterFor(m, at))));
    return (await merged((m) => read(m, { limit, after: afterFor(m, at) }))).slice(0, limit);
  }
  if (before !== undefined) {
    if (isTime(before)) {
      const at = Math.ceil(timestampMs(before));
      return (await merged((m) => byTime(m, { limit, before: at }))).slice(-limit);
    }
    const at = officePosition(before, 'before-all');
    return (await merged((m) => read(m, { limit, before: beforeFor(m, at) }))).slice(-limit);
  }
  if (around === undefined) return (await merged((m) => read(m, { limit }))).slice(-limit);
  const half = Math.floor(limit / 2);
  if (isTime(around)) {
    const at = Math.ceil(timestampMs(around));
    const earlier =
      half > 0 ? (await merged((m) => byTime(m, { limit: half, before: at }))).slice(-half) : [];
    const rest = limit - earlier.length;
    const later = await merged((m) => byTime(m, { limit: rest, from: at }));
    return [...earlier, ...later.slice(0, rest)];
  }
  const at = officePosition(around, 'before-all');
  const earlier =
    half > 0
      ? (await merged((m) => read(m, { limit: half, before: beforeFor(m, at) }))).slice(-half)
      : [];
  const rest = limit - earlier.length;
  // From `at` on, `at` included: just after the place before it.
  const later = await merged((m) => read(m, { limit: rest, after: previousId(beforeFor(m, at)) }));
  return [...earlier, ...later.slice(0, rest)];
}

import { MAX_OFFICE_MEMBERS } from '@komputer/contracts';
import { readOfficeMembers } from '@komputer/store';
import type { Keys, StreamEntry } from '@komputer/store';
import { AppError } from '@komputer/service-kit';
import type { RedisClient } from '@komputer/service-kit';
import { compareIds } from './stream-ids';

/** One page of a stream after a cursor. */
export interface StreamPage {
  entries: StreamEntry[];
  /** True when the page reached the end of the stream as it was when read. */
  complete: boolean;
}

/** The error for a cursor whose following events were trimmed away. */
export function cursorExpired(key: string, cursor: string): AppError {
  const agent = key.slice(key.lastIndexOf(':') + 1);
  return new AppError(
    'CURSOR_EXPIRED',
    410,
    `events of "${agent}" after ${cursor} were trimmed; resume from an id the stream still holds`,
    { retryable: false, details: { after: cursor } },
  );
}

function field(reply: unknown[], name: string): unknown {
  const at = reply.indexOf(name);
  return at >= 0 && at % 2 === 0 ? reply[at + 1] : undefined;
}

/** The Redis reads the relay makes besides its live tail. */
export class StreamReads {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** True when the agent's record exists. */
  async agentExists(namespace: string, name: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.agent(namespace, name))) === 1;
  }

  /** The names of a namespace's agents. */
  listAgents(namespace: string): Promise<string[]> {
    return this.redis.smembers(this.keys.agents(namespace));
  }

  /**
   * The members of the office `name`, its manager first; undefined when no such agent created
   * agents. Read through the index of reports, as the gateway reads an office.
   */
  async officeMembers(namespace: string, name: string): Promise<string[] | undefined> {
    const { members } = await readOfficeMembers(
      this.redis,
      this.keys,
      namespace,
      name,
      MAX_OFFICE_MEMBERS - 1,
    );
    if (members.length === 0 || !(await this.agentExists(namespace, name))) return undefined;
    return [name, ...members];
  }

  /** The id of the stream's last entry, or `0-0` when it has none. */
  async lastId(key: string): Promise<string> {
    const [last] = (await this.redis.xrevrange(key, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return last?.[0] ?? '0-0';
  }

  /**
   * Up to `count` entries after `cursor`. The read includes the cursor itself: when it comes
   * back, nothing after it can have been trimmed (Redis trims from the oldest end). Otherwise
   * the stream's trim state decides, and a gap throws `CURSOR_EXPIRED`.
   */
  async readAfter(key: string, cursor: string, count: number): Promise<StreamPage> {
    const found = (await this.redis.xrange(key, cursor, '+', 'COUNT', count + 1)) as StreamEntry[];
    if (found[0]?.[0] === cursor) found.shift();
    else if (found.length > 0 && (await this.trimmedPast(key, cursor)))
      throw cursorExpired(key, cursor);
    return { entries: found.slice(0, count), complete: found.length <= count };
  }

  /** Throws `CURSOR_EXPIRED` when events after `cursor` were trimmed from the stream. */
  async checkCursor(key: string, cursor: string): Promise<void> {
    await this.readAfter(key, cursor, 1);
  }

  /**
   * True when entries after `cursor` may have been removed. Redis 7.0 does not count trimmed
   * entries in `max-deleted-entry-id`, so trimming is read from `entries-added` > `length`: then
   * everything before the first entry is gone, and a cursor before it may have missed some.
   * A cursor right before the first retained entry is reported too: nothing tells it apart.
   */
  async trimmedPast(key: string, cursor: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await this.redis.xinfo('STREAM', key)) as unknown[];
    } catch (err) {
      if (err instanceof Error && /no such key/i.test(err.message)) return false;
      throw err;
    }
    const maxDeleted = String(field(info, 'max-deleted-entry-id') ?? '0-0');
    if (compareIds(maxDeleted, cursor) > 0) return true;
    const added = Number(field(info, 'entries-added') ?? 0);
    const length = Number(field(info, 'length') ?? 0);
    if (added <= length) return false;
    const first = field(info, 'first-entry') as StreamEntry | null | undefined;
    const oldest = first?.[0] ?? String(field(info, 'last-generated-id') ?? '0-0');
    return compareIds(cursor, oldest) < 0;
  }
}

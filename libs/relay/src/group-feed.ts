import { isRedisUnavailableError } from '@komputer/service-kit';
import type { Logger, RedisClient } from '@komputer/service-kit';
import { LuaScript } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';
import type { Connection } from './connection';
import { toRelayedEvent } from './relayed-event';
import type { Tail, TailListener } from './tail-reader';

/**
 * Removes the group's consumers that hold no pending entry and have been idle for at least
 * ARGV[2] ms; only ARGV[3] when it is not empty. Atomic, so that a consumer that just read
 * an entry is never removed with it.
 * KEYS: the stream. ARGV: group, min idle ms, consumer name or "".
 */
const REMOVE_IDLE_CONSUMERS = new LuaScript(
  `
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if info['pending'] == 0 and info['idle'] >= tonumber(ARGV[2])
    and (ARGV[3] == '' or info['name'] == ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    removed = removed + 1
  end
end
return removed
`,
  1,
);

/** Options for {@link GroupFeed}. */
export interface GroupFeedOptions {
  redis: RedisClient;
  tail: Tail;
  group: string;
  /** Prefix of this relay's consumer names, unique to the process. */
  consumerPrefix: string;
  /** Entries per read. */
  count: number;
  /** Pending entries idle this long are taken over by a live member. */
  claimIdleMs: number;
  logger: Logger;
  /** Called once the last member has left. */
  onEmpty: () => void;
}

interface Member {
  connection: Connection;
  consumer: string;
  deltas: boolean;
  /** Waiting for its client to drain, with the loop to wake then. */
  draining: boolean;
}

let consumerSeq = 0;

/**
 * One consumer group of one stream, on this relay: its local members, each a Redis consumer of
 * its own. One loop reads for them in turn (XREADGROUP, never blocking: the shared tail says
 * when there is something new), and only for a member whose client has taken what it was
 * sent, so a slow member gets less and nothing piles up. An entry is acknowledged (XACK) once
 * it was handed to the member's socket. Entries left pending by a member that went away, here
 * or on another relay, are taken over (XAUTOCLAIM) once idle for `claimIdleMs`.
 */
export class GroupFeed implements TailListener {
  private readonly members: Member[] = [];
  private turn = 0;
  private wanted = false;
  private pumping = false;
  private claimDue = true;
  private closed = false;
  private acks: string[] = [];
  private retries = 0;
  private readonly claimTimer: NodeJS.Timeout;

  constructor(private readonly options: GroupFeedOptions) {
    options.tail.add(this);
    this.claimTimer = setInterval(
      () => {
        this.claimDue = true;
        this.wake();
      },
      Math.max(50, options.claimIdleMs / 2),
    );
    this.claimTimer.unref();
  }

  /** Adds a member; it receives events until its connection closes. */
  join(connection: Connection, deltas: boolean): void {
    const member = {
      connection,
      consumer: `${this.options.consumerPrefix}-${++consumerSeq}`,
      deltas,
      draining: false,
    };
    this.members.push(member);
    connection.onGone(() => void this.leave(member));
    this.wake();
  }

  onEvents(): void {
    this.wake();
  }

  onGap(): void {
    // The group reads its own entries; the tail only says when there are new ones.
  }

  private async leave(member: Member): Promise<void> {
    const at = this.members.indexOf(member);
    if (at >= 0) this.members.splice(at, 1);
    const { redis, tail, group, logger } = this.options;
    if (this.members.length === 0) {
      this.closed = true;
      clearInterval(this.claimTimer);
      tail.remove(this);
      this.options.onEmpty();
    }
    try {
      await this.flushAcks();
      // What it still holds stays pending, for another member to take over.
      await REMOVE_IDLE_CONSUMERS.run(redis, [tail.key], [group, 0, member.consumer]);
    } catch (err) {
      logger.debug({ err, consumer: member.consumer }, 'group member left its consumer behind');
    }
  }

  private wake(): void {
    this.wanted = true;
    if (!this.pumping && !this.closed) void this.pump();
  }

  /** The next member, in turn, whose client has room; one that has none wakes the loop when it drains. */
  private pick(): Member | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.turn + i) % this.members.length] as Member;
      if (member.connection.closed) continue;
      const { transport } = member.connection;
      if (transport.needsDrain) {
        if (!member.draining) {
          member.draining = true;
          transport.onDrain(() => {
            member.draining = false;
            this.wake();
          });
        }
        continue;
      }
      this.turn = (this.turn + i + 1) % this.members.length;
      return member;
    }
    return undefined;
  }

  private async pump(): Promise<void> {
    const { redis, tail, group, count } = this.options;
    this.pumping = true;
    try {
      while (this.wanted && !this.closed) {
        this.wanted = false;
        for (let member = this.pick(); member; member = this.pick()) {
          const reply = (await redis.xreadgroup(
            'GROUP',
            group,
            member.consumer,
            'COUNT',
            count,
            'STREAMS',
            tail.key,
            '>',
          )) as [string, StreamEntry[]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          this.deliver(member, entries);
          if (entries.length < count) break;
        }
        if (this.claimDue) await this.claim();
        this.retries = 0;
      }
    } catch (err) {
      if (!isRedisUnavailableError(err)) this.options.logger.error({ err }, 'group read failed');
      const delay = Math.min(100 * 2 ** this.retries++, 2_000);
      setTimeout(() => this.wake(), delay).unref();
    } finally {
      this.pumping = false;
    }
  }

  /** Takes over entries that another member (gone, here or elsewhere) has held for too long. */
  private async claim(): Promise<void> {
    const { redis, tail, group, count, claimIdleMs } = this.options;
    this.claimDue = false;
    let cursor = '0-0';
    for (let member = this.pick(); member; member = this.pick()) {
      const [next, entries] = (await redis.xautoclaim(
        tail.key,
        group,
        member.consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        count,
      )) as [string, StreamEntry[]];
      this.deliver(member, entries);
      cursor = next;
      if (cursor === '0-0') break;
    }
    await REMOVE_IDLE_CONSUMERS.run(redis, [tail.key], [group, claimIdleMs, '']);
  }

  private deliver(member: Member, entries: StreamEntry[]): void {
    member.connection.batch(() => this.send(member, entries));
  }

  private send(member: Member, entries: StreamEntry[]): void {
    const { tail } = this.options;
    for (const entry of entries) {
      // Redis 6.2 claims an entry that was trimmed meanwhile without its fields.
      if (!entry[1]) {
        this.ack(entry[0]);
        continue;
      }
      const event = toRelayedEvent(tail.namespace, tail.agentName, entry);
      if (event.type === 'text_delta' && !member.deltas) {
        this.ack(event.id);
        continue;
      }
      member.connection.send(event, (err) => {
        if (!err) this.ack(event.id);
      });
    }
  }

  private ack(id: string): void {
    this.acks.push(id);
    if (this.acks.length === 1) setImmediate(() => void this.flushAcks().catch(() => undefined));
  }

  /** Acknowledges what was sent. One that fails stays pending and is delivered again later. */
  private async flushAcks(): Promise<void> {
    const ids = this.acks.splice(0);
    if (ids.length > 0)
      await this.options.redis.xack(this.options.tail.key, this.options.group, ...ids);
  }
}

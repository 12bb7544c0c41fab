import { AppError } from '@komputer/service-kit';
import type { Logger, RedisClient } from '@komputer/service-kit';
import type { Keys } from '@komputer/store';
import { AgentFeed } from './agent-feed';
import type { Connection } from './connection';
import { GroupFeed } from './group-feed';
import { tooManyAgents } from './requests';
import type { RelayRequest } from './requests';
import type { StreamReads } from './stream-reads';
import type { TailReader } from './tail-reader';

/** Options for {@link Feeds}. */
export interface FeedsOptions {
  command: RedisClient;
  keys: Keys;
  reads: StreamReads;
  tails: TailReader;
  /** This relay's id: its group members are consumers `<instance>-<n>`. */
  instance: string;
  /** Entries read per stream per call. */
  count: number;
  maxAgentsPerSocket: number;
  discoveryIntervalMs: number;
  groupClaimIdleMs: number;
  logger: Logger;
}

function agentNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'AGENT_NOT_FOUND',
    404,
    `agent "${name}" not found in namespace "${namespace}"`,
    { retryable: false },
  );
}

function officeNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'OFFICE_NOT_FOUND',
    404,
    `office "${name}" not found in namespace "${namespace}": no agent of that name created agents`,
    { retryable: false },
  );
}

/**
 * What each connection follows: the agents' feeds (replay, then the shared live tail), the
 * consumer groups' feeds, and the discovery of agents that a pattern matches later.
 */
export class Feeds {
  private readonly groups = new Map<string, GroupFeed>();

  constructor(private readonly options: FeedsOptions) {}

  /** Consumer groups with a member here. */
  get groupCount(): number {
    return this.groups.size;
  }

  /**
   * Checks a request against Redis and fixes where each agent's feed starts: after its cursor,
   * or after the stream's last event for "live from now". This runs before a WebSocket upgrade
   * completes, so that every event appended once the client sees the socket open reaches it.
   */
  async prepare(request: RelayRequest): Promise<Map<string, string>> {
    const { reads, keys, maxAgentsPerSocket } = this.options;
    const { namespace } = request;
    const startOf = (name: string, after: string | undefined) => {
      const key = keys.events(namespace, name);
      return after === undefined
        ? reads.lastId(key)
        : reads.checkCursor(key, after).then(() => after);
    };
    if (request.kind === 'agent') {
      if (!(await reads.agentExists(namespace, request.name)))
        throw agentNotFound(namespace, request.name);
      // A group keeps its own cursor in Redis.
      if (request.group !== undefined) return new Map();
      return new Map([[request.name, await startOf(request.name, request.after)]]);
    }
    if (request.kind === 'office') {
      const members = await reads.officeMembers(namespace, request.office);
      if (!members) throw officeNotFound(namespace, request.office);
      const stranger = [...request.cursors.keys()].find((name) => !members.includes(name));
      if (stranger !== undefined) {
        throw new AppError(
          'VALIDATION_FAILED',
          400,
          `query.after: names agent "${stranger}", which is not a member of office "${request.office}"`,
          { retryable: false },
        );
      }
      if (members.length > maxAgentsPerSocket) throw tooManyAgents(maxAgentsPerSocket);
      const starts = await Promise.all(members.map((n) => startOf(n, request.cursors.get(n))));
      return new Map(members.map((name, i) => [name, starts[i] as string]));
    }
    const exists = await Promise.all(request.names.map((n) => reads.agentExists(namespace, n)));
    const missing = request.names.find((_, i) => !exists[i]);
    if (missing !== undefined) throw agentNotFound(namespace, missing);
    const { match } = request;
    const matched = match ? (await reads.listAgents(namespace)).filter((n) => match.test(n)) : [];
    const followed = [...new Set([...request.names, ...matched])];
    if (followed.length > maxAgentsPerSocket) throw tooManyAgents(maxAgentsPerSocket);
    const starts = await Promise.all(followed.map((n) => startOf(n, request.cursors.get(n))));
    return new Map(followed.map((name, i) => [name, starts[i] as string]));
  }

  /** Serves an accepted request on `connection`, from the starts that {@link prepare} fixed. */
  serve(connection: Connection, request: RelayRequest, starts: Map<string, string>): void {
    const { namespace, deltas } = request;
    if (request.kind === 'agent' && request.group !== undefined) {
      this.group(namespace, request.name, request.group).join(connection, deltas);
      return;
    }
    for (const [name, after] of starts) this.follow(connection, namespace, name, after, deltas);
    if (request.kind === 'agents' && request.match) {
      const { match } = request;
      const list = async () =>
        (await this.options.reads.listAgents(namespace)).filter((n) => match.test(n));
      this.discover(connection, namespace, list, new Set(starts.keys()), deltas);
    }
    if (request.kind === 'office') {
      const { office } = request;
      const list = async () => (await this.options.reads.officeMembers(namespace, office)) ?? [];
      this.discover(connection, namespace, list, new Set(starts.keys()), deltas);
    }
  }

  private follow(
    connection: Connection,
    namespace: string,
    name: string,
    after: string,
    deltas: boolean,
  ): void {
    const { tails, reads, keys, count } = this.options;
    new AgentFeed({
      connection,
      tail: tails.tail(keys.events(namespace, name), namespace, name),
      reads,
      after,
      deltas,
      pageSize: count,
    }).start();
  }

  /**
   * Follows, from their first event, the agents that `list` names later (created since, or
   * joined the office since).
   */
  private discover(
    connection: Connection,
    namespace: string,
    list: () => Promise<string[]>,
    following: Set<string>,
    deltas: boolean,
  ): void {
    const { maxAgentsPerSocket, discoveryIntervalMs } = this.options;
    const discovery = setInterval(() => {
      list().then(
        (names) => {
          for (const name of names) {
            if (connection.closed || following.has(name)) continue;
            if (following.size >= maxAgentsPerSocket) {
              connection.fail(tooManyAgents(maxAgentsPerSocket));
              return;
            }
            following.add(name);
            // Created after the socket opened: everything it did is new to this client.
            this.follow(connection, namespace, name, '0-0', deltas);
          }
        },
        // Redis is down: look again on the next tick.
        () => undefined,
      );
    }, discoveryIntervalMs);
    connection.onGone(() => clearInterval(discovery));
  }

  /**
   * Creates the consumer group that an accepted request joins, at the stream's end, unless it
   * exists; nothing for a request that joins none.
   */
  async createGroup(request: RelayRequest): Promise<void> {
    if (request.kind !== 'agent' || request.group === undefined) return;
    const { command, keys } = this.options;
    await command
      .xgroup(
        'CREATE',
        keys.events(request.namespace, request.name),
        request.group,
        '$',
        'MKSTREAM',
      )
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
      });
  }

  /** A group's feed on this relay, made on first use. The group itself exists already. */
  private group(namespace: string, name: string, group: string): GroupFeed {
    const { command, tails, reads, keys, instance, count, groupClaimIdleMs, logger } = this.options;
    const key = keys.events(namespace, name);
    const id = `${key}\n${group}`;
    let feed = this.groups.get(id);
    if (!feed) {
      const tail = tails.tail(key, namespace, name);
      feed = new GroupFeed({
        redis: command,
        tail,
        group,
        consumerPrefix: instance,
        count,
        claimIdleMs: groupClaimIdleMs,
        logger,
        onEmpty: () => this.groups.delete(id),
      });
      this.groups.set(id, feed);
      // The tail only wakes the group: it may start anywhere, so at the stream's end.
      if (tail.lastId === undefined) {
        reads.lastId(key).then(
          (last) => tail.start(last),
          (err: unknown) =>
            logger.warn({ err }, 'group tail not started; reading on the claim timer'),
        );
      }
    }
    return feed;
  }
}

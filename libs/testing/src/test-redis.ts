import type { NewAgentEvent } from '@komputer/contracts';
import { Redis } from 'ioredis';
import { startRedisServer } from './redis-server';
import type { RedisServer } from './redis-server';

/** The key names that a test Redis writes (the store's `Keys`). */
export interface TestRedisKeys {
  agent(namespace: string, name: string): string;
  agents(namespace: string): string;
  events(namespace: string, name: string): string;
  reports(namespace: string, manager: string): string;
  officeHeads(namespace: string): string;
}

/** Appends an event to an agent's stream in the stored format (the store's `EventStore`). */
export interface EventAppender {
  append(namespace: string, agentName: string, event: NewAgentEvent): Promise<string>;
}

/**
 * What a test Redis writes with: `{ createKeys, EventStore }` of `@komputer/store`. The caller
 * passes them in: the store's own tests import this lib, so this lib cannot import the store.
 */
export interface TestRedisStore<K extends TestRedisKeys> {
  createKeys(prefix: string): K;
  EventStore: new (options: { redis: Redis; keys: K; maxLen: number }) => EventAppender;
}

/** One real redis-server, a direct client and an event store to write events with. */
export interface TestRedis {
  server: RedisServer;
  redis: Redis;
  events: EventAppender;
  keys: TestRedisKeys;
  /** Creates an agent's record and index entry, as the gateway would. */
  addAgent(name: string, namespace?: string): Promise<void>;
  /**
   * Creates an agent that `manager` created (its `officeManager`), in `manager`'s office, as the
   * gateway would.
   */
  addReport(manager: string, name: string, namespace?: string): Promise<void>;
  /** Appends `n` events (type `text`, content `event <i>`, or as `make` says); returns their ids. */
  append(
    name: string,
    n: number,
    make?: (i: number) => NewAgentEvent,
    namespace?: string,
  ): Promise<string[]>;
  close(): Promise<void>;
}

/** A `text` event whose content numbers it. */
export function textEvent(i: number, content = `event ${i}`): NewAgentEvent {
  return {
    type: 'text',
    taskId: 'task-1',
    timestamp: new Date().toISOString(),
    payload: { content },
  };
}

/** Starts redis-server (append-only, so that it can restart with its data). */
export async function startTestRedis<K extends TestRedisKeys>(
  store: TestRedisStore<K>,
  maxLen = 100_000,
): Promise<TestRedis> {
  const server = await startRedisServer({ appendOnly: true });
  // Retries through a restart, like the services' own clients.
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const keys = store.createKeys('komputer');
  const events = new store.EventStore({ redis, keys, maxLen });
  return {
    server,
    redis,
    events,
    keys,
    async addAgent(name, namespace = 'default') {
      await redis
        .multi()
        .hset(keys.agent(namespace, name), 'name', name, 'namespace', namespace)
        .sadd(keys.agents(namespace), name)
        .exec();
    },
    async addReport(manager, name, namespace = 'default') {
      const reports = keys.reports(namespace, manager);
      await redis
        .multi()
        .hset(
          keys.agent(namespace, name),
          'name',
          name,
          'namespace',
          namespace,
          'officeKey',
          reports,
        )
        .hset(keys.agent(namespace, name), 'spec.officeManager', JSON.stringify(manager))
        .sadd(keys.agents(namespace), name)
        .sadd(reports, name)
        .sadd(keys.officeHeads(namespace), manager)
        .exec();
    },
    async append(name, n, make = (i) => textEvent(i), namespace = 'default') {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await events.append(namespace, name, make(i)));
      return ids;
    },
    async close() {
      redis.disconnect();
      await server.stop({ removeData: true });
    },
  };
}

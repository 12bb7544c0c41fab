import type { AgentSpec, NewAgentEvent } from '@komputer/contracts';
import { MINIMAL_AGENT_SPEC, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { AgentStore, createKeys } from '../src';
import type { Keys } from '../src';

/**
 * One real redis-server per test file, and the connections the file opened on it. Each test
 * takes a fresh key prefix, so tests never see one another's keys.
 */
export class RedisFixture {
  private server: RedisServer | undefined;
  private readonly clients = new Set<Redis>();
  private prefixes = 0;

  /** Starts redis-server. Call from `beforeAll`. */
  async start(): Promise<void> {
    this.server = await startRedisServer();
  }

  /** Closes every connection, then stops redis-server. Call from `afterAll`. */
  async stop(): Promise<void> {
    await this.closeAll();
    await this.server?.stop({ removeData: true });
  }

  get url(): string {
    if (!this.server) throw new Error('redis fixture not started');
    return this.server.url;
  }

  /** A new connection that fails fast (as the services' connections do), closed by `stop()`. */
  connect(options: RedisOptions = {}): Redis {
    const redis = new Redis(this.url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
      commandTimeout: 10_000,
      ...options,
    });
    this.clients.add(redis);
    return redis;
  }

  /** Quits the given connection (and forgets it). */
  async close(redis: Redis): Promise<void> {
    this.clients.delete(redis);
    await quit(redis);
  }

  /** Quits every connection that is still open. */
  async closeAll(): Promise<void> {
    const clients = [...this.clients];
    this.clients.clear();
    await Promise.all(clients.map(quit));
  }

  /** A key prefix no other test in this file uses. */
  uniquePrefix(): string {
    this.prefixes += 1;
    return `t${this.prefixes}`;
  }
}

async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/** A spec with every optional field set. */
export const FULL_SPEC: AgentSpec = {
  model: 'claude-opus-4-1',
  role: 'worker',
  // The built-in template: any other must be stored before an agent names it.
  templateRef: 'default',
  systemPrompt: 'Answer in "quotes", with\nnew lines and ünïcödé 🚀.',
  officeManager: 'boss',
  connectors: ['github', 'slack'],
  memories: ['notes', 'shared/facts'],
  skills: ['ops/deploy'],
  secretRefs: ['gh-token'],
  labels: { team: 'infra', 'komputer.ai/personal-agent': 'true' },
  lifecycle: 'Sleep',
  priority: -42,
  storage: { size: '5Gi', storageClassName: 'fast-ssd' },
  podSpec: { nodeSelector: { zone: 'a' }, tolerations: [{ key: 'gpu', operator: 'Exists' }] },
};

/** A spec with no optional field. */
export const MINIMAL_SPEC: AgentSpec = MINIMAL_AGENT_SPEC;

/**
 * An agent store whose agents' connectors exist, as the agents service checks before it writes:
 * the store refuses an agent that names a connector that does not (connector-delete.test.ts in
 * libs/connectors covers that).
 */
class ConnectorsExistStore extends AgentStore {
  constructor(
    private readonly db: Redis,
    private readonly storeKeys: Keys,
    eventsMaxLen: number,
  ) {
    super({ redis: db, keys: storeKeys, eventsMaxLen });
  }

  override async claim(input: Parameters<AgentStore['claim']>[0]) {
    await this.connectorsExist(input.namespace, input.spec.connectors);
    return super.claim(input);
  }

  override async patch(...args: Parameters<AgentStore['patch']>) {
    await this.connectorsExist(args[0], args[2].connectors);
    return super.patch(...args);
  }

  private async connectorsExist(namespace: string, names: readonly string[] = []): Promise<void> {
    for (const name of names) {
      await this.db.hset(this.storeKeys.connector(namespace, name), 'spec', '{}');
    }
  }
}

/** An agent store on `redis` under `prefix`. */
export function agentStore(
  redis: Redis,
  prefix: string,
  eventsMaxLen = 10_000,
): { store: AgentStore; keys: Keys } {
  const keys = createKeys(prefix);
  return { store: new ConnectorsExistStore(redis, keys, eventsMaxLen), keys };
}

/** A `task_completed` event for `taskId`. */
export function completedEvent(taskId: string, result = 'done'): NewAgentEvent {
  return {
    type: 'task_completed',
    taskId,
    timestamp: '2026-01-01T00:00:05.000Z',
    payload: {
      result,
      cost_usd: 0.25,
      duration_ms: 1234,
      turns: 3,
      stop_reason: 'end_turn',
      session_id: 'session-1',
      usage: { input_tokens: 10, output_tokens: 20 },
      model: 'claude-sonnet-4-6',
    },
  };
}

/** A `task_cancelled` event for `taskId`. */
export function cancelledEvent(taskId: string, reason = 'cancelled by request'): NewAgentEvent {
  return {
    type: 'task_cancelled',
    taskId,
    timestamp: '2026-01-01T00:00:05.000Z',
    payload: { reason },
  };
}

/** An `error` event for `taskId`. */
export function errorEvent(taskId: string, error = 'it broke'): NewAgentEvent {
  return {
    type: 'error',
    taskId,
    timestamp: '2026-01-01T00:00:05.000Z',
    payload: { error, retryable: false },
  };
}

/** The terminal event that goes with a terminal task status. */
export function terminalEvent(
  status: 'Complete' | 'Cancelled' | 'Error',
  taskId: string,
): NewAgentEvent {
  if (status === 'Cancelled') return cancelledEvent(taskId);
  if (status === 'Error') return errorEvent(taskId);
  return completedEvent(taskId);
}

/** A `text` event for `taskId`. */
export function textEvent(taskId: string, content: string): NewAgentEvent {
  return { type: 'text', taskId, timestamp: '2026-01-01T00:00:01.000Z', payload: { content } };
}

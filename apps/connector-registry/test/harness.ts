import { generateSecretKey } from '@komputer/connectors';
import type { AgentSpec } from '@komputer/contracts';
import { createLogger, parseConfig } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import { collectLogLines, MINIMAL_AGENT_SPEC, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { RegistryConfigSchema } from '../src/config';
import { createRegistryService } from '../src/registry-service';
import type { RegistryService, RegistryServiceOptions } from '../src/registry-service';

/** A connector-registry on a random port against its own real redis-server. */
export interface TestRegistry {
  url: string;
  api: string;
  service: RegistryService;
  redisServer: RedisServer;
  /** A separate client for inspecting Redis directly. */
  redis: Redis;
  /** Every log line the registry wrote. */
  logs: string[];
  /** Stores an agent that names `refs`, as the gateway's claim does. */
  createAgent(namespace: string, name: string, refs?: Partial<AgentSpec>): Promise<void>;
  close(): Promise<void>;
}

/** Starts redis-server and a connector-registry in this process; `env` overrides its settings. */
export async function startTestRegistry(
  env: Record<string, string> = {},
  options: RegistryServiceOptions = {},
): Promise<TestRegistry> {
  const redisServer = await startRedisServer();
  const config = parseConfig(RegistryConfigSchema, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    ...env,
  });
  const { destination, lines: logs } = collectLogLines();
  const logger = createLogger({ name: 'connector-registry', level: 'debug', destination });
  const service = createRegistryService(config, logger, options);
  const url = await service.listen();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  const agents = new AgentStore({ redis, keys: createKeys('komputer'), eventsMaxLen: 100 });
  return {
    url,
    api: `${url}/api/v1`,
    service,
    redisServer,
    redis,
    logs,
    async createAgent(namespace, name, refs = {}) {
      const claim = await agents.claim({
        namespace,
        name,
        taskId: `task-${name}`,
        instructions: 'x',
        spec: { ...MINIMAL_AGENT_SPEC, ...refs },
        now: new Date().toISOString(),
      });
      if (claim.outcome !== 'created') throw new Error(`agent ${name} exists`);
    },
    async close() {
      redis.disconnect();
      await service.close();
      await redisServer.stop({ removeData: true });
    },
  };
}

/** Sends JSON and parses the answer. */
export async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // Tests read answers of many shapes; the assertions check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

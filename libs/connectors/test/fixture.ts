import { createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { createRegistries, generateSecretKey } from '../src';
import type { Registries } from '../src';

/** The registries over a real redis-server of their own, as the services build them. */
export interface RegistriesFixture {
  redis: Redis;
  agents: AgentStore;
  registries: Registries;
  stop(): Promise<void>;
}

/** The keys of every fixture: the default prefix. */
export const keys = createKeys('komputer');

/** Starts redis-server and builds the registries and an agent store on it. */
export async function startRegistries(): Promise<RegistriesFixture> {
  const server = await startRedisServer();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const agents = new AgentStore({ redis, keys, eventsMaxLen: 100 });
  const registries = createRegistries({
    redis,
    keys,
    agents,
    logger: createLogger({ name: 'test', level: 'silent' }),
    secretKey: generateSecretKey(),
    mcpTimeoutMs: 1_000,
  });
  return {
    redis,
    agents,
    registries,
    async stop() {
      redis.disconnect();
      await server.stop({ removeData: true });
    },
  };
}

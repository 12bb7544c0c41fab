import type { Logger } from '@komputer/service-kit';
import type { AgentStore, Keys } from '@komputer/store';
import type { Redis } from 'ioredis';
import { ConnectorRegistry } from './connector-registry';
import { ConnectorStatusStore } from './connector-status';
import { ContentRegistry } from './content-registry';
import { createResourceStores } from './resource-store';
import { parseSecretKey, SecretCipher } from './secret-cipher';
import { RedisSecretStore } from './secret-store';

/** Options for {@link createRegistries}. */
export interface RegistriesOptions {
  redis: Redis;
  keys: Keys;
  agents: AgentStore;
  logger: Logger;
  /** `KOMPUTER_SECRET_KEY`: 32 bytes, base64. */
  secretKey: string;
  /** Bound on connecting to an MCP server and listing its tools. */
  mcpTimeoutMs: number;
  /** How long a connector's tool list is cached. Default 5 minutes. */
  toolsTtlMs?: number;
}

/** How long a connector's tool list is cached unless the caller says otherwise. */
const DEFAULT_TOOLS_TTL_MS = 5 * 60_000;

/** What agents can be given: connectors (with their secrets), memories and skills. */
export interface Registries {
  connectors: ConnectorRegistry;
  memories: ContentRegistry;
  skills: ContentRegistry;
}

/** The registries over one Redis connection, as the gateway and the scheduler both use them. */
export function createRegistries(options: RegistriesOptions): Registries {
  const { redis, keys, agents, logger } = options;
  const stores = createResourceStores(redis, keys);
  const cipher = new SecretCipher(parseSecretKey(options.secretKey));
  return {
    connectors: new ConnectorRegistry({
      connectors: stores.connectors,
      secrets: new RedisSecretStore({ redis, keys, cipher }),
      agents,
      keys,
      status: new ConnectorStatusStore({
        redis,
        keys,
        toolsTtlMs: options.toolsTtlMs ?? DEFAULT_TOOLS_TTL_MS,
      }),
      logger,
      mcpTimeoutMs: options.mcpTimeoutMs,
    }),
    memories: new ContentRegistry({ kind: 'memory', store: stores.memories, agents, logger }),
    skills: new ContentRegistry({ kind: 'skill', store: stores.skills, agents, logger }),
  };
}

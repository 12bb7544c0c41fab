import { McpToolSchema } from '@komputer/contracts';
import type { ConnectorHealth, McpTool } from '@komputer/contracts';
import type { Keys } from '@komputer/store';
import type { RedisClient } from '@komputer/service-kit';
import { z } from 'zod';

/** Longest last error kept: a server's error page must not fill Redis. */
const MAX_ERROR_CHARS = 1000;

const CachedToolsSchema = z.array(McpToolSchema);

/** Options for {@link ConnectorStatusStore}. */
export interface ConnectorStatusStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /** How long a connector's tool list is served from Redis before its server is asked again. */
  toolsTtlMs: number;
}

/**
 * What the registry last learnt of each connector's MCP server: its tool list, kept in Redis
 * for a while so that a hundred agents starting at once do not each ask the server, and its
 * health (reachable or not, the last error, when it was checked), shown by the API.
 */
export class ConnectorStatusStore {
  constructor(private readonly options: ConnectorStatusStoreOptions) {}

  /** The cached tool list, or undefined when there is none (or it does not parse). */
  async tools(namespace: string, name: string): Promise<McpTool[] | undefined> {
    const cached = await this.options.redis.get(this.options.keys.connectorTools(namespace, name));
    if (cached === null) return undefined;
    try {
      return CachedToolsSchema.parse(JSON.parse(cached));
    } catch {
      return undefined;
    }
  }

  /** Keeps the tool list for the TTL, and records the server as reachable, in one step. */
  async saveTools(namespace: string, name: string, tools: McpTool[]): Promise<void> {
    const { redis, keys, toolsTtlMs } = this.options;
    const results = await redis
      .multi()
      .set(keys.connectorTools(namespace, name), JSON.stringify(tools), 'PX', toolsTtlMs)
      .hset(keys.connectorHealth(namespace, name), healthFields(true))
      .hdel(keys.connectorHealth(namespace, name), 'lastError')
      .exec();
    for (const [err] of results ?? []) if (err) throw err;
  }

  /** Records that the server could not be reached, and why (a message free of credentials). */
  async saveFailure(namespace: string, name: string, error: string): Promise<void> {
    await this.options.redis.hset(
      this.options.keys.connectorHealth(namespace, name),
      healthFields(false, error.slice(0, MAX_ERROR_CHARS)),
    );
  }

  /** The health of each connector named, in order; undefined for one never checked. */
  async health(
    namespace: string,
    names: readonly string[],
  ): Promise<(ConnectorHealth | undefined)[]> {
    if (names.length === 0) return [];
    const pipeline = this.options.redis.pipeline();
    for (const name of names) pipeline.hgetall(this.options.keys.connectorHealth(namespace, name));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, hash]) => {
      if (err) throw err;
      const fields = hash as Record<string, string>;
      if (!fields['checkedAt']) return undefined;
      return {
        reachable: fields['reachable'] === '1',
        checkedAt: fields['checkedAt'],
        ...(fields['lastError'] ? { lastError: fields['lastError'] } : {}),
      };
    });
  }

  /** Forgets what was learnt of a connector: its settings changed, or it is gone. */
  async forget(namespace: string, name: string): Promise<void> {
    const { redis, keys } = this.options;
    await redis.del(keys.connectorTools(namespace, name), keys.connectorHealth(namespace, name));
  }
}

function healthFields(reachable: boolean, lastError?: string): Record<string, string> {
  return {
    reachable: reachable ? '1' : '0',
    checkedAt: new Date().toISOString(),
    ...(lastError !== undefined ? { lastError } : {}),
  };
}

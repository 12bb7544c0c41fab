import { ConnectorSpecSchema } from '@komputer/contracts';
import type { ConnectorSpec } from '@komputer/contracts';
import type { Keys } from '@komputer/store';
import type { Redis } from 'ioredis';

/** A connector as stored. */
export interface ConnectorRecord {
  name: string;
  namespace: string;
  spec: ConnectorSpec;
  createdAt: string;
  updatedAt: string;
}

/** Options for {@link ConnectorStore}. */
export interface ConnectorStoreOptions {
  redis: Redis;
  keys: Keys;
}

/** Connectors in Redis: `komputer:{ns}:connector:{name}` holds the spec as JSON. */
export class ConnectorStore {
  private readonly redis: Redis;
  private readonly keys: Keys;

  constructor(options: ConnectorStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
  }

  async get(namespace: string, name: string): Promise<ConnectorRecord | undefined> {
    const [spec, createdAt, updatedAt] = await this.redis.hmget(
      this.keys.connector(namespace, name),
      'spec',
      'createdAt',
      'updatedAt',
    );
    if (!spec || !createdAt) return undefined;
    return {
      name,
      namespace,
      spec: ConnectorSpecSchema.parse(JSON.parse(spec)),
      createdAt,
      updatedAt: updatedAt ?? createdAt,
    };
  }

  /** Every connector in a namespace, sorted by name. */
  async list(namespace: string): Promise<ConnectorRecord[]> {
    const names = (await this.redis.smembers(this.keys.connectors(namespace))).sort();
    const found = await Promise.all(names.map((name) => this.get(namespace, name)));
    return found.filter((c): c is ConnectorRecord => c !== undefined);
  }

  /** Creates the connector, or replaces the spec of an existing one (keeping its createdAt). */
  async put(
    namespace: string,
    name: string,
    spec: ConnectorSpec,
    now: string,
  ): Promise<ConnectorRecord> {
    const key = this.keys.connector(namespace, name);
    const results =
      (await this.redis
        .multi()
        .hsetnx(key, 'createdAt', now)
        .hset(key, 'spec', JSON.stringify(spec), 'updatedAt', now)
        .sadd(this.keys.connectors(namespace), name)
        .hget(key, 'createdAt')
        .exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const createdAt = results[3]?.[1];
    return { name, namespace, spec, createdAt: String(createdAt ?? now), updatedAt: now };
  }

  /** Deletes a connector; false when there was none. */
  async delete(namespace: string, name: string): Promise<boolean> {
    const results =
      (await this.redis
        .multi()
        .del(this.keys.connector(namespace, name))
        .srem(this.keys.connectors(namespace), name)
        .exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return results[0]?.[1] === 1;
  }
}

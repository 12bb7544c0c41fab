import { ConnectorSpecSchema, ContentSpecSchema } from '@komputer/contracts';
import type { ConnectorSpec, ContentSpec } from '@komputer/contracts';
import { LuaScript } from '@komputer/store';
import type { Keys } from '@komputer/store';
import type { RedisClient } from '@komputer/service-kit';
import type { z } from 'zod';

/** A resource as stored: its name, its settings (the spec) and when it was written. */
export interface ResourceRecord<Spec> {
  name: string;
  namespace: string;
  spec: Spec;
  createdAt: string;
  updatedAt: string;
}

/** Options for {@link ResourceStore}. */
export interface ResourceStoreOptions<Spec> {
  redis: RedisClient;
  /** The hash of one resource. */
  key: (namespace: string, name: string) => string;
  /** The set of the resources' names in a namespace. */
  index: (namespace: string) => string;
  /** Checks a spec read back, so that a stored record of an older shape fails loudly. */
  schema: z.ZodType<Spec>;
}

// Merges fields into an existing resource's spec, so that two PATCHes of different fields both
// hold. KEYS: resource hash. ARGV: the fields as a JSON object, now.
// Returns {spec JSON, createdAt}, or nil when there is no such resource.
const patchScript = new LuaScript(
  `
local current = redis.call('HGET', KEYS[1], 'spec')
if not current then return nil end
local spec = cjson.decode(current)
for field, value in pairs(cjson.decode(ARGV[1])) do spec[field] = value end
local encoded = cjson.encode(spec)
redis.call('HSET', KEYS[1], 'spec', encoded, 'updatedAt', ARGV[2])
return {encoded, redis.call('HGET', KEYS[1], 'createdAt')}
`,
  1,
);

// Deletes a resource unless agents name it (or `force`), in one step: an agent's write checks
// in one step too that the connectors it names exist (see the agent store's `missingRef`).
// KEYS: resource hash, names index, the set of the agents that name it. ARGV: name, force.
// Returns false when there is no such resource, else {outcome, users}: outcome is 'deleted' or
// 'in_use' (nothing deleted).
const deleteUnlessUsedScript = new LuaScript(
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local users = redis.call('SMEMBERS', KEYS[3])
if ARGV[2] ~= '1' and #users > 0 then return {'in_use', users} end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return {'deleted', users}
`,
  3,
);

/**
 * Named resources of one kind in Redis (connectors, memories, skills): a hash per resource,
 * `komputer:{ns}:<kind>:{name}`, holds the spec as JSON; a set per namespace indexes the names.
 */
export class ResourceStore<Spec extends object> {
  private readonly redis: RedisClient;
  private readonly key: (namespace: string, name: string) => string;
  private readonly index: (namespace: string) => string;
  private readonly schema: z.ZodType<Spec>;

  constructor(options: ResourceStoreOptions<Spec>) {
    this.redis = options.redis;
    this.key = options.key;
    this.index = options.index;
    this.schema = options.schema;
  }

  async get(namespace: string, name: string): Promise<ResourceRecord<Spec> | undefined> {
    const [spec, createdAt, updatedAt] = await this.redis.hmget(
      this.key(namespace, name),
      'spec',
      'createdAt',
      'updatedAt',
    );
    if (!spec || !createdAt) return undefined;
    return {
      name,
      namespace,
      spec: this.schema.parse(JSON.parse(spec)),
      createdAt,
      updatedAt: updatedAt ?? createdAt,
    };
  }

  /** Every resource in a namespace, sorted by name. */
  async list(namespace: string): Promise<ResourceRecord<Spec>[]> {
    const names = (await this.redis.smembers(this.index(namespace))).sort();
    const found = await Promise.all(names.map((name) => this.get(namespace, name)));
    return found.filter((r): r is ResourceRecord<Spec> => r !== undefined);
  }

  /** Creates the resource, or replaces the spec of an existing one (keeping its createdAt). */
  async put(
    namespace: string,
    name: string,
    spec: Spec,
    now: string,
  ): Promise<ResourceRecord<Spec>> {
    const key = this.key(namespace, name);
    const results =
      (await this.redis
        .multi()
        .hsetnx(key, 'createdAt', now)
        .hset(key, 'spec', JSON.stringify(spec), 'updatedAt', now)
        .sadd(this.index(namespace), name)
        .hget(key, 'createdAt')
        .exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    const createdAt = results[3]?.[1];
    return { name, namespace, spec, createdAt: String(createdAt ?? now), updatedAt: now };
  }

  /**
   * Sets the given top-level fields of an existing resource's spec, in one atomic step;
   * undefined when there is no such resource.
   */
  async patch(
    namespace: string,
    name: string,
    fields: Partial<Spec>,
    now: string,
  ): Promise<ResourceRecord<Spec> | undefined> {
    const result = (await patchScript.run(
      this.redis,
      [this.key(namespace, name)],
      [JSON.stringify(fields), now],
    )) as [string, string] | null;
    if (!result) return undefined;
    const [spec, createdAt] = result;
    return {
      name,
      namespace,
      spec: this.schema.parse(JSON.parse(spec)),
      createdAt,
      updatedAt: now,
    };
  }

  /**
   * Deletes a resource unless a member of the set `usersKey` (the agents that name it) is left,
   * or `force`, in one atomic step. Undefined when there was no such resource; else whether it
   * was deleted and the members of that set, as they were.
   */
  async deleteUnlessUsed(
    namespace: string,
    name: string,
    usersKey: string,
    force: boolean,
  ): Promise<{ deleted: boolean; users: string[] } | undefined> {
    const reply = (await deleteUnlessUsedScript.run(
      this.redis,
      [this.key(namespace, name), this.index(namespace), usersKey],
      [name, force ? '1' : '0'],
    )) as [string, string[]] | null;
    if (!reply) return undefined;
    return { deleted: reply[0] === 'deleted', users: reply[1] };
  }

  /** Deletes a resource; false when there was none. */
  async delete(namespace: string, name: string): Promise<boolean> {
    const results =
      (await this.redis
        .multi()
        .del(this.key(namespace, name))
        .srem(this.index(namespace), name)
        .exec()) ?? [];
    for (const [err] of results) if (err) throw err;
    return results[0]?.[1] === 1;
  }
}

/** The stores of the resources that agents attach by name. */
export interface ResourceStores {
  connectors: ResourceStore<ConnectorSpec>;
  memories: ResourceStore<ContentSpec>;
  skills: ResourceStore<ContentSpec>;
}

/** The connector, memory and skill stores over one Redis connection. */
export function createResourceStores(redis: RedisClient, keys: Keys): ResourceStores {
  return {
    connectors: new ResourceStore({
      redis,
      key: keys.connector,
      index: keys.connectors,
      schema: ConnectorSpecSchema,
    }),
    memories: new ResourceStore({
      redis,
      key: keys.memory,
      index: keys.memories,
      schema: ContentSpecSchema,
    }),
    skills: new ResourceStore({
      redis,
      key: keys.skill,
      index: keys.skills,
      schema: ContentSpecSchema,
    }),
  };
}

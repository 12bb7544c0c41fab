import { TemplateSpecSchema } from '@komputer/contracts';
import type { TemplateScope, TemplateSpec } from '@komputer/contracts';
import type { RedisClient } from '@komputer/service-kit';
import { CLUSTER_SCOPE, templateMember } from './keys';
import type { Keys } from './keys';
import { fromPairs } from './redis-hash';
import { LuaScript } from './script';
import { DELETE_TEMPLATE, PUT_TEMPLATE } from './scripts';
import type { TaskQueue } from './task-queue';

/** A template as stored. */
export interface TemplateRecord {
  name: string;
  scope: TemplateScope;
  /** The namespace of a `namespace` template. */
  namespace?: string;
  spec: TemplateSpec;
  createdAt: string;
  updatedAt: string;
}

/** Where a template lives: in a namespace, or cluster-wide. */
export interface TemplateLocation {
  scope: TemplateScope;
  /** The namespace of a `namespace` template; ignored for a cluster one. */
  namespace: string;
}

/** What {@link TemplateStore.delete} did. */
export type TemplateDeleteResult =
  { outcome: 'deleted' | 'absent' } | { outcome: 'in-use'; count: number; agents: string[] };

/** Options for {@link TemplateStore}. */
export interface TemplateStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /** Wakes the queued jobs of the tasks that a raised cap admits. */
  queue?: TaskQueue;
}

/** Each template setting is its own hash field, so that the scheduler's scripts read the cap. */
const SPEC_FIELD_PREFIX = 'spec.';

const putScript = new LuaScript(PUT_TEMPLATE, 2);
const deleteScript = new LuaScript(DELETE_TEMPLATE, 3);

/** Rounds of {@link TemplateStore}'s warm-pool index update before it leaves it to the next write. */
const POOL_SYNC_ROUNDS = 5;

/**
 * A cluster-wide template was written on a Redis Cluster, which has none: an agent's scripts
 * would read it from another slot than the agent's keys.
 */
export class ClusterScopeUnavailableError extends Error {
  override readonly name = 'ClusterScopeUnavailableError';

  constructor(readonly template: string) {
    super(
      `cluster-wide templates are not available on a Redis Cluster (each namespace's keys live in their own slot): store "${template}" in the namespaces that use it`,
    );
  }
}

/** The scope a template is kept under in its keys: its namespace, or the cluster's. */
function scopeKey(location: TemplateLocation): string {
  return location.scope === 'cluster' ? CLUSTER_SCOPE : location.namespace;
}

/** A template's hash, decoded; undefined for one that does not exist. */
export function decodeTemplate(hash: Record<string, string>): TemplateRecord | undefined {
  if (!hash['name'] || !hash['createdAt']) return undefined;
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hash)) {
    if (key.startsWith(SPEC_FIELD_PREFIX))
      spec[key.slice(SPEC_FIELD_PREFIX.length)] = JSON.parse(value);
  }
  const scope = hash['scope'] === 'cluster' ? 'cluster' : 'namespace';
  return {
    name: hash['name'],
    scope,
    ...(scope === 'namespace' && hash['namespace'] ? { namespace: hash['namespace'] } : {}),
    spec: TemplateSpecSchema.parse(spec),
    createdAt: hash['createdAt'],
    updatedAt: hash['updatedAt'] ?? hash['createdAt'],
  };
}

/** The task ids of what a script admitted (`{agentKey, taskId, ...}`). */
export function admittedTasks(flat: readonly string[] | undefined): string[] {
  const ids: string[] = [];
  for (let i = 1; i < (flat?.length ?? 0); i += 2) ids.push(flat?.[i] as string);
  return ids;
}

/**
 * Agent templates in Redis, per namespace and cluster-wide (under {@link CLUSTER_SCOPE}). A
 * template's delete is refused, in the same step, while agents name it (the reverse index of
 * the `template` kind); its cap's slots and queue are kept by the agents' scripts.
 */
export class TemplateStore {
  constructor(private readonly options: TemplateStoreOptions) {}

  /** One template, or undefined. */
  async get(location: TemplateLocation, name: string): Promise<TemplateRecord | undefined> {
    const hash = await this.options.redis.hgetall(
      this.options.keys.template(scopeKey(location), name),
    );
    const record = decodeTemplate(hash);
    return record && this.locate(record, location);
  }

  /** Every template of a namespace, or of the cluster, by name. */
  async list(location: TemplateLocation): Promise<TemplateRecord[]> {
    const { redis, keys } = this.options;
    const scope = scopeKey(location);
    const names = (await redis.smembers(keys.templates(scope))).sort();
    if (names.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const name of names) pipeline.hgetall(keys.template(scope, name));
    const records: TemplateRecord[] = [];
    for (const [err, hash] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      const record = decodeTemplate(hash as Record<string, string>);
      if (record) records.push(this.locate(record, location));
    }
    return records;
  }

  /**
   * The template that an agent of `namespace` gets when it names `name`: its namespace's, else
   * the cluster's; undefined when neither is stored.
   */
  async resolve(namespace: string, name: string): Promise<TemplateRecord | undefined> {
    return (
      (await this.get({ scope: 'namespace', namespace }, name)) ??
      (await this.get({ scope: 'cluster', namespace }, name))
    );
  }

  /**
   * Stores a template: `replace` sets exactly `spec`; otherwise the fields of `spec` change on an
   * existing one (undefined when there is none). The tasks that a raised cap admits are woken.
   */
  async put(
    location: TemplateLocation,
    name: string,
    spec: Partial<TemplateSpec>,
    replace: boolean,
  ): Promise<TemplateRecord | undefined> {
    const { redis, keys } = this.options;
    const scope = scopeKey(location);
    if (keys.hashTags && location.scope === 'cluster') throw new ClusterScopeUnavailableError(name);
    const pairs = Object.entries(spec).flatMap(([field, value]) =>
      value === undefined ? [] : [`${SPEC_FIELD_PREFIX}${field}`, JSON.stringify(value)],
    );
    const reply = (await putScript.run(
      redis,
      [keys.template(scope, name), keys.templates(scope)],
      [name, location.scope, new Date().toISOString(), replace ? '1' : '0', ...pairs],
    )) as [string[], string[]] | null;
    if (!reply) return undefined;
    await this.wake(reply[1]);
    const record = decodeTemplate(fromPairs(reply[0]));
    await this.syncPool(scope, name, (record?.spec.warmPoolSize ?? 0) > 0);
    return record && this.locate(record, location);
  }

  /**
   * Deletes a template unless agents name it (`force` deletes it even then), in one step. A
   * namespace template counts its namespace's agents; a cluster one, every namespace's.
   */
  async delete(
    location: TemplateLocation,
    name: string,
    force = false,
  ): Promise<TemplateDeleteResult> {
    const { redis, keys } = this.options;
    const scope = scopeKey(location);
    const reply = (await deleteScript.run(
      redis,
      [
        keys.template(scope, name),
        keys.templates(scope),
        keys.attachedAgents('template', scope, name),
      ],
      [name, force ? '1' : '0'],
    )) as [number, number?, string[]?];
    if (reply[0] === 1) {
      await this.syncPool(scope, name, false);
      return { outcome: 'deleted' };
    }
    if (reply[0] === 0) return { outcome: 'absent' };
    return { outcome: 'in-use', count: reply[1] ?? 0, agents: [...(reply[2] ?? [])].sort() };
  }

  /**
   * Every template that keeps a warm pool (`warmPoolSize` above 0), in every namespace and
   * cluster-wide, from the index that their writes keep.
   */
  async pools(): Promise<TemplateRecord[]> {
    const { redis, keys } = this.options;
    const members = (await redis.smembers(keys.warmPools())).sort();
    if (members.length === 0) return [];
    const locations: TemplateLocation[] = [];
    // Not one pipeline: on a cluster, the templates of different namespaces are on different nodes.
    const hashes = await Promise.all(
      members.map((member) => {
        const [scope = '', name = ''] = member.split('/');
        locations.push(
          scope === CLUSTER_SCOPE
            ? { scope: 'cluster', namespace: '' }
            : { scope: 'namespace', namespace: scope },
        );
        return redis.hgetall(keys.template(scope, name));
      }),
    );
    const records: TemplateRecord[] = [];
    for (const [i, hash] of hashes.entries()) {
      const record = decodeTemplate(hash);
      const location = locations[i];
      if (record && location && (record.spec.warmPoolSize ?? 0) > 0) {
        records.push(this.locate(record, location));
      }
    }
    return records;
  }

  /**
   * Puts the template in the index of warm pools (`pooled`) or takes it out, after the step that
   * wrote it: the index is a key of no namespace. Then reads the template again, and repeats
   * while a write made meanwhile disagrees, so that of two writers the later one settles it.
   */
  private async syncPool(scope: string, name: string, pooled: boolean): Promise<void> {
    const { redis, keys } = this.options;
    const member = templateMember(scope, name);
    for (let round = 0; round < POOL_SYNC_ROUNDS; round++) {
      if (pooled) await redis.sadd(keys.warmPools(), member);
      else await redis.srem(keys.warmPools(), member);
      const size = await redis.hget(keys.template(scope, name), `${SPEC_FIELD_PREFIX}warmPoolSize`);
      const now = Number(size ?? 0) > 0;
      if (now === pooled) return;
      pooled = now;
    }
  }

  /** Wakes the jobs of admitted tasks; one that stays asleep wakes at its next check. */
  private async wake(admitted: readonly string[]): Promise<void> {
    const ids = admittedTasks(admitted);
    if (ids.length > 0 && this.options.queue) await this.options.queue.wake(ids);
  }

  private locate(record: TemplateRecord, location: TemplateLocation): TemplateRecord {
    return record.scope === 'namespace' ? { ...record, namespace: location.namespace } : record;
  }
}

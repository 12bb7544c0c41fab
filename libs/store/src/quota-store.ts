import { USAGE_RETENTION_DAYS } from '@komputer/contracts';
import type { NamespaceQuota, UsageTotals } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { fromPairs } from './redis-hash';
import { LuaScript } from './script';
import { PUT_QUOTA } from './scripts';
import type { TaskQueue } from './task-queue';
import { admittedTasks } from './template-store';

/** Seconds in a day: the unit of the usage's retention. */
export const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

const putScript = new LuaScript(PUT_QUOTA, 1);

/** A namespace's quota as stored: its caps, and when it was set. */
export interface QuotaRecord extends NamespaceQuota {
  updatedAt?: string;
}

/** What a namespace's or an agent's tasks used over some days. */
export interface UsageReport extends UsageTotals {
  agents: (UsageTotals & { name: string })[];
}

/** Options for {@link QuotaStore}. */
export interface QuotaStoreOptions {
  redis: Redis;
  keys: Keys;
  /** Wakes the queued jobs of the tasks that a raised `maxRunningTasks` admits. */
  queue?: TaskQueue;
}

/** The days from `from` to `to` (`YYYY-MM-DD`, both included), oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`);) {
    days.push(new Date(t).toISOString().slice(0, 10));
    t += DAY_MS;
  }
  return days;
}

const emptyTotals = (): UsageTotals => ({ costUsd: 0, tokens: 0, tasks: 0 });

/**
 * Namespaces' quotas and usage. A quota's `maxAgents` is checked by the agents' claim, its
 * `maxRunningTasks` by the tasks' start (a cap as a template's), its `monthlyBudgetUsd` against
 * the usage that the tasks' ends add up, per day (see `Keys.usage`).
 */
export class QuotaStore {
  constructor(private readonly options: QuotaStoreOptions) {}

  /** The namespace's quota; `{}` when none is set. */
  async get(namespace: string): Promise<QuotaRecord> {
    return decodeQuota(await this.options.redis.hgetall(this.options.keys.quota(namespace)));
  }

  /** Replaces the namespace's quota; the tasks that its raised cap admits are woken. */
  async put(namespace: string, quota: NamespaceQuota): Promise<QuotaRecord> {
    const { redis, keys, queue } = this.options;
    const pairs = [
      ...(quota.maxAgents !== undefined ? ['maxAgents', quota.maxAgents] : []),
      ...(quota.maxRunningTasks !== undefined
        ? ['spec.maxConcurrentAgents', quota.maxRunningTasks]
        : []),
      ...(quota.monthlyBudgetUsd !== undefined ? ['monthlyBudgetUsd', quota.monthlyBudgetUsd] : []),
    ];
    const reason =
      quota.maxRunningTasks === undefined
        ? ''
        : `waiting for a slot: namespace "${namespace}" runs at most ${quota.maxRunningTasks} tasks at once (quota maxRunningTasks)`;
    const [hash, admitted] = (await putScript.run(
      redis,
      [keys.quota(namespace)],
      [new Date().toISOString(), reason, ...pairs],
    )) as [string[], string[]];
    const ids = admittedTasks(admitted);
    if (ids.length > 0 && queue) await queue.wake(ids);
    return decodeQuota(fromPairs(hash));
  }

  /** What the namespace uses of its quota now: its agents and its tasks holding a slot. */
  async inUse(namespace: string): Promise<{ agents: number; runningTasks: number }> {
    const { redis, keys } = this.options;
    const [agents, runningTasks] = await Promise.all([
      redis.scard(keys.agents(namespace)),
      redis.hlen(`${keys.quota(namespace)}:slots`),
    ]);
    return { agents, runningTasks };
  }

  /** What the namespace's tasks that ended in the calendar month (UTC) of `at` cost, in USD. */
  async monthSpend(namespace: string, at: Date): Promise<number> {
    const month = at.toISOString().slice(0, 7);
    const days = daysBetween(`${month}-01`, at.toISOString().slice(0, 10));
    const { redis, keys } = this.options;
    const pipeline = redis.pipeline();
    for (const day of days) pipeline.hget(keys.usage(namespace, day), 'costUsd');
    let spent = 0;
    for (const [err, cost] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      spent += Number(cost ?? 0);
    }
    return spent;
  }

  /**
   * The namespace's monthly budget in the calendar month (UTC) of `at`, what its tasks have
   * spent of it and what is left; undefined when it has none.
   */
  async budget(
    namespace: string,
    at: Date,
  ): Promise<{ month: string; budgetUsd: number; spentUsd: number; leftUsd: number } | undefined> {
    const { monthlyBudgetUsd } = await this.get(namespace);
    if (monthlyBudgetUsd === undefined) return undefined;
    const spentUsd = await this.monthSpend(namespace, at);
    return {
      month: at.toISOString().slice(0, 7),
      budgetUsd: monthlyBudgetUsd,
      spentUsd,
      leftUsd: monthlyBudgetUsd - spentUsd,
    };
  }

  /**
   * The namespace's usage over the days from `from` to `to` (both included, at most
   * `USAGE_RETENTION_DAYS` of them), and each agent's, by name.
   */
  async usage(namespace: string, from: string, to: string): Promise<UsageReport> {
    const { redis, keys } = this.options;
    // Only the days that can still be kept, however far back `from` is.
    const oldest = new Date(Date.parse(`${to}T00:00:00Z`) - (USAGE_RETENTION_DAYS - 1) * DAY_MS)
      .toISOString()
      .slice(0, 10);
    const days = daysBetween(from > oldest ? from : oldest, to);
    const pipeline = redis.pipeline();
    for (const day of days) pipeline.hgetall(keys.usage(namespace, day));
    const total = emptyTotals();
    const agents = new Map<string, UsageTotals>();
    for (const [err, hash] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) {
        const parts = field.split(':');
        const name = parts.length === 3 ? parts[1] : undefined;
        const kind = parts.at(-1) as keyof UsageTotals;
        if (!(kind in total)) continue;
        const into = name === undefined ? total : (agents.get(name) ?? emptyTotals());
        if (name !== undefined) agents.set(name, into);
        into[kind] += Number(value);
      }
    }
    return {
      ...total,
      agents: [...agents]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, totals]) => ({ name, ...totals })),
    };
  }
}

function decodeQuota(hash: Record<string, string>): QuotaRecord {
  const number = (field: string) => (hash[field] === undefined ? undefined : Number(hash[field]));
  const maxAgents = number('maxAgents');
  const maxRunningTasks = number('spec.maxConcurrentAgents');
  const monthlyBudgetUsd = number('monthlyBudgetUsd');
  return {
    ...(maxAgents !== undefined ? { maxAgents } : {}),
    ...(maxRunningTasks !== undefined ? { maxRunningTasks } : {}),
    ...(monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd } : {}),
    ...(hash['updatedAt'] ? { updatedAt: hash['updatedAt'] } : {}),
  };
}

import { MAX_RECENT_RUNS, ScheduleRunSchema, ScheduleSpecSchema } from '@komputer/contracts';
import type { ScheduleRun, ScheduleRunStatus, ScheduleSpec } from '@komputer/contracts';
import type { RedisClient } from '@komputer/service-kit';
import type { Keys } from './keys';
import { LuaScript } from './script';

/** A schedule as stored: its settings, and the state of its runs. */
export interface ScheduleRecord {
  name: string;
  namespace: string;
  spec: ScheduleSpec;
  createdAt: string;
  updatedAt: string;
  runCount: number;
  successfulRuns: number;
  failedRuns: number;
  skippedRuns: number;
  totalCostUSD: string;
  totalTokens: number;
  lastRunTime?: string;
  lastRunStatus?: ScheduleRunStatus;
  lastRunMessage?: string;
  /** The task that the last run started, while it is the last run's. */
  lastRunTaskId?: string;
  /** The agent that the last run gave its task to. */
  lastRunAgent?: string;
  /** The agent's token count when the last run's task started: its tokens are the rise. */
  lastRunStartTokens?: number;
  lastRunCostUSD?: string;
  lastRunTokens?: number;
  /** The most recent runs, newest first. */
  recentRuns: ScheduleRun[];
}

/** What {@link ScheduleStore.beginRun} found. */
export type BeginRunResult = 'begun' | 'absent' | 'duplicate';

/** How a started run's task ended, as {@link ScheduleStore.settleRun} records it. */
export interface RunSettlement {
  status: Extract<ScheduleRunStatus, 'Complete' | 'Error' | 'Cancelled' | 'Unknown'>;
  message?: string;
  costUSD?: string;
  tokens: number;
}

/** Options for {@link ScheduleStore}. */
export interface ScheduleStoreOptions {
  redis: RedisClient;
  keys: Keys;
}

/**
 * Marks a run as begun, once per run id: a job that BullMQ hands out again (its worker stalled)
 * finds its id there and fires nothing. KEYS: schedule. ARGV: run id.
 */
const BEGIN_RUN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'absent' end
if redis.call('HGET', KEYS[1], 'lastRunId') == ARGV[1] then return 'duplicate' end
redis.call('HSET', KEYS[1], 'lastRunId', ARGV[1])
return 'begun'
`;

/**
 * Records a run as it fired, on a schedule that still exists. KEYS: schedule, runs. ARGV: the
 * run as JSON, its outcome, time, status, message, task id, agent, the agent's tokens, the most
 * runs kept.
 */
const RECORD_RUN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local outcome = ARGV[2]
redis.call('HINCRBY', KEYS[1], 'runCount', 1)
if outcome == 'Skipped' then redis.call('HINCRBY', KEYS[1], 'skippedRuns', 1) end
if outcome == 'Failed' then redis.call('HINCRBY', KEYS[1], 'failedRuns', 1) end
redis.call('HDEL', KEYS[1], 'lastRunMessage', 'lastRunTaskId', 'lastRunAgent',
  'lastRunStartTokens', 'lastRunCostUSD', 'lastRunTokens')
redis.call('HSET', KEYS[1], 'lastRunTime', ARGV[3], 'lastRunStatus', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'lastRunMessage', ARGV[5]) end
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'lastRunTaskId', ARGV[6], 'lastRunAgent', ARGV[7],
    'lastRunStartTokens', ARGV[8])
end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[9]) - 1)
return 1
`;

/**
 * Records how the last run's task ended, once: only while that task is the last run's and is
 * not settled yet. KEYS: schedule. ARGV: task id, status, message, cost, tokens.
 */
const SETTLE_RUN = `
if redis.call('HGET', KEYS[1], 'lastRunTaskId') ~= ARGV[1] then return 0 end
local status = redis.call('HGET', KEYS[1], 'lastRunStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return 0 end
redis.call('HSET', KEYS[1], 'lastRunStatus', ARGV[2], 'lastRunTokens', ARGV[5])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'lastRunMessage', ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'lastRunCostUSD', ARGV[4])
  redis.call('HINCRBYFLOAT', KEYS[1], 'totalCostUSD', ARGV[4])
end
redis.call('HINCRBY', KEYS[1], 'totalTokens', ARGV[5])
if ARGV[2] == 'Complete' then
  redis.call('HINCRBY', KEYS[1], 'successfulRuns', 1)
elseif ARGV[2] ~= 'Unknown' then
  redis.call('HINCRBY', KEYS[1], 'failedRuns', 1)
end
return 1
`;

/**
 * Replaces a schedule's settings if they are still those that the change was made from.
 * KEYS: schedule. ARGV: the settings read, the new ones, the time.
 */
const SWAP_SPEC = `
if redis.call('HGET', KEYS[1], 'spec') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'spec', ARGV[2], 'updatedAt', ARGV[3])
return 1
`;

const swapSpecScript = new LuaScript(SWAP_SPEC, 1);
const beginRunScript = new LuaScript(BEGIN_RUN, 1);
const recordRunScript = new LuaScript(RECORD_RUN, 2);
const settleRunScript = new LuaScript(SETTLE_RUN, 1);

/** Most times an update retries when the schedule changed under it. */
const UPDATE_ATTEMPTS = 10;

function count(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** A schedule's hash and runs, decoded; undefined for one that does not exist. */
function decodeSchedule(
  hash: Record<string, string>,
  runs: readonly string[],
): ScheduleRecord | undefined {
  if (!hash['name'] || !hash['namespace'] || !hash['spec'] || !hash['createdAt']) return undefined;
  const optional = <K extends string>(key: K) =>
    hash[key] !== undefined ? ({ [key]: hash[key] } as Record<K, string>) : {};
  return {
    name: hash['name'],
    namespace: hash['namespace'],
    spec: ScheduleSpecSchema.parse(JSON.parse(hash['spec'])),
    createdAt: hash['createdAt'],
    updatedAt: hash['updatedAt'] ?? hash['createdAt'],
    runCount: count(hash['runCount']),
    successfulRuns: count(hash['successfulRuns']),
    failedRuns: count(hash['failedRuns']),
    skippedRuns: count(hash['skippedRuns']),
    totalCostUSD: hash['totalCostUSD'] ?? '0',
    totalTokens: count(hash['totalTokens']),
    ...optional('lastRunTime'),
    ...(hash['lastRunStatus'] !== undefined
      ? { lastRunStatus: hash['lastRunStatus'] as ScheduleRunStatus }
      : {}),
    ...optional('lastRunMessage'),
    ...optional('lastRunTaskId'),
    ...optional('lastRunAgent'),
    ...(hash['lastRunStartTokens'] !== undefined
      ? { lastRunStartTokens: count(hash['lastRunStartTokens']) }
      : {}),
    ...optional('lastRunCostUSD'),
    ...(hash['lastRunTokens'] !== undefined ? { lastRunTokens: count(hash['lastRunTokens']) } : {}),
    recentRuns: runs.flatMap((run) => {
      const parsed = ScheduleRunSchema.safeParse(JSON.parse(run));
      return parsed.success ? [parsed.data] : [];
    }),
  };
}

/**
 * Schedules in Redis: each one's settings and run state in a hash, its recent runs in a bounded
 * list, and an index per namespace. The job schedulers that fire them live in BullMQ
 * ({@link ScheduleQueue}); a run reads the settings here when it fires.
 */
export class ScheduleStore {
  constructor(private readonly options: ScheduleStoreOptions) {}

  /** One schedule, or undefined. */
  async get(namespace: string, name: string): Promise<ScheduleRecord | undefined> {
    const { redis, keys } = this.options;
    const [hash, runs] = await Promise.all([
      redis.hgetall(keys.schedule(namespace, name)),
      redis.lrange(keys.scheduleRuns(namespace, name), 0, -1),
    ]);
    return decodeSchedule(hash, runs);
  }

  /** Every schedule of a namespace, by name. */
  async list(namespace: string): Promise<ScheduleRecord[]> {
    const { redis, keys } = this.options;
    const names = (await redis.smembers(keys.schedules(namespace))).sort();
    if (names.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const name of names) {
      pipeline.hgetall(keys.schedule(namespace, name));
      pipeline.lrange(keys.scheduleRuns(namespace, name), 0, -1);
    }
    const replies = (await pipeline.exec()) ?? [];
    const records: ScheduleRecord[] = [];
    for (let i = 0; i + 1 < replies.length; i += 2) {
      const [hashErr, hash] = replies[i] as [Error | null, Record<string, string>];
      const [runsErr, runs] = replies[i + 1] as [Error | null, string[]];
      if (hashErr ?? runsErr) throw hashErr ?? runsErr;
      const record = decodeSchedule(hash, runs);
      if (record) records.push(record);
    }
    return records;
  }

  /** Stores a schedule's settings, creating it or replacing those of the existing one. */
  async put(namespace: string, name: string, spec: ScheduleSpec): Promise<ScheduleRecord> {
    const { redis, keys } = this.options;
    const key = keys.schedule(namespace, name);
    const now = new Date().toISOString();
    await redis
      .multi()
      .hsetnx(key, 'createdAt', now)
      .hset(key, 'name', name, 'namespace', namespace, 'spec', JSON.stringify(spec))
      .hset(key, 'updatedAt', now)
      .sadd(keys.schedules(namespace), name)
      .exec();
    const record = await this.get(namespace, name);
    if (!record) throw new Error(`schedule "${name}" was not stored`);
    return record;
  }

  /**
   * Changes an existing schedule's settings with `change`, as one step with reading them: it
   * writes only if they are still those it read, and reads again otherwise. Undefined when
   * there is none.
   */
  async update(
    namespace: string,
    name: string,
    change: (spec: ScheduleSpec) => ScheduleSpec,
  ): Promise<{ before: ScheduleSpec; record: ScheduleRecord } | undefined> {
    const { redis, keys } = this.options;
    const key = keys.schedule(namespace, name);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await redis.hget(key, 'spec');
      if (stored === null) return undefined;
      const before = ScheduleSpecSchema.parse(JSON.parse(stored));
      const swapped = await swapSpecScript.run(
        redis,
        [key],
        [stored, JSON.stringify(change(before)), new Date().toISOString()],
      );
      if (swapped === 1) {
        const record = await this.get(namespace, name);
        return record && { before, record };
      }
    }
    throw new Error(`schedule "${name}" kept changing; try again`);
  }

  /** Deletes a schedule and its runs; false when there was none. */
  async delete(namespace: string, name: string): Promise<boolean> {
    const { redis, keys } = this.options;
    const replies = await redis
      .multi()
      .del(keys.schedule(namespace, name))
      .del(keys.scheduleRuns(namespace, name))
      .srem(keys.schedules(namespace), name)
      .exec();
    return replies?.[0]?.[1] === 1;
  }

  /** Marks the run `runId` as begun; `duplicate` when it already was, `absent` with no schedule. */
  async beginRun(namespace: string, name: string, runId: string): Promise<BeginRunResult> {
    const { redis, keys } = this.options;
    return (await beginRunScript.run(
      redis,
      [keys.schedule(namespace, name)],
      [runId],
    )) as BeginRunResult;
  }

  /**
   * Records a run as it fired: its outcome in the counts, the last run, and the recent runs. A
   * started run's status is `Queued` until {@link settleRun}. False when the schedule is gone.
   */
  async recordRun(
    namespace: string,
    name: string,
    run: ScheduleRun,
    startTokens = 0,
  ): Promise<boolean> {
    const { redis, keys } = this.options;
    const status: ScheduleRunStatus = run.outcome === 'Started' ? 'Queued' : run.outcome;
    const reply = await recordRunScript.run(
      redis,
      [keys.schedule(namespace, name), keys.scheduleRuns(namespace, name)],
      [
        JSON.stringify(run),
        run.outcome,
        run.time,
        status,
        run.message ?? '',
        run.taskId ?? '',
        run.agentName,
        String(startTokens),
        String(MAX_RECENT_RUNS),
      ],
    );
    return reply === 1;
  }

  /**
   * Records how the last run's task ended, once, and adds it to the counts and totals. False
   * when that task is no longer the last run's, or was settled already.
   */
  async settleRun(
    namespace: string,
    name: string,
    taskId: string,
    settlement: RunSettlement,
  ): Promise<boolean> {
    const { redis, keys } = this.options;
    const reply = await settleRunScript.run(
      redis,
      [keys.schedule(namespace, name)],
      [
        taskId,
        settlement.status,
        settlement.message ?? '',
        settlement.costUSD ?? '',
        String(settlement.tokens),
      ],
    );
    return reply === 1;
  }
}

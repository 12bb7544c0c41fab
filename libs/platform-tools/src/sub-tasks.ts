import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { TaskRef, TaskWaits } from './task-waits';

/** Most sub-tasks one manager task keeps track of; one more is refused. */
export const MAX_SUB_TASKS = 1_000;

const TaskRefSchema = z.object({ namespace: z.string(), agent: z.string(), taskId: z.string() });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Where a manager task's sub-tasks are kept in Redis: a list, which expires after `ttlMs`. */
export interface SubTaskStore {
  redis: Redis;
  key: string;
  /** How long the list outlives its last change: as long as the manager's task may still run. */
  ttlMs: number;
}

/**
 * The tasks that one manager task started on its sub-agents, in order: `await_agents` waits for
 * these (never an earlier task of the same agent), their costs count against the manager task's
 * budget, and cancelling the manager task cancels the ones still running. Kept by the supervisor
 * of the manager's task, for as long as that task runs, and in Redis when given a `store`: a
 * scheduler that adopts the task from one that died {@link restore}s them.
 */
export class SubTasks {
  private readonly started: TaskRef[] = [];
  /** The cost of each ended sub-task, by task id, once read. */
  private readonly costs = new Map<string, number>();

  constructor(private readonly store?: SubTaskStore) {}

  /** Whether another sub-task may be recorded. */
  get full(): boolean {
    return this.started.length >= MAX_SUB_TASKS;
  }

  /**
   * Records a task given to a sub-agent (a steer into its running task records that task);
   * resolves once the store has it.
   */
  async record(ref: TaskRef): Promise<void> {
    if (this.started.some((r) => r.taskId === ref.taskId)) return;
    this.started.push(ref);
    if (!this.store) return;
    const { redis, key, ttlMs } = this.store;
    await redis.multi().rpush(key, JSON.stringify(ref)).pexpire(key, ttlMs).exec();
  }

  /** Takes back the sub-tasks that the store kept for this task (its supervisor changed). */
  async restore(): Promise<void> {
    if (!this.store) return;
    const { redis, key, ttlMs } = this.store;
    // Kept for as long as this supervisor may run the task, which has a timeout of its own.
    const [kept] = await Promise.all([
      redis.lrange(key, 0, MAX_SUB_TASKS - 1),
      redis.pexpire(key, ttlMs),
    ]);
    const known = new Set(this.started.map((ref) => ref.taskId));
    for (const entry of kept) {
      const parsed = TaskRefSchema.safeParse(parseJson(entry));
      if (!parsed.success || known.has(parsed.data.taskId)) continue;
      known.add(parsed.data.taskId);
      this.started.push(parsed.data);
    }
  }

  /** Deletes what the store kept: the manager's task has ended. */
  async forget(): Promise<void> {
    if (this.store) await this.store.redis.del(this.store.key);
  }

  /** The last task this manager task gave to `agent`, if any. */
  latest(agent: string): TaskRef | undefined {
    return this.started.findLast((ref) => ref.agent === agent);
  }

  /** Every recorded sub-task, oldest first. */
  all(): readonly TaskRef[] {
    return this.started;
  }

  /** Notes the cost of an ended sub-task. */
  noteCost(taskId: string, costUsd: number): void {
    this.costs.set(taskId, costUsd);
  }

  /**
   * What the sub-tasks have cost so far: the cost of each that has ended (a running one counts
   * once it ends, when its cost is known).
   */
  async costUsd(waits: TaskWaits): Promise<number> {
    const unknown = this.started.filter((ref) => !this.costs.has(ref.taskId));
    const ends = await Promise.all(unknown.map((ref) => waits.ended(ref)));
    ends.forEach((event, i) => {
      const ref = unknown[i];
      if (!event || !ref) return;
      this.costs.set(ref.taskId, event.type === 'task_completed' ? event.payload.cost_usd : 0);
    });
    let total = 0;
    for (const cost of this.costs.values()) total += cost;
    return total;
  }
}

import { TASKS_QUEUE } from '@komputer/contracts';
import type { TaskJob } from '@komputer/contracts';
import { Queue } from 'bullmq';
import type { RedisClient } from '@komputer/service-kit';

/** Options for {@link TaskQueue}. */
export interface TaskQueueOptions {
  /** A fail-fast connection: producers must not queue commands while Redis is down. */
  redis: RedisClient;
  /** BullMQ key prefix. */
  prefix: string;
  /** Finished jobs kept for inspection, at most this many (and for at most a day). */
  keepFinished?: number;
}

/** Name of every job on the tasks queue. */
export const TASK_JOB_NAME = 'task';

/**
 * How long the job of a task that waits for a slot of its template's cap sleeps (delayed) before
 * it looks again. A freed slot wakes it at once; this bounds the wait should that wake be lost.
 */
export const WAITING_TASK_RECHECK_MS = 30_000;

/** The producer side of the `tasks` queue. The job id is the task id. */
export class TaskQueue {
  readonly queue: Queue<TaskJob, void, typeof TASK_JOB_NAME>;
  private readonly redis: RedisClient;

  constructor(options: TaskQueueOptions) {
    this.redis = options.redis;
    const keep = options.keepFinished ?? 1_000;
    this.queue = new Queue<TaskJob, void, typeof TASK_JOB_NAME>(TASKS_QUEUE, {
      connection: options.redis,
      prefix: options.prefix,
      defaultJobOptions: {
        removeOnComplete: { count: keep, age: 24 * 3600 },
        removeOnFail: { count: keep, age: 24 * 3600 },
      },
    });
  }

  /** Adds a task; with `delayMs`, a worker takes it only after that long, or once woken. */
  async enqueue(job: TaskJob, options: { delayMs?: number } = {}): Promise<void> {
    await this.queue.add(TASK_JOB_NAME, job, {
      jobId: job.taskId,
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    });
  }

  /**
   * Wakes the delayed jobs of `taskIds` (tasks that a freed slot admitted), so that a worker
   * takes them now. Best effort: a job that is not delayed (it was woken or taken meanwhile, or
   * is not delayed yet: its worker wakes it then) is left alone, and one that stays asleep wakes
   * by itself after {@link WAITING_TASK_RECHECK_MS}.
   */
  async wake(taskIds: readonly string[]): Promise<void> {
    await Promise.all(
      taskIds.map(async (taskId) => {
        const job = await this.queue.getJob(taskId);
        if (job && (await job.isDelayed())) await job.promote();
      }),
    ).catch(() => undefined);
  }

  /**
   * Each task's place among the jobs that wait for a worker (1 = taken next), or undefined for a
   * task whose job does not wait there (delayed, held by a worker, or gone). BullMQ has no call
   * for it, so this reads its wait list: a job joins it on the left and a worker takes the one
   * on the right (RPOPLPUSH), so a job's place is its distance from the right end. One round
   * trip for all the tasks.
   */
  async waitingPlaces(taskIds: readonly string[]): Promise<(number | undefined)[]> {
    if (taskIds.length === 0) return [];
    const wait = this.queue.toKey('wait');
    const pipeline = this.redis.pipeline().llen(wait);
    for (const taskId of taskIds) pipeline.lpos(wait, taskId);
    const [length, ...indexes] = ((await pipeline.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value as number | null;
    });
    return indexes.map((index) =>
      typeof index === 'number' && typeof length === 'number' && index < length
        ? length - index
        : undefined,
    );
  }

  /**
   * Adds a task again whose earlier job, if any, has finished without starting it, so that a
   * worker takes it. A job still waiting or held by a worker is left as it is.
   */
  async requeue(job: TaskJob): Promise<void> {
    const existing = await this.queue.getJob(job.taskId);
    const state = existing ? await existing.getState() : 'missing';
    if (state === 'completed' || state === 'failed') await existing?.remove();
    await this.enqueue(job);
  }

  /**
   * Removes a task that no worker holds. True when it is gone (removed now, or never there);
   * false when a worker has it locked, i.e. it is running.
   */
  async removeIfNotStarted(taskId: string): Promise<boolean> {
    return (await this.queue.remove(taskId)) === 1;
  }

  /** Closes the queue (not the shared connection). Idempotent. */
  async close(): Promise<void> {
    await this.queue.close();
  }
}

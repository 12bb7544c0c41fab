import { SCHEDULES_QUEUE } from '@komputer/contracts';
import type { ScheduleJob } from '@komputer/contracts';
import { Queue } from 'bullmq';
import type { RedisClient } from '@komputer/service-kit';

/** Options for {@link ScheduleQueue}. */
export interface ScheduleQueueOptions {
  /** A fail-fast connection: producers must not queue commands while Redis is down. */
  redis: RedisClient;
  /** BullMQ key prefix. */
  prefix: string;
}

/** Name of every job that a schedule's job scheduler adds. */
export const SCHEDULE_JOB_NAME = 'run';

/** Finished run jobs kept for inspection, at most this many (and for at most a day). */
const KEEP_FINISHED = 1_000;

/** When a schedule fires: a cron expression read in a time zone. */
export interface Cadence {
  pattern: string;
  tz: string;
}

/**
 * The `schedules` queue and its job schedulers, one per schedule, with the schedule's
 * `namespace/name` as its id. A job scheduler keeps exactly one job: the next run's, delayed
 * until it is due, whose id names the run's due time. The worker that takes it adds the one
 * after, due at the next time the cron expression gives after now; so however many workers run,
 * each run is one job, taken by one of them, and the runs that fell due while no worker ran
 * are one job, not a pile.
 */
export class ScheduleQueue {
  // Typed by `string`: BullMQ types a job scheduler's id as a job name.
  readonly queue: Queue<ScheduleJob, void, string>;

  constructor(options: ScheduleQueueOptions) {
    this.queue = new Queue<ScheduleJob, void, string>(SCHEDULES_QUEUE, {
      connection: options.redis,
      prefix: options.prefix,
    });
  }

  /** The id of a schedule's job scheduler. Names and namespaces hold no "/". */
  static schedulerId(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** Creates the schedule's job scheduler, or replaces its cadence (and its next job). */
  async upsert(namespace: string, name: string, cadence: Cadence): Promise<void> {
    await this.queue.upsertJobScheduler(
      ScheduleQueue.schedulerId(namespace, name),
      { pattern: cadence.pattern, tz: cadence.tz },
      {
        name: SCHEDULE_JOB_NAME,
        data: { namespace, name },
        opts: {
          removeOnComplete: { count: KEEP_FINISHED, age: 24 * 3600 },
          removeOnFail: { count: KEEP_FINISHED, age: 24 * 3600 },
        },
      },
    );
  }

  /** Removes the schedule's job scheduler and its next job; a no-op when it has none. */
  async remove(namespace: string, name: string): Promise<void> {
    await this.queue.removeJobScheduler(ScheduleQueue.schedulerId(namespace, name));
  }

  /** When the schedule's next run is due (ms since the epoch), or undefined with no scheduler. */
  async next(namespace: string, name: string): Promise<number | undefined> {
    const scheduler = await this.queue.getJobScheduler(ScheduleQueue.schedulerId(namespace, name));
    return scheduler?.next ?? undefined;
  }

  /** Closes the queue (not the shared connection). Idempotent. */
  async close(): Promise<void> {
    await this.queue.close();
  }
}

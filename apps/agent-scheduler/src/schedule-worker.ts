import { SCHEDULES_QUEUE, ScheduleJobSchema } from '@komputer/contracts';
import type { ScheduleJob } from '@komputer/contracts';
import type { ScheduleService } from '@komputer/agents';
import type { Logger, RedisClient } from '@komputer/service-kit';
import { Worker } from 'bullmq';

/** Runs fired at once by one scheduler: each is one claim, so a few suffice. */
const SCHEDULE_RUNS_AT_ONCE = 4;

/** Options for {@link ScheduleWorker}. */
export interface ScheduleWorkerOptions {
  schedules: ScheduleService;
  /** A connection that waits out an outage; the worker blocks on a duplicate of it. */
  workerRedis: RedisClient;
  /** BullMQ's key prefix. */
  prefix: string;
  logger: Logger;
}

/**
 * The `schedules` queue's worker: it fires the run of each job that a schedule's job scheduler
 * adds. Every scheduler runs one; BullMQ hands each job to one of them, and the run's id (the
 * job's, which names its due time) makes a job handed out again fire nothing.
 */
export class ScheduleWorker {
  private worker: Worker<ScheduleJob> | undefined;

  constructor(private readonly options: ScheduleWorkerOptions) {}

  /** Starts taking runs. */
  start(): void {
    const { schedules, workerRedis, prefix, logger } = this.options;
    this.worker = new Worker<ScheduleJob>(
      SCHEDULES_QUEUE,
      async (job) => {
        const { namespace, name } = ScheduleJobSchema.parse(job.data);
        await schedules.run(namespace, name, {
          id: job.id ?? `${namespace}/${name}@${job.timestamp}`,
          trigger: 'cron',
          ...(job.opts.prevMillis !== undefined ? { scheduledFor: job.opts.prevMillis } : {}),
        });
      },
      { connection: workerRedis, prefix, concurrency: SCHEDULE_RUNS_AT_ONCE },
    );
    this.worker.on('error', (err) => logger.warn({ err: err.message }, 'schedule worker error'));
    this.worker.on('failed', (job, err) =>
      logger.error({ job: job?.id, err }, 'a schedule run failed'),
    );
  }

  /** Takes no more runs; resolves once the runs under way have ended. Idempotent. */
  async close(): Promise<void> {
    await this.worker?.close();
  }
}

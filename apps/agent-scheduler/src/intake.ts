import { decodeHandover, TASKS_QUEUE, TaskJobSchema } from '@komputer/contracts';
import type { TaskJob } from '@komputer/contracts';
import type { Logger, RedisClient } from '@komputer/service-kit';
import { WAITING_TASK_RECHECK_MS } from '@komputer/store';
import type { AgentStore, TaskQueue } from '@komputer/store';
import { DelayedError, Worker } from 'bullmq';
import { agentRefOf } from './runtime-driver';

/** The key of a job's agent, for the backlog. */
function agentKeyOf(job: TaskJob): string {
  return `${job.namespace}/${job.agentName}`;
}
import type { RuntimeDriver } from './runtime-driver';
import type { TaskRunner } from './task-runner';

/**
 * The queue worker's lock on a job, renewed every half of `lockDuration`. The job of a worker
 * that died goes back to the queue once its lock has lapsed, at the next stalled-job check but
 * one; BullMQ's defaults (30 s each) took up to a minute.
 */
export const TASK_WORKER_LOCKS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

/** Options for {@link TaskIntake}. */
export interface TaskIntakeOptions {
  runner: TaskRunner;
  driver: RuntimeDriver;
  tasks: TaskQueue;
  /** Tells whether a waiting task was given a slot meanwhile. */
  agents: Pick<AgentStore, 'holdsSlot'>;
  /** A connection for the queue's worker alone: it blocks, and waits out an outage. */
  workerRedis: RedisClient;
  /** BullMQ's key prefix. */
  prefix: string;
  /** Tasks run at once, from the queue and handed over together. */
  slots: number;
  logger: Logger;
}

/**
 * Where this scheduler's tasks come from: the `tasks` queue, and the tasks that claims hand
 * straight to it because it holds their agents' runtimes. Both share the scheduler's slots: the
 * queue's worker takes only the slots that handed-over tasks leave (at least one).
 *
 * A handed-over task that finds every slot taken waits here, in a backlog, for the next slot: its
 * agent's runtime is here, so no other scheduler can run it (on Kubernetes, this one holds the
 * pod's lease). The backlog holds at most one task per agent whose runtime this scheduler
 * holds, since an agent has one task at a time. Closing queues what it holds; a crash leaves
 * those tasks without a job, and the reconciler queues them.
 *
 * A task whose template's cap is reached waits as a delayed job, which holds no slot: the step
 * that frees a slot wakes it, and it looks again after {@link WAITING_TASK_RECHECK_MS} should
 * that wake be lost. The job stays in the queue until its task starts, so that a scheduler that
 * stops loses none.
 */
export class TaskIntake {
  private worker: Worker<TaskJob> | undefined;
  private readonly handedOver = new Set<Promise<void>>();
  /** Handed-over tasks waiting for a slot, in arrival order, by agent. */
  private readonly backlog = new Map<string, TaskJob>();
  private closed = false;

  constructor(private readonly options: TaskIntakeOptions) {}

  /** How many tasks the queue's worker may run at once now. */
  get queueSlots(): number {
    return this.worker?.concurrency ?? this.options.slots;
  }

  /** Starts taking tasks from the queue. */
  startWorker(): void {
    const { runner, workerRedis, prefix, slots, logger } = this.options;
    this.worker = new Worker<TaskJob>(
      TASKS_QUEUE,
      async (job, token) => {
        const task = TaskJobSchema.parse(job.data);
        const outcome = await runner.run(task).finally(() => this.runBacklog());
        if (outcome === 'ran') return;
        await job.moveToDelayed(Date.now() + WAITING_TASK_RECHECK_MS, token);
        await this.wakeIfAdmitted(task);
        throw new DelayedError();
      },
      { connection: workerRedis, prefix, concurrency: slots, ...TASK_WORKER_LOCKS },
    );
    this.fitWorker();
    this.worker.on('error', (err) => logger.warn({ err: err.message }, 'task worker error'));
    this.worker.on('failed', (job, err) => logger.error({ taskId: job?.id, err }, 'task failed'));
  }

  /**
   * A claim handed this scheduler the next task of an agent whose runtime it holds. It runs at
   * once, past the queue, when that runtime is still ready and a slot is free, or waits in the
   * backlog for the next free slot; when the runtime is no longer ready here, it joins the
   * queue like any task.
   */
  takeHandover(message: string): void {
    const { driver, logger } = this.options;
    let job: TaskJob;
    try {
      job = decodeHandover(message);
    } catch (err) {
      logger.warn({ err, message }, 'ignored a malformed handed-over task');
      return;
    }
    if (!this.closed && driver.ready(agentRefOf(job)) !== undefined) {
      if (this.slotFree()) this.runHandedOver(job);
      else {
        this.backlog.set(agentKeyOf(job), job);
        logger.debug({ taskId: job.taskId }, 'a handed-over task waits for a slot here');
      }
      return;
    }
    this.requeue(job);
  }

  private slotFree(): boolean {
    return this.options.runner.active < this.options.slots;
  }

  private runHandedOver(job: TaskJob): void {
    const { runner, tasks, logger } = this.options;
    const running: Promise<void> = runner
      .run(job)
      .then(async (outcome) => {
        if (outcome === 'ran') return;
        await tasks.enqueue(job, { delayMs: WAITING_TASK_RECHECK_MS });
        await this.wakeIfAdmitted(job);
      })
      .catch((err: unknown) => logger.error({ taskId: job.taskId, err }, 'task failed'))
      .finally(() => {
        this.handedOver.delete(running);
        this.fitWorker();
        this.runBacklog();
      });
    this.handedOver.add(running);
    this.fitWorker();
  }

  /** Gives the slots that are free to the backlog's tasks, oldest first. */
  private runBacklog(): void {
    for (const [agent, job] of this.backlog) {
      if (this.closed || !this.slotFree()) return;
      this.backlog.delete(agent);
      if (this.options.driver.ready(agentRefOf(job)) !== undefined) this.runHandedOver(job);
      else this.requeue(job);
    }
  }

  /** Puts a handed-over task that will not run here back in the queue, for any scheduler. */
  private requeue(job: TaskJob): void {
    this.options.tasks
      .enqueue(job)
      .catch((err: unknown) =>
        this.options.logger.error(
          { err, taskId: job.taskId },
          'could not queue a handed-over task; the reconciler queues it',
        ),
      );
  }

  /**
   * Takes no more tasks; resolves once every task taken has ended (they go on meanwhile).
   * Idempotent.
   */
  close(): Promise<void> {
    this.closed = true;
    const waiting = [...this.backlog.values()];
    this.backlog.clear();
    for (const job of waiting) this.requeue(job);
    return Promise.all([this.worker?.close(), ...this.handedOver]).then(() => undefined);
  }

  /**
   * Wakes the delayed job of a waiting task that a slot was given to while its job went to
   * sleep, when the step that gave it could not wake it yet.
   */
  private async wakeIfAdmitted(job: TaskJob): Promise<void> {
    if (await this.options.agents.holdsSlot(job.namespace, job.agentName, job.taskId))
      await this.options.tasks.wake([job.taskId]);
  }

  private fitWorker(): void {
    if (this.worker)
      this.worker.concurrency = Math.max(1, this.options.slots - this.handedOver.size);
  }
}

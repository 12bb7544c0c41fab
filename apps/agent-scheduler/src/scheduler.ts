import { randomUUID } from 'node:crypto';
import {
  ControlMessageSchema,
  decodeHandover,
  TASKS_QUEUE,
  TaskJobSchema,
} from '@komputer/contracts';
import type { ControlMessage, TaskJob } from '@komputer/contracts';
import { createRegistries } from '@komputer/connectors';
import { closeRedis, createRedis, DEFAULT_REDIS_URL, waitForRedis } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { AgentStore, createKeys, TaskQueue } from '@komputer/store';
import { Worker } from 'bullmq';
import type { SchedulerConfig } from './config';
import { Liveness } from './liveness';
import { Reconciler } from './reconciler';
import { agentRefOf } from './runtime-driver';
import type { RuntimeDriver } from './runtime-driver';
import { TaskRunner } from './task-runner';

/** How long start-up waits for Redis before going on without it. */
const REDIS_STARTUP_WAIT_MS = 5_000;

/** How long running tasks may go on after shutdown begins. */
const STOP_GRACE_MS = 5_000;

/** How often the task sets of schedulers that died are looked at. */
const SWEEP_INTERVAL_MS = 2_000;

/**
 * The queue worker's lock on a job, renewed every half of `lockDuration`. The job of a worker
 * that died goes back to the queue once its lock has lapsed, at the next stalled-job check but
 * one; BullMQ's defaults (30 s each) took up to a minute.
 */
export const TASK_WORKER_LOCKS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

/** A composed scheduler: the queue's worker, the runtime driver and the reconciler. */
export interface Scheduler {
  /** This scheduler's id, unique to the process: tasks it starts are recorded as its own. */
  id: string;
  driver: RuntimeDriver;
  reconciler: Reconciler;
  /**
   * How many tasks the queue's worker may run at once now: the slots that the tasks handed
   * straight to this scheduler leave (at least one).
   */
  readonly queueSlots: number;
  /** Starts taking tasks, after one reconciliation pass. */
  start(): Promise<void>;
  /** Stops taking tasks, lets running ones end (up to the shutdown deadline), stops runtimes. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires the scheduler by hand from its config, around the runtime driver it is handed: it knows
 * runtimes only through that seam.
 */
export function createScheduler(
  config: SchedulerConfig,
  logger: Logger,
  driver: RuntimeDriver,
): Scheduler {
  const id = randomUUID();
  const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = createRedis({ url, logger, role: 'scheduler' });
  // BullMQ's worker blocks on Redis, and the listener for control messages and handed-over
  // tasks subscribes: each needs its own connection, which waits out an outage instead of
  // failing fast.
  const workerRedis = createRedis({ url, logger, role: 'scheduler-worker', failFast: false });
  const subscriber = createRedis({ url, logger, role: 'scheduler-cancels', failFast: false });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX);
  const agents = new AgentStore({ redis, keys, eventsMaxLen: config.KOMPUTER_EVENTS_MAXLEN });
  const tasks = new TaskQueue({ redis, prefix: keys.bullPrefix() });
  const registries = createRegistries({
    redis,
    keys,
    agents,
    logger,
    secretKey: config.KOMPUTER_SECRET_KEY,
    mcpTimeoutMs: config.KOMPUTER_MCP_TIMEOUT_MS,
  });
  const liveness = new Liveness({ redis, keys, id, logger });
  const runner = new TaskRunner({
    agents,
    driver,
    liveness,
    connectors: registries.connectors,
    memories: registries.memories,
    skills: registries.skills,
    limits: {
      maxTurns: config.KOMPUTER_MAX_TURNS,
      maxBudgetUsd: config.KOMPUTER_MAX_BUDGET_USD,
      timeoutMs: config.KOMPUTER_TASK_TIMEOUT_MS,
    },
    textDeltas: config.KOMPUTER_TEXT_DELTAS,
    scheduler: id,
    logger,
  });
  const reconciler = new Reconciler({
    redis,
    keys,
    agents,
    tasks,
    driver,
    liveness,
    graceMs: config.KOMPUTER_RECONCILE_GRACE_MS,
    logger,
  });

  let worker: Worker<TaskJob> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  const handoverChannel = keys.handoverChannel(id);
  const handedOver = new Set<Promise<void>>();
  const slots = config.KOMPUTER_SCHEDULER_CONCURRENCY;
  /** The queue's worker takes only the slots that handed-over tasks leave (at least one). */
  const fitWorker = () => {
    if (worker) worker.concurrency = Math.max(1, slots - handedOver.size);
  };

  /**
   * A claim handed this scheduler the next task of an agent whose runtime it holds. It runs at
   * once, past the queue, when that runtime is still ready and a slot is free; otherwise it
   * joins the queue like any task.
   */
  const takeHandover = (message: string) => {
    let job: TaskJob;
    try {
      job = decodeHandover(message);
    } catch (err) {
      logger.warn({ err, message }, 'ignored a malformed handed-over task');
      return;
    }
    if (!closing && runner.active < slots && driver.ready(agentRefOf(job)) !== undefined) {
      const running: Promise<void> = runner
        .run(job)
        .catch((err: unknown) => logger.error({ taskId: job.taskId, err }, 'task failed'))
        .finally(() => {
          handedOver.delete(running);
          fitWorker();
        });
      handedOver.add(running);
      fitWorker();
      return;
    }
    tasks
      .enqueue(job)
      .catch((err: unknown) =>
        logger.error(
          { err, taskId: job.taskId },
          'could not queue a handed-over task; the reconciler ends it',
        ),
      );
  };

  subscriber.on('message', (channel: string, message: string) => {
    if (channel === handoverChannel) {
      takeHandover(message);
      return;
    }
    if (channel !== keys.controlChannel()) return;
    let control: ControlMessage;
    try {
      control = ControlMessageSchema.parse(JSON.parse(message));
    } catch (err) {
      logger.warn({ err, message }, 'ignored a malformed control message');
      return;
    }
    if (control.type === 'cancel') runner.cancel(control.taskId, 'cancelled by request');
    if (control.type === 'delete') {
      // Stopping the runtime cancels its task first; then the workspace goes.
      const { namespace, name, uid } = control;
      driver
        .remove({ namespace, name, ...(uid ? { uid } : {}) })
        .catch((err: unknown) => logger.warn({ err, agent: control }, 'could not remove an agent'));
    }
  });

  return {
    id,
    driver,
    reconciler,
    get queueSlots() {
      return worker?.concurrency ?? slots;
    },
    async start() {
      if (!(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS))) {
        logger.warn('redis is not reachable yet; taking tasks once it is');
      }
      // Alive before it takes a task: the others leave its tasks alone only while its key lives.
      await liveness.start();
      // SUBSCRIBE only on a ready connection: queued before the connection's ready check, it
      // turns the check into an error and the connection into a reconnect loop. After a
      // reconnect, ioredis subscribes again by itself.
      const subscribe = () =>
        subscriber
          .subscribe(keys.controlChannel(), handoverChannel)
          .catch((err: unknown) => logger.warn({ err }, 'could not subscribe to control messages'));
      if (await waitForRedis(subscriber, REDIS_STARTUP_WAIT_MS)) await subscribe();
      else subscriber.once('ready', () => void subscribe());
      await driver.start();
      await reconciler
        .run()
        .catch((err: unknown) =>
          logger.warn({ err }, 'reconciliation failed; it runs again later'),
        );
      worker = new Worker<TaskJob>(
        TASKS_QUEUE,
        async (job) => runner.run(TaskJobSchema.parse(job.data)),
        {
          connection: workerRedis,
          prefix: keys.bullPrefix(),
          concurrency: slots,
          ...TASK_WORKER_LOCKS,
        },
      );
      fitWorker();
      worker.on('error', (err) => logger.warn({ err: err.message }, 'task worker error'));
      worker.on('failed', (job, err) => logger.error({ taskId: job?.id, err }, 'task failed'));
      timer = setInterval(() => {
        reconciler.run().catch((err: unknown) => logger.warn({ err }, 'reconciliation failed'));
      }, config.KOMPUTER_RECONCILE_INTERVAL_MS);
      timer.unref();
      sweepTimer = setInterval(() => {
        reconciler
          .sweep()
          .catch((err: unknown) => logger.debug({ err }, 'could not look for stopped schedulers'));
      }, SWEEP_INTERVAL_MS);
      sweepTimer.unref();
    },
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        clearInterval(sweepTimer);
        // From now on, claims queue the tasks of this scheduler's agents.
        await subscriber.unsubscribe(handoverChannel).catch(() => undefined);
        // Running tasks get a grace period to end; then their runtimes are stopped, which
        // ends each task with an error event, and the worker can close.
        const workerClosed = worker?.close();
        const tasksEnded = Promise.all([workerClosed, ...handedOver]);
        const grace = () => new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref());
        await Promise.race([tasksEnded, grace()]);
        await driver.close();
        // Writes that Redis still refuses after another grace period are left undone; the other
        // schedulers end those tasks, found through this scheduler's task set.
        await Promise.race([tasksEnded, grace()]);
        runner.close();
        await tasksEnded;
        await liveness.stop({ forget: runner.abandoned === 0 });
        await tasks.close().catch(() => undefined);
        await Promise.all([closeRedis(subscriber), closeRedis(workerRedis), closeRedis(redis)]);
      })();
      return closing;
    },
  };
}

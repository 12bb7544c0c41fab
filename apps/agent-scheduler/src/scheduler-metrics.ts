import type { TaskJob } from '@komputer/contracts';
import type { Logger, Metrics } from '@komputer/service-kit';
import { outcomeLabel, storeMetrics } from '@komputer/store';
import type { RecordedEvent, TaskQueue } from '@komputer/store';
import type { JobType } from 'bullmq';
import { Gauge, Histogram } from 'prom-client';
import type { RuntimeDriver } from './runtime-driver';

/** Bounds of the queue wait histogram, in seconds. */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Bounds of the task duration histogram, in seconds. */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** The BullMQ job states that `komputer_queue_jobs` reports, by its `state` label. */
const QUEUE_STATES: Partial<Record<JobType, string>> = {
  wait: 'waiting',
  prioritized: 'waiting',
  delayed: 'delayed',
  active: 'active',
};

/** What the scheduler's gauges read when scraped. */
export interface SchedulerMetricsOptions {
  metrics: Metrics;
  tasks: TaskQueue;
  driver: RuntimeDriver;
  /** Tasks that the scheduler runs now, started or not. */
  running: () => number;
  /** Runtimes that run a task here now. */
  busy: () => number;
  logger: Logger;
}

/**
 * The scheduler's families beside the store's (events, tasks by outcome, model tokens and
 * cost): the queue's depth and wait, task durations, running tasks, and runtimes by state.
 */
export class SchedulerMetrics {
  /** When each task that started here started (`performance.now()`), until it ends. */
  private readonly startedAt = new Map<string, number>();
  private readonly wait: Histogram;
  private readonly duration: Histogram<'outcome'>;
  private readonly stored: (recorded: RecordedEvent) => void;

  constructor(options: SchedulerMetricsOptions) {
    const { metrics, tasks, driver, logger } = options;
    const registers = [metrics.registry];
    this.stored = storeMetrics(metrics.registry);
    this.wait = new Histogram({
      name: 'komputer_queue_wait_seconds',
      help: 'From a task’s acceptance to its start on a scheduler',
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.duration = new Histogram({
      name: 'komputer_task_duration_seconds',
      help: 'From a task’s start to its end, by outcome, for the tasks this scheduler started',
      labelNames: ['outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'komputer_queue_jobs',
      help: 'Jobs in the tasks queue, by state (waiting, delayed: waiting for a slot or a retry, active); every scheduler reports the same queue',
      labelNames: ['state'],
      registers,
      async collect() {
        try {
          const counts = await tasks.queue.getJobCounts(
            ...(Object.keys(QUEUE_STATES) as JobType[]),
          );
          const byState: Record<string, number> = { waiting: 0, delayed: 0, active: 0 };
          for (const [state, label] of Object.entries(QUEUE_STATES)) {
            byState[label] = (byState[label] ?? 0) + (counts[state] ?? 0);
          }
          for (const [state, count] of Object.entries(byState)) this.set({ state }, count);
        } catch (err) {
          // No figure rather than a stale one: the series go absent while Redis is away.
          this.reset();
          logger.debug({ err }, 'could not read the queue’s depth for the metrics');
        }
      },
    });
    new Gauge({
      name: 'komputer_tasks_running',
      help: 'Tasks this scheduler runs now',
      registers,
      collect() {
        this.set(options.running());
      },
    });
    new Gauge({
      name: 'komputer_runtimes',
      help: 'Agent runtimes this scheduler holds, by state (starting, idle, busy, stopping)',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = driver.counts();
        const busy = Math.min(options.busy(), counts.running);
        this.set({ state: 'starting' }, counts.starting);
        this.set({ state: 'idle' }, counts.running - busy);
        this.set({ state: 'busy' }, busy);
        this.set({ state: 'stopping' }, counts.stopping);
      },
    });
  }

  /** A task starts here: its wait in the queue ends, and its duration begins. */
  started(job: TaskJob): void {
    this.wait.observe(Math.max(0, Date.now() - Date.parse(job.enqueuedAt)) / 1000);
    this.startedAt.set(job.taskId, performance.now());
  }

  /** The task is no longer run here (ended, or given up): its start is forgotten. */
  left(taskId: string): void {
    this.startedAt.delete(taskId);
  }

  /** The store's `onRecorded` hook: counts the event, and times a task that ended. */
  readonly recorded = (recorded: RecordedEvent): void => {
    this.stored(recorded);
    const startedAt = this.startedAt.get(recorded.taskId);
    if (!recorded.end || startedAt === undefined) return;
    this.startedAt.delete(recorded.taskId);
    this.duration.observe(
      { outcome: outcomeLabel(recorded.end) },
      (performance.now() - startedAt) / 1000,
    );
  };
}

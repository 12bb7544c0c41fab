import type { Logger, Redis } from '@komputer/service-kit';
import type { AgentRecord, AgentStore, Keys, TaskQueue } from '@komputer/store';
import type { RuntimeDriver } from './runtime-driver';

/** Options for {@link Reconciler}. */
export interface ReconcilerOptions {
  redis: Redis;
  keys: Keys;
  agents: AgentStore;
  tasks: TaskQueue;
  driver: RuntimeDriver;
  /** Claims and tasks younger than this are being set up; they are left alone. */
  graceMs: number;
  logger: Logger;
}

/** What one pass found and fixed. */
export interface ReconcileReport {
  /** Tasks that were accepted but lost, now ended with an `error` event. */
  ended: string[];
  /** Agents that are gone but still had a runtime or a workspace, now removed. */
  removed: string[];
}

/**
 * Finds what a crash left behind and repairs it, so that every accepted task reaches a
 * terminal event: a claim whose job never reached the queue (nor a scheduler), a task whose job
 * is gone and whose scheduler has stopped, and the runtime and workspace of an agent that was
 * deleted while no scheduler listened.
 */
export class Reconciler {
  constructor(private readonly options: ReconcilerOptions) {}

  /** One pass over every agent. */
  async run(): Promise<ReconcileReport> {
    const { agents, driver, logger } = this.options;
    const report: ReconcileReport = { ended: [], removed: [] };
    for (const namespace of await agents.namespaces()) {
      for (const agent of await agents.list(namespace)) {
        const reason = await this.lostTask(agent);
        if (!reason) continue;
        const eventId = await agents.finishTask({
          namespace,
          name: agent.name,
          taskId: agent.taskId,
          taskStatus: 'Error',
          message: reason,
          requiredStatus: agent.taskStatus as 'Queued' | 'InProgress',
          event: {
            type: 'error',
            taskId: agent.taskId,
            timestamp: new Date().toISOString(),
            payload: { error: reason, retryable: true },
          },
        });
        if (eventId) {
          report.ended.push(agent.taskId);
          logger.warn(
            { agent: `${namespace}/${agent.name}`, taskId: agent.taskId, reason },
            'ended a lost task',
          );
        }
      }
    }
    for (const ref of await driver.known()) {
      if (await agents.get(ref.namespace, ref.name)) continue;
      await driver.remove(ref);
      report.removed.push(`${ref.namespace}/${ref.name}`);
    }
    return report;
  }

  /** Why the agent's busy task can never end by itself, or undefined when it can. */
  private async lostTask(agent: AgentRecord): Promise<string | undefined> {
    if (agent.taskStatus !== 'Queued' && agent.taskStatus !== 'InProgress') return undefined;
    if (Date.now() - Date.parse(agent.updatedAt) < this.options.graceMs) return undefined;
    const job = await this.options.tasks.queue.getJob(agent.taskId);
    const state = job ? await job.getState() : 'missing';
    if (agent.taskStatus === 'Queued') {
      return state === 'missing' ? 'the task was accepted but never reached the queue' : undefined;
    }
    // An active job belongs to a worker; if that worker died, BullMQ hands the job on as stalled.
    if (state === 'active' || state === 'waiting' || state === 'prioritized') return undefined;
    // A task handed straight to a scheduler has no job: it runs while that scheduler lives.
    const { redis, keys } = this.options;
    if (agent.scheduler && (await redis.exists(keys.schedulerAlive(agent.scheduler)))) {
      return undefined;
    }
    return 'the task was interrupted: the scheduler running it stopped';
  }
}

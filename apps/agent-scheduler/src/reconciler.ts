import { parseDuration } from '@komputer/contracts';
import type { Logger, RedisClient } from '@komputer/service-kit';
import { parseTaskMember } from '@komputer/store';
import type { AgentRecord, AgentStore, Keys, SquadStore, TaskQueue } from '@komputer/store';
import type { LifetimeEnforcer } from './lifetimes';
import { LIFETIME_ACTIONS_PER_PASS } from './lifetimes';
import type { Liveness } from './liveness';
import type { RuntimeDriver } from './runtime-driver';
import type { AdoptOutcome } from './task-runner';

/** Options for {@link Reconciler}. */
export interface ReconcilerOptions {
  redis: RedisClient;
  keys: Keys;
  agents: AgentStore;
  tasks: TaskQueue;
  driver: RuntimeDriver;
  liveness: Liveness;
  /** Claims younger than this may still be on their way to the queue; they are left alone. */
  graceMs: number;
  /**
   * Adopts a task in progress under `from`, a scheduler that stopped, when its runtime outlived
   * it (`TaskRunner.adopt`); without it, or when no runtime runs the task, the task ends.
   */
  adopt?: (agent: AgentRecord, from: string) => Promise<AdoptOutcome>;
  /** Puts idle agents to sleep and deletes them as their lifetimes ask, on every full pass. */
  lifetimes?: LifetimeEnforcer;
  /**
   * Squads, on every full pass: a break-up that waited for its members' tasks is finished, and
   * a squad without members past its `orphanTTL` is deleted.
   */
  squads?: SquadStore;
  logger: Logger;
}

/** What one pass found and fixed. */
export interface ReconcileReport {
  /** Tasks that were accepted but lost, now ended with an `error` event. */
  ended: string[];
  /** Tasks of schedulers that died whose runtimes outlived them, now supervised here. */
  adopted: string[];
  /**
   * Queued tasks handed to a scheduler that died before it started them, or follow-ups of steers
   * whose job never reached the queue, now queued.
   */
  requeued: string[];
  /** Agents that are gone but still had a runtime or a workspace, now removed. */
  removed: string[];
  /** Idle agents put to sleep, as "namespace/name", as their lifetimes ask. */
  slept: string[];
  /** Idle agents deleted, as "namespace/name", as their lifetimes ask. */
  deleted: string[];
  /** Squads whose break-up is done, as "namespace/name". */
  brokenUp: string[];
  /** Squads deleted after their `orphanTTL` without members, as "namespace/name". */
  expired: string[];
}

/** A report of nothing found yet. */
const emptyReport = (): ReconcileReport => ({
  ended: [],
  adopted: [],
  requeued: [],
  removed: [],
  slept: [],
  deleted: [],
  brokenUp: [],
  expired: [],
});

/** Why a task of a scheduler that died ends. */
export const INTERRUPTED = 'the task was interrupted: the scheduler running it stopped';

/** Job states in which the queue still hands the job to a worker. */
const PENDING_JOB_STATES = new Set([
  'active',
  'waiting',
  'waiting-children',
  'prioritized',
  'delayed',
]);

/**
 * What to do with a busy agent's task: end it, queue it, or adopt it from the scheduler that
 * stopped while running it (and end it if no runtime runs it any more).
 */
type Verdict = { end: string } | { requeue: true } | { adoptFrom: string } | undefined;

/**
 * Finds what a crash left behind and repairs it, so that every accepted task reaches a
 * terminal event. Two passes:
 * - {@link Reconciler.sweep}, every few seconds: the tasks of schedulers that died, found
 *   through each scheduler's task set, without reading every agent. A task in progress ends
 *   with an `error` event; a task handed over but not started yet goes to the queue.
 * - {@link Reconciler.run}, at start-up and on a longer interval: every agent. Besides what the
 *   sweep does, it ends a claim whose job never reached the queue, and it removes the runtime and
 *   workspace of an agent that was deleted while no scheduler listened, and it enforces the
 *   agents' lifetimes: idle agents go to sleep or are deleted, at most
 *   {@link LIFETIME_ACTIONS_PER_PASS} a pass. Its first pass on a Redis whose agents predate the
 *   reverse indexes of their references builds those indexes.
 */
export class Reconciler {
  constructor(private readonly options: ReconcilerOptions) {}

  /** One pass over the task sets of the schedulers that died. */
  async sweep(): Promise<ReconcileReport> {
    const { redis, keys, liveness } = this.options;
    const report = emptyReport();
    for (const scheduler of await liveness.dead()) {
      const set = keys.schedulerTasks(scheduler);
      let settled = true;
      for (const member of await redis.smembers(set)) {
        const task = parseTaskMember(member);
        const agent = task && (await this.options.agents.get(task.namespace, task.name));
        if (task && agent?.taskId === task.taskId) {
          const verdict: Verdict =
            agent.taskStatus === 'InProgress' && agent.scheduler === scheduler
              ? { adoptFrom: scheduler }
              : agent.taskStatus === 'Queued' && agent.handedTo === scheduler
                ? { requeue: true }
                : undefined;
          // A task whose runtime another scheduler drives stays, to be looked at again.
          if ((await this.apply(agent, verdict, report)) === 'held') {
            settled = false;
            continue;
          }
        }
        await redis.srem(set, member);
      }
      // Whatever the scheduler took is settled: it is forgotten, unless it came back meanwhile.
      if (!settled || (await liveness.alive(scheduler))) continue;
      await redis.multi().srem(keys.schedulers(), scheduler).del(set).exec();
    }
    return report;
  }

  /** One pass over every agent. */
  async run(): Promise<ReconcileReport> {
    const { agents, driver, lifetimes, logger } = this.options;
    const report = emptyReport();
    const indexed = await agents.buildRefIndexes();
    if (indexed !== undefined) logger.info({ agents: indexed }, "indexed the agents' references");
    for (const namespace of await agents.namespaces()) {
      const listed = await agents.list(namespace);
      for (const agent of listed) {
        await this.apply(agent, await this.verdict(agent), report);
      }
      const limit = LIFETIME_ACTIONS_PER_PASS - report.slept.length - report.deleted.length;
      if (lifetimes && limit > 0) {
        const enforced = await lifetimes.enforce(listed, { limit });
        report.slept.push(...enforced.slept);
        report.deleted.push(...enforced.deleted);
      }
    }
    for (const ref of await driver.known()) {
      if (await agents.get(ref.namespace, ref.name)) continue;
      await driver.remove(ref);
      report.removed.push(`${ref.namespace}/${ref.name}`);
    }
    await this.squads(report);
    return report;
  }

  /**
   * Finishes the break-ups that waited for their members' tasks to end (the same step as the
   * API's, which dissolves only when no member has a task), and deletes the squads that have
   * had no member for their `orphanTTL`. A squad without `orphanTTL` stays until deleted.
   */
  private async squads(report: ReconcileReport): Promise<void> {
    const { squads, logger } = this.options;
    if (!squads) return;
    for (const { namespace, name } of await squads.all()) {
      const squad = await squads.get(namespace, name);
      if (!squad) continue;
      const at = `${namespace}/${name}`;
      if (squad.breakUpRequested) {
        const result = await squads.dissolve(namespace, name, 'breakup');
        if (result.outcome === 'dissolved') report.brokenUp.push(at);
        continue;
      }
      const ttl = squad.orphanTTL === undefined ? undefined : parseDuration(squad.orphanTTL);
      if (ttl === undefined || squad.orphanedSince === undefined) continue;
      if (Date.now() - Date.parse(squad.orphanedSince) < ttl) continue;
      // Refused, in the same step, for a squad that has members again.
      const result = await squads.dissolve(namespace, name, 'expire');
      if (result.outcome !== 'dissolved') continue;
      report.expired.push(at);
      logger.info({ squad: at, orphanTTL: squad.orphanTTL }, 'deleted a squad without members');
    }
  }

  /**
   * Ends, queues or adopts the agent's busy task, as `verdict` says; resolves with the outcome
   * of an adoption that was tried.
   */
  private async apply(
    agent: AgentRecord,
    verdict: Verdict,
    report: ReconcileReport,
  ): Promise<AdoptOutcome | undefined> {
    if (!verdict) return undefined;
    const { agents, tasks, logger } = this.options;
    const log = logger.child({ agent: `${agent.namespace}/${agent.name}`, taskId: agent.taskId });
    if ('adoptFrom' in verdict) {
      const outcome = this.options.adopt
        ? await this.options.adopt(agent, verdict.adoptFrom)
        : 'gone';
      if (outcome === 'adopted') report.adopted.push(agent.taskId);
      if (outcome === 'gone') await this.apply(agent, { end: INTERRUPTED }, report);
      return outcome;
    }
    if ('requeue' in verdict) {
      await tasks.requeue({
        taskId: agent.taskId,
        namespace: agent.namespace,
        agentName: agent.name,
        instructions: agent.instructions,
        enqueuedAt: agent.updatedAt,
        ...(agent.uid ? { agentUid: agent.uid } : {}),
      });
      report.requeued.push(agent.taskId);
      log.warn(
        { scheduler: agent.handedTo, followUp: agent.followUp === agent.taskId },
        'queued a task that had no job',
      );
      return undefined;
    }
    const eventId = await agents.finishTask({
      namespace: agent.namespace,
      name: agent.name,
      taskId: agent.taskId,
      taskStatus: 'Error',
      message: verdict.end,
      requiredStatus: agent.taskStatus as 'Queued' | 'InProgress',
      event: {
        type: 'error',
        taskId: agent.taskId,
        timestamp: new Date().toISOString(),
        payload: { error: verdict.end, retryable: true },
      },
    });
    if (eventId) {
      report.ended.push(agent.taskId);
      log.warn({ reason: verdict.end }, 'ended a lost task');
    }
    return undefined;
  }

  /** Whether the agent's busy task can never end by itself, and what to do then. */
  private async verdict(agent: AgentRecord): Promise<Verdict> {
    const { liveness } = this.options;
    if (agent.taskStatus === 'InProgress') {
      // A task runs as long as the scheduler that started it lives, or its runtime outlives it.
      if (!agent.scheduler) return this.old(agent) ? { end: INTERRUPTED } : undefined;
      return (await liveness.alive(agent.scheduler)) ? undefined : { adoptFrom: agent.scheduler };
    }
    if (agent.taskStatus !== 'Queued' || (await this.jobPending(agent))) return undefined;
    // Handed to a scheduler, which starts it or queues it while it lives; the queue gets it
    // once that scheduler has stopped, or has not started it within the grace period. A second
    // delivery is harmless: only one start succeeds.
    if (agent.handedTo) {
      const waiting = !this.old(agent) && (await liveness.alive(agent.handedTo));
      return waiting ? undefined : { requeue: true };
    }
    // The follow-up of steers its last task did not take: whoever ended that task queues it,
    // unless that failed. Queuing it again is harmless: a job of the same task is one job.
    if (agent.followUp === agent.taskId) return { requeue: true };
    // The claim's caller queues the task right after the claim, unless it died in between.
    return this.old(agent)
      ? { end: 'the task was accepted but never reached the queue' }
      : undefined;
  }

  private old(agent: AgentRecord): boolean {
    return Date.now() - Date.parse(agent.updatedAt) >= this.options.graceMs;
  }

  private async jobPending(agent: AgentRecord): Promise<boolean> {
    const job = await this.options.tasks.queue.getJob(agent.taskId);
    return job !== undefined && PENDING_JOB_STATES.has(await job.getState());
  }
}

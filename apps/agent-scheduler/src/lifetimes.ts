import type { TemplateTtl } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import type { AgentRecord, AgentStore, TemplateStore } from '@komputer/store';
import type { Liveness } from './liveness';
import type { AgentRef, RuntimeDriver } from './runtime-driver';

/** How long an agent lives on once its last task has ended; each left out: for ever. */
export interface AgentLifetimes {
  /** Idle this long, a `Running` agent goes to sleep: its runtime stops, its workspace stays. */
  sleepAfterIdleMs?: number;
  /** This long after its last task ended, the agent is deleted, workspace and all. */
  deleteAfterIdleMs?: number;
}

/** Most sleeps and deletes of one pass; the agents past them wait for the next pass. */
export const LIFETIME_ACTIONS_PER_PASS = 50;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * An agent's lifetimes: each that its template's `ttl` sets, else the scheduler's default
 * (`KOMPUTER_SLEEP_AFTER_IDLE_MS`, `KOMPUTER_DELETE_AFTER_IDLE_MS`; 0 is off).
 */
export function agentLifetimes(
  ttl: TemplateTtl | undefined,
  defaults: AgentLifetimes,
): AgentLifetimes {
  const sleep =
    ttl?.idleSleepMinutes !== undefined
      ? ttl.idleSleepMinutes * MINUTE_MS
      : defaults.sleepAfterIdleMs;
  const remove =
    ttl?.deleteAfterHours !== undefined
      ? ttl.deleteAfterHours * HOUR_MS
      : defaults.deleteAfterIdleMs;
  return {
    ...(sleep ? { sleepAfterIdleMs: sleep } : {}),
    ...(remove ? { deleteAfterIdleMs: remove } : {}),
  };
}

/** Options for {@link LifetimeEnforcer}. */
export interface LifetimeEnforcerOptions {
  agents: AgentStore;
  templates: Pick<TemplateStore, 'resolve'>;
  driver: Pick<RuntimeDriver, 'stopUnlessBusy' | 'remove'>;
  liveness: Pick<Liveness, 'alive'>;
  /**
   * Whether a task of the agent other than `except` runs on this scheduler, or is on its way to
   * the agent's runtime here (`TaskRunner.runsTaskOf`).
   */
  runsTaskOf: (agent: AgentRef, except: string) => boolean;
  /** This scheduler's id: the agents whose last task ran here have their runtimes here. */
  scheduler: string;
  /** The scheduler's lifetimes, for the agents whose templates set none. */
  defaults: AgentLifetimes;
  logger: Logger;
}

/** The agents that one {@link LifetimeEnforcer.enforce} put to sleep and deleted. */
export interface LifetimeReport {
  slept: string[];
  deleted: string[];
}

const ENDED: ReadonlySet<string> = new Set(['Complete', 'Cancelled', 'Error']);

const refOf = (agent: AgentRecord): AgentRef => ({
  namespace: agent.namespace,
  name: agent.name,
  ...(agent.uid ? { uid: agent.uid } : {}),
});

/**
 * Puts idle agents to sleep and deletes them as their lifetimes ask, measured from the end of
 * their last task. Every scheduler replica runs it over every agent; each change is one Redis
 * step that acts only while the agent is idle since the task that was read, so that of two
 * replicas one acts, and a task claimed at the same moment keeps its agent:
 * - a delete is the API's delete, which every scheduler hears: the runtime and the workspace go;
 * - a sleep changes the agent's status to `Sleeping`, as `lifecycle: Sleep` does, and then the
 *   scheduler that holds the agent's runtime stops it, unless a task has been handed to it
 *   since; a task that comes after that starts a new runtime in the same workspace. The
 *   scheduler that ran the agent's last task holds its runtime: only it, or any scheduler once
 *   that one has stopped, puts the agent to sleep.
 */
export class LifetimeEnforcer {
  constructor(private readonly options: LifetimeEnforcerOptions) {}

  /**
   * Enforces the lifetimes of `agents`, as they were read, at `now`: at most `limit` sleeps and
   * deletes. Each template is read once.
   */
  async enforce(
    agents: readonly AgentRecord[],
    { now = Date.now(), limit = LIFETIME_ACTIONS_PER_PASS }: { now?: number; limit?: number } = {},
  ): Promise<LifetimeReport> {
    const report: LifetimeReport = { slept: [], deleted: [] };
    const templates = new Map<string, Promise<TemplateTtl | undefined>>();
    const alive = new Map<string, Promise<boolean>>();
    // The runtimes stop and the workspaces go together, once the agents' records are changed.
    const stops: Promise<void>[] = [];
    for (const agent of agents) {
      if (report.slept.length + report.deleted.length >= limit) break;
      if (!ENDED.has(agent.taskStatus) || !agent.completionTime) continue;
      const idleMs = now - Date.parse(agent.completionTime);
      const ref = `${agent.namespace}/${agent.spec.templateRef}`;
      if (!templates.has(ref)) {
        templates.set(
          ref,
          this.options.templates
            .resolve(agent.namespace, agent.spec.templateRef)
            .then((template) => template?.spec.ttl),
        );
      }
      const lifetimes = agentLifetimes(await templates.get(ref), this.options.defaults);
      if (lifetimes.deleteAfterIdleMs !== undefined && idleMs >= lifetimes.deleteAfterIdleMs) {
        const removal = await this.delete(agent);
        if (removal) {
          report.deleted.push(`${agent.namespace}/${agent.name}`);
          stops.push(removal.done);
        }
      } else if (
        lifetimes.sleepAfterIdleMs !== undefined &&
        idleMs >= lifetimes.sleepAfterIdleMs &&
        agent.status === 'Running' &&
        (await this.holdsRuntime(agent, alive))
      ) {
        const stop = await this.sleep(agent);
        if (stop) {
          report.slept.push(`${agent.namespace}/${agent.name}`);
          stops.push(stop.done);
        }
      }
    }
    await Promise.all(stops);
    return report;
  }

  /**
   * Whether this scheduler holds the agent's runtime, as far as anyone does: it ran the agent's
   * last task, or the scheduler that did has stopped.
   */
  private async holdsRuntime(agent: AgentRecord, alive: Map<string, Promise<boolean>>) {
    const holder = agent.scheduler;
    if (!holder || holder === this.options.scheduler) return true;
    if (!alive.has(holder)) alive.set(holder, this.options.liveness.alive(holder));
    return !(await alive.get(holder));
  }

  /**
   * Puts the agent to sleep if it is still idle since its last task as read; resolves with the
   * stop of its runtime then, which leaves a runtime that a task has been handed to since.
   */
  private async sleep(agent: AgentRecord): Promise<{ done: Promise<void> } | undefined> {
    const { agents, driver, runsTaskOf, logger } = this.options;
    const ref = refOf(agent);
    const log = logger.child({ agent: `${ref.namespace}/${ref.name}`, lastTask: agent.taskId });
    const outcome = await agents.sleepIdle(ref.namespace, ref.name, {
      uid: agent.uid ?? '',
      idleTask: agent.taskId,
    });
    if (outcome !== 'slept') return undefined;
    log.info({ since: agent.completionTime }, 'an idle agent went to sleep');
    const done = driver
      .stopUnlessBusy(ref, () => runsTaskOf(ref, agent.taskId))
      .then(
        (stopped) => {
          if (!stopped) log.info('a task came as the agent went to sleep; its runtime goes on');
        },
        (err: unknown) => log.warn({ err }, 'could not stop the runtime of a sleeping agent'),
      );
    return { done };
  }

  /**
   * Deletes the agent if it is still idle since its last task as read; resolves with the
   * removal of its runtime and workspace then.
   */
  private async delete(agent: AgentRecord): Promise<{ done: Promise<void> } | undefined> {
    const { agents, driver, logger } = this.options;
    const ref = refOf(agent);
    const log = logger.child({ agent: `${ref.namespace}/${ref.name}`, lastTask: agent.taskId });
    if (
      !(await agents.delete(ref.namespace, ref.name, agent.uid ?? '', { idleTask: agent.taskId }))
    )
      return undefined;
    log.info({ since: agent.completionTime }, 'deleted an agent whose time to live ran out');
    const done = driver
      .remove(ref)
      .catch((err: unknown) => log.warn({ err }, 'could not remove a deleted agent’s runtime'));
    return { done };
  }
}

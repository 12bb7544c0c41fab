import { randomUUID } from 'node:crypto';
import type { SchedulerStatus } from '@komputer/contracts';
import type { TaskStartNotes } from '@komputer/store';
import type { AgentStatus, TaskJob, TaskLimits } from '@komputer/contracts';
import type { ConnectorRegistry, ContentRegistry } from '@komputer/connectors';
import type { Logger } from '@komputer/service-kit';
import { budgetRefusal } from '@komputer/agents';
import type {
  AgentRecord,
  AgentStore,
  ApprovalStore,
  QuotaStore,
  TemplateStore,
} from '@komputer/store';
import type { Liveness } from './liveness';
import type { SchedulerMetrics } from './scheduler-metrics';
import { GAVE_UP, Persister } from './persist';
import { INTERRUPTED } from './reconciler';
import { agentRefOf, RuntimeHeldError } from './runtime-driver';
import { TaskTrace } from './task-trace';
import type { AgentRef, RuntimeDriver, RuntimeHandle } from './runtime-driver';
import { Supervision } from './supervision';
import type { SupervisorPlatform, TaskResources } from './supervision';
import { taskSettings, warmPoolOf } from './task-settings';
import type { TaskSettings } from './task-settings';
import type { TaskTokens } from './task-tokens';

/** Options for {@link TaskRunner}. */
export interface TaskRunnerOptions {
  agents: AgentStore;
  driver: RuntimeDriver;
  /** Connectors' endpoints, and the variables of the agent's secrets, per task. */
  connectors: Pick<ConnectorRegistry, 'resolveForTask' | 'resolveSecretEnv'>;
  /** The connector-registry's base URL as runtimes reach it. */
  registryUrl: string;
  /** The agents' memories, read for each task. */
  memories: ContentRegistry;
  /** The agents' skills, read for each task. */
  skills: ContentRegistry;
  /** The tasks' tokens: each task gets one for its model and connector calls, until it ends. */
  tokens: TaskTokens;
  /** Tells whether the scheduler that began a task still runs it. */
  liveness: Pick<Liveness, 'alive'>;
  /** The agents' templates, read for a task that is adopted (a start reads its own). */
  templates: Pick<TemplateStore, 'resolve'>;
  /** The scheduler's task limits, under the agent's and its template's. */
  limits: TaskLimits;
  /** The namespaces' monthly budgets: a task gets no more than what is left of its own. */
  quotas: Pick<QuotaStore, 'budget'>;
  /** Ask runtimes for `text_delta` events. */
  textDeltas: boolean;
  /** This scheduler's id: the tasks it starts are recorded as its own. */
  scheduler: string;
  /** Told when a task starts here and when it no longer runs here. */
  metrics?: Pick<SchedulerMetrics, 'started' | 'left'>;
  /** Runs manager agents' platform tools; without it, no agent gets any. */
  platform?: SupervisorPlatform;
  /** The tool calls that wait for a person's decision. */
  approvals: ApprovalStore;
  logger: Logger;
}

/**
 * What {@link TaskRunner.adopt} did with a task whose scheduler stopped: `adopted` (it runs here
 * now), `held` (another live scheduler drives its runtime, or the adoption could not be stored:
 * look again later), `gone` (no runtime runs it: the task must end), `stale` (it is no longer in
 * progress under that scheduler).
 */
export type AdoptOutcome = 'adopted' | 'held' | 'gone' | 'stale';

const agentKey = (agent: { namespace: string; name: string }) => `${agent.namespace}/${agent.name}`;

/** The job of an agent's current task, as the queue held it. */
function jobOf(agent: AgentRecord): TaskJob {
  return {
    taskId: agent.taskId,
    namespace: agent.namespace,
    agentName: agent.name,
    instructions: agent.instructions,
    enqueuedAt: agent.updatedAt,
    ...(agent.uid ? { agentUid: agent.uid } : {}),
  };
}

/**
 * What {@link TaskRunner.run} did with a task: `ran` (it ran to its end, or is no longer the
 * agent's to run), or `waiting`: its template's cap is reached, and the task stays queued until
 * a slot frees (its job must wait, and come again).
 */
export type RunOutcome = 'ran' | 'waiting';

/**
 * Runs tasks: starts each in Redis, hands it to the agent's runtime, and has its
 * {@link Supervision} store every event the runtime reports, exactly once and in order, until a
 * terminal one. It is the only writer of a running task's events. Writes that need Redis are
 * retried for as long as Redis is away.
 */

/** The agent's runtime as its task needs it: in its squad home's workspace when it has one. */
function placedRef(ref: AgentRef, agent: AgentRecord): AgentRef {
  const home = agent.squadHome;
  return home !== undefined && home !== agent.name ? { ...ref, home } : ref;
}

export class TaskRunner {
  /** The supervisions of the tasks running here, by task id. */
  private readonly supervisions = new Map<string, Supervision>();
  /**
   * The tasks that {@link run} runs here, started or not, and the adopted ones: each task's
   * agent, by task id.
   */
  private readonly running = new Map<string, string>();
  private readonly persister = new Persister();

  constructor(private readonly options: TaskRunnerOptions) {}

  /** How many tasks {@link TaskRunner.run} is running now. */
  get active(): number {
    return this.running.size;
  }

  /** How many tasks run on a runtime here now. */
  get supervising(): number {
    return this.supervisions.size;
  }

  /** How many writes {@link close} left undone: tasks that the other schedulers must end. */
  get abandoned(): number {
    return this.persister.abandoned;
  }

  /**
   * Whether a task of the agent (other than `except`: its last, which has ended) runs here, or
   * is on its way to its runtime: such a task may hold the agent's runtime, which must not stop
   * under it.
   */
  runsTaskOf(agent: AgentRef, except?: string): boolean {
    const key = agentKey(agent);
    for (const [taskId, of] of this.running) if (of === key && taskId !== except) return true;
    return false;
  }

  /** Asks the runtime running `taskId` here, if any, to cancel it. */
  cancel(taskId: string, reason: string): boolean {
    const supervision = this.supervisions.get(taskId);
    supervision?.cancel(reason);
    return supervision !== undefined;
  }

  /**
   * Stops retrying writes: the tasks still running here end as their runtimes stop, and what
   * could not be stored is left to the other schedulers. Idempotent.
   */
  close(): void {
    this.persister.close();
  }

  /**
   * Adopts the agent's task, in progress under `from`, a scheduler that stopped, when its
   * runtime outlived that scheduler: attaches to it, makes the task this scheduler's, and
   * supervises it from its last stored event, in the background. See {@link AdoptOutcome}.
   */
  async adopt(agent: AgentRecord, from: string): Promise<AdoptOutcome> {
    if (this.running.has(agent.taskId)) return 'adopted';
    this.running.set(agent.taskId, agentKey(agent));
    let supervised: Promise<void> | undefined;
    try {
      const attempt = await this.attemptAdoption(agent, from);
      if (attempt.outcome !== 'adopted') return attempt.outcome;
      supervised = attempt.supervised;
      return 'adopted';
    } finally {
      if (supervised) void supervised.finally(() => this.running.delete(agent.taskId));
      else this.running.delete(agent.taskId);
    }
  }

  private async attemptAdoption(
    agent: AgentRecord,
    from: string,
  ): Promise<
    { outcome: 'held' | 'gone' | 'stale' } | { outcome: 'adopted'; supervised: Promise<void> }
  > {
    const { agents, driver, logger, scheduler } = this.options;
    const job = jobOf(agent);
    const ref = agentRefOf(job);
    const log = logger.child({ agent: `${ref.namespace}/${ref.name}`, taskId: job.taskId });
    if (!driver.adopt) return { outcome: 'gone' };
    let runtime: RuntimeHandle | undefined;
    try {
      runtime = await driver.adopt(ref);
    } catch (err) {
      if (err instanceof RuntimeHeldError) {
        log.info({ reason: err.message }, 'a task whose scheduler stopped is driven elsewhere');
        return { outcome: 'held' };
      }
      log.warn({ err }, 'could not attach to the runtime of a task whose scheduler stopped');
      return { outcome: 'gone' };
    }
    if (!runtime) return { outcome: 'gone' };
    const adopted = await this.persister.run('adopt the task', log, () =>
      agents.adoptTask({
        namespace: ref.namespace,
        name: ref.name,
        taskId: job.taskId,
        from,
        scheduler,
      }),
    );
    if (adopted === GAVE_UP) return { outcome: 'held' };
    if (adopted.outcome === 'stale') return { outcome: 'stale' };
    log.warn({ from }, 'adopted a task whose scheduler stopped; resuming it on its runtime');
    const { eventSeq, supervisorSeq } = adopted;
    const template = await this.options.templates
      .resolve(ref.namespace, adopted.agent.spec.templateRef)
      .catch((err: unknown) => {
        log.warn({ err }, 'could not read the agent’s template; its task goes on without it');
        return undefined;
      });
    return {
      outcome: 'adopted',
      supervised: this.supervise(job, adopted.agent, runtime, {
        settings: taskSettings(adopted.agent.spec, template?.spec, this.options.limits),
        announced: true,
        adopted: { eventSeq, supervisorSeq },
        log,
      }),
    };
  }

  /**
   * Runs the task of `job` to its terminal event. Resolves when the task has ended. A task that
   * runs here already (its job came twice) is left to the run that has it.
   */
  async run(job: TaskJob): Promise<RunOutcome> {
    if (this.running.has(job.taskId)) {
      this.options.logger.info({ taskId: job.taskId }, 'a task that runs here came again; dropped');
      return 'ran';
    }
    this.running.set(job.taskId, agentKey(agentRefOf(job)));
    const trace = new TaskTrace(job);
    try {
      return await this.runOnce(job, trace);
    } finally {
      trace.end();
      this.running.delete(job.taskId);
      this.options.metrics?.left(job.taskId);
    }
  }

  /**
   * The task's `task_started` is written here, as the task goes to a ready runtime: for a warm
   * runtime in the same step that starts the task, so that a warm start costs one Redis round
   * trip.
   */
  private async runOnce(job: TaskJob, trace: TaskTrace): Promise<RunOutcome> {
    const { agents, driver, logger, scheduler } = this.options;
    const ref = agentRefOf(job);
    const log = logger.child({ agent: `${ref.namespace}/${ref.name}`, taskId: job.taskId });
    const { sandbox } = driver;
    const notes = startNotes(sandbox);
    const warm = driver.ready(ref);
    const token = randomUUID();
    const started = await this.persister.run('start the task', log, () =>
      agents.startTask({
        ...ref,
        taskId: job.taskId,
        scheduler,
        token,
        ...(warm
          ? {
              announce: {
                instructions: job.instructions,
                resumingSession: warm.resumable,
                notes,
              },
            }
          : {}),
      }),
    );
    if (started === GAVE_UP) return 'ran';
    if (!('agent' in started)) {
      log.info({ outcome: started.outcome }, 'dropped a task that is no longer the agent’s');
      return 'ran';
    }
    if (started.outcome === 'waiting') {
      log.info({ reason: started.agent.queueReason }, 'the task waits for a slot of its template');
      return 'waiting';
    }
    if (started.outcome === 'interrupted') {
      const owner = started.agent.scheduler;
      if (owner && owner !== scheduler && (await this.options.liveness.alive(owner))) {
        log.info({ scheduler: owner }, 'dropped a second delivery of a task that runs elsewhere');
        return 'ran';
      }
      // A runtime that outlived that scheduler goes on with the task here.
      if (owner && owner !== scheduler) {
        const attempt = await this.attemptAdoption(started.agent, owner);
        if (attempt.outcome === 'adopted') await attempt.supervised;
        if (attempt.outcome !== 'gone') return 'ran';
      }
      await this.fail(job, INTERRUPTED, true);
      log.warn('ended a task whose scheduler stopped');
      return 'ran';
    }
    const { agent, announcedId, template } = started;
    this.options.metrics?.started(job);
    if (sandbox.sandbox === 'unavailable') {
      log.error({ problem: sandbox.problem }, 'refused a task: the sandbox cannot start here');
      await this.fail(job, sandbox.problem ?? 'the agent sandbox cannot start here', false);
      return 'ran';
    }
    const budget = await this.options.quotas.budget(ref.namespace, new Date());
    const refusal = budgetRefusal(ref.namespace, budget);
    if (refusal) {
      log.info('refused a task: its namespace has spent its monthly budget');
      await this.fail(job, refusal.message, false);
      return 'ran';
    }
    const settings = taskSettings(agent.spec, template?.spec, this.options.limits);
    // A running task stops where its namespace's month would pass its budget.
    if (budget && budget.leftUsd < settings.limits.maxBudgetUsd) {
      settings.limits.maxBudgetUsd = budget.leftUsd;
    }
    const warmPool = warmPoolOf(agent.spec, template);
    // A squad member's task runs in its squad home's workspace, as the start read it: a runtime
    // that is ready elsewhere (its own, before it joined) is not the one.
    const placed = placedRef(ref, agent);
    let runtime = warm && driver.ready(placed) === warm ? warm : undefined;
    if (!runtime) {
      try {
        runtime = await driver.ensure(
          placed,
          warmPool ? { ...settings.pod, warmPool } : settings.pod,
        );
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await this.fail(job, `could not start the agent runtime: ${reason}`, true, 'Failed');
        return 'ran';
      }
    }
    await this.supervise(job, agent, runtime, {
      announced: announcedId !== undefined,
      settings,
      trace,
      log,
    });
    return 'ran';
  }

  /**
   * Supervises the task of `job` on `runtime` to its end (see {@link Supervision}), then applies
   * the agent's lifecycle.
   */
  private async supervise(
    job: TaskJob,
    agent: AgentRecord,
    runtime: RuntimeHandle,
    options: {
      announced: boolean;
      adopted?: { eventSeq: number; supervisorSeq: number };
      settings: TaskSettings;
      /** The task's spans; an adopted task has none. */
      trace?: TaskTrace;
      log: Logger;
    },
  ): Promise<void> {
    const { agents, driver, scheduler } = this.options;
    const { log } = options;
    const ref = agentRefOf(job);
    const supervision = new Supervision({
      job,
      agent,
      runtime,
      announced: options.announced,
      ...(options.adopted ? { adopted: options.adopted } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
      notes: startNotes(driver.sandbox),
      settings: options.settings,
      textDeltas: this.options.textDeltas,
      agents,
      persister: this.persister,
      resources: () => this.resources(agent, options.settings.warnings),
      tokens: this.options.tokens,
      fail: (reason, retryable, status) => this.fail(job, reason, retryable, status),
      stopRuntime: () => {
        driver
          .stop(ref)
          .catch((err: unknown) => log.warn({ err }, 'could not stop a sleeping runtime'));
      },
      ...(this.options.platform ? { platform: this.options.platform } : {}),
      approvals: this.options.approvals,
      log,
    });
    this.supervisions.set(job.taskId, supervision);
    try {
      await supervision.run();
    } finally {
      this.supervisions.delete(job.taskId);
    }
    await agents
      .forgetTask(scheduler, ref.namespace, ref.name, job.taskId)
      .catch((err: unknown) => log.debug({ err }, 'could not forget an ended task'));
    await this.applyLifecycle(agent, job.taskId, log);
  }

  /**
   * What the agent's `lifecycle` asks for once its task `taskId` has ended: `Sleep` stops its
   * runtime and keeps its workspace; `AutoDelete` deletes the agent. Not once the agent has moved
   * on to another task (the follow-up of steers its task did not take, or a new one): that
   * task's end applies it.
   */
  private async applyLifecycle(agent: AgentRecord, taskId: string, log: Logger): Promise<void> {
    if (agent.spec.lifecycle !== 'Sleep' && agent.spec.lifecycle !== 'AutoDelete') return;
    const ref = {
      namespace: agent.namespace,
      name: agent.name,
      ...(agent.uid ? { uid: agent.uid } : {}),
    };
    try {
      if ((await this.options.agents.get(ref.namespace, ref.name))?.taskId !== taskId) return;
      if (agent.spec.lifecycle === 'Sleep') {
        await this.options.driver.stop(ref);
      } else if (agent.spec.lifecycle === 'AutoDelete') {
        await this.options.agents.delete(ref.namespace, ref.name, agent.uid ?? '');
        await this.options.driver.remove(ref);
      }
    } catch (err) {
      log.warn({ err, lifecycle: agent.spec.lifecycle }, 'could not apply the agent’s lifecycle');
    }
  }

  /**
   * What the task gets of the agent's connectors, memories and skills, read now, with the
   * warnings of its settings.
   */
  private async resources(agent: AgentRecord, warnings: string[]): Promise<TaskResources> {
    const { namespace, spec } = agent;
    const [connectors, secretEnv, memories, skills] = await Promise.all([
      this.options.connectors.resolveForTask(namespace, spec.connectors, this.options.registryUrl),
      this.options.connectors.resolveSecretEnv(namespace, spec.secretRefs),
      this.options.memories.resolveForTask(namespace, spec.memories),
      this.options.skills.resolveForTask(namespace, spec.skills),
    ]);
    return {
      connectors,
      env: secretEnv.env,
      memories: memories.found.map(({ ref, content }) => ({ name: ref, content })),
      skills: skills.found.map(({ ref, description, content }) => ({
        name: ref,
        description: description ?? '',
        content,
      })),
      warnings: [
        ...warnings,
        ...memories.missing.map(
          (ref) => `memory "${ref}" no longer exists; the task runs without it`,
        ),
        ...skills.missing.map((ref) => `skill "${ref}" no longer exists; the task runs without it`),
        ...secretEnv.missing,
      ],
    };
  }

  /** Ends the task with an `error` event, unless it has ended already; retried until stored. */
  private async fail(
    job: TaskJob,
    reason: string,
    retryable: boolean,
    status?: AgentStatus,
  ): Promise<void> {
    const log = this.options.logger.child({ taskId: job.taskId });
    await this.persister.run('end the task', log, () =>
      this.options.agents.recordEvent({
        namespace: job.namespace,
        name: job.agentName,
        event: {
          type: 'error',
          taskId: job.taskId,
          timestamp: new Date().toISOString(),
          payload: { error: reason, retryable },
        },
        requiredStatus: 'InProgress',
        terminal: { taskStatus: 'Error', message: reason, ...(status ? { status } : {}) },
      }),
    );
  }
}

/** Said on every `task_started` when the agent's commands run outside the sandbox. */
export const SANDBOX_OFF_WARNING =
  'KOMPUTER_SANDBOX=off: this agent’s commands run unsandboxed, as the runtime’s user, and can reach the control plane, its data directory and other agents’ workspaces';

/** What `task_started` says of how the task runs. */
function startNotes(status: SchedulerStatus): TaskStartNotes {
  return status.sandbox === 'off'
    ? { sandbox: 'off', warning: SANDBOX_OFF_WARNING }
    : { sandbox: 'on' };
}

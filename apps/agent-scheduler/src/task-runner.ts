import type {
  AgentLimits,
  AgentStatus,
  NewAgentEvent,
  TaskJob,
  TaskLimits,
} from '@komputer/contracts';
import type { ConnectorRegistry, ContentRegistry } from '@komputer/connectors';
import type { Logger } from '@komputer/service-kit';
import type { AgentRecord, AgentStore, TaskEnd } from '@komputer/store';
import { agentRefOf } from './runtime-driver';
import type { RuntimeDriver, RuntimeHandle } from './runtime-driver';

/** Options for {@link TaskRunner}. */
export interface TaskRunnerOptions {
  agents: AgentStore;
  driver: RuntimeDriver;
  /** The URL and auth headers of each named connector, read for each task. */
  /** Connectors with their credentials, and the variables of the agent's secrets, per task. */
  connectors: Pick<ConnectorRegistry, 'resolveForTask' | 'resolveSecretEnv'>;
  /** The agents' memories, read for each task. */
  memories: ContentRegistry;
  /** The agents' skills, read for each task. */
  skills: ContentRegistry;
  limits: TaskLimits;
  /** Ask runtimes for `text_delta` events. */
  textDeltas: boolean;
  /** This scheduler's id: the tasks it starts are recorded as its own. */
  scheduler: string;
  logger: Logger;
}

/** Extra time past the task's own timeout before the scheduler gives up on the runtime. */
const TIMEOUT_GRACE_MS = 10_000;
/** Attempts at storing one event while Redis is unreachable. */
const STORE_ATTEMPTS = 5;

/** What a terminal event changes on the agent. */
function taskEnd(event: NewAgentEvent): TaskEnd | undefined {
  switch (event.type) {
    case 'task_completed':
      return {
        taskStatus: 'Complete',
        message: event.payload.result,
        costUsd: event.payload.cost_usd,
        tokens: event.payload.usage.input_tokens + event.payload.usage.output_tokens,
        sessionId: event.payload.session_id,
      };
    case 'task_cancelled':
      return { taskStatus: 'Cancelled', message: event.payload.reason };
    case 'error':
      return { taskStatus: 'Error', message: event.payload.error };
    default:
      return undefined;
  }
}

/** The scheduler's default limits, with the agent's own where it set them. */
function effectiveLimits(defaults: TaskLimits, own: AgentLimits = {}): TaskLimits {
  return {
    maxTurns: own.maxTurns ?? defaults.maxTurns,
    maxBudgetUsd: own.maxBudgetUsd ?? defaults.maxBudgetUsd,
    timeoutMs: own.timeoutMs ?? defaults.timeoutMs,
  };
}

/** A sleeping agent's runtime stops after each task: its status says so with the task's end. */
function withLifecycle(end: TaskEnd | undefined, agent: AgentRecord): TaskEnd | undefined {
  return end && agent.spec.lifecycle === 'Sleep' ? { ...end, status: 'Sleeping' } : end;
}

async function withRetries<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

/**
 * Runs one task: starts it in Redis, hands it to the agent's runtime, and stores every event the
 * runtime reports, exactly once and in order, until a terminal one. It is the only writer of a
 * running task's events.
 */
export class TaskRunner {
  /** Cancels for the tasks running here, by task id. */
  private readonly cancels = new Map<string, (reason: string) => void>();
  private running = 0;

  constructor(private readonly options: TaskRunnerOptions) {}

  /** How many tasks {@link TaskRunner.run} is running now. */
  get active(): number {
    return this.running;
  }

  /** Asks the runtime running `taskId` here, if any, to cancel it. */
  cancel(taskId: string, reason: string): boolean {
    const cancel = this.cancels.get(taskId);
    cancel?.(reason);
    return cancel !== undefined;
  }

  /**
   * Runs the task of `job` to its terminal event. Resolves when the task has ended. The task's
   * `task_started` is written here, as the task goes to a ready runtime: for a warm runtime in
   * the same step that starts the task, so that a warm start costs one Redis round trip.
   */
  async run(job: TaskJob): Promise<void> {
    this.running += 1;
    try {
      await this.runCounted(job);
    } finally {
      this.running -= 1;
    }
  }

  private async runCounted(job: TaskJob): Promise<void> {
    const { agents, driver, logger } = this.options;
    const ref = agentRefOf(job);
    const log = logger.child({ agent: `${ref.namespace}/${ref.name}`, taskId: job.taskId });
    const warm = driver.ready(ref);
    const started = await agents.startTask({
      ...ref,
      taskId: job.taskId,
      scheduler: this.options.scheduler,
      ...(warm
        ? { announce: { instructions: job.instructions, resumingSession: warm.resumable } }
        : {}),
    });
    if (!('agent' in started)) {
      log.info({ outcome: started.outcome }, 'dropped a task that is no longer the agent’s');
      return;
    }
    if (started.outcome === 'interrupted') {
      await this.fail(job, 'the task was interrupted: the scheduler running it stopped', true);
      log.warn('ended a task whose scheduler stopped');
      return;
    }
    const { agent, announcedId } = started;
    let runtime = warm;
    if (!runtime) {
      try {
        runtime = await driver.ensure(ref);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await this.fail(job, `could not start the agent runtime: ${reason}`, true, 'Failed');
        return;
      }
    }
    await this.supervise(job, agent, runtime, announcedId !== undefined, log);
    await this.applyLifecycle(agent, log);
  }

  /**
   * What the agent's `lifecycle` asks for once a task has ended: `Sleep` stops its runtime and
   * keeps its workspace; `AutoDelete` deletes the agent.
   */
  private async applyLifecycle(agent: AgentRecord, log: Logger): Promise<void> {
    const ref = {
      namespace: agent.namespace,
      name: agent.name,
      ...(agent.uid ? { uid: agent.uid } : {}),
    };
    try {
      if (agent.spec.lifecycle === 'Sleep') {
        await this.options.driver.stop(ref);
      } else if (agent.spec.lifecycle === 'AutoDelete') {
        await this.options.agents.delete(ref.namespace, ref.name);
        await this.options.driver.remove(ref);
      }
    } catch (err) {
      log.warn({ err, lifecycle: agent.spec.lifecycle }, 'could not apply the agent’s lifecycle');
    }
  }

  private async supervise(
    job: TaskJob,
    agent: AgentRecord,
    runtime: RuntimeHandle,
    announced: boolean,
    log: Logger,
  ): Promise<void> {
    const { taskId } = job;
    let writes = Promise.resolve();
    let ended = false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));

    /** Stores an event: the runtime's, numbered by `seq`, or the scheduler's own. */
    const store = (event: NewAgentEvent, seq?: number) => {
      writes = writes.then(async () => {
        if (ended) return;
        const end = withLifecycle(taskEnd(event), agent);
        // A sleeping agent's runtime stops before the task's end is stored: the agent's next
        // task, which may come the moment its end is stored, must not find that runtime ready.
        if (end?.status === 'Sleeping') {
          this.options.driver
            .stop(agentRefOf(job))
            .catch((err: unknown) => log.warn({ err }, 'could not stop a sleeping runtime'));
        }
        const result = await withRetries(STORE_ATTEMPTS, () =>
          this.options.agents.recordEvent({
            namespace: job.namespace,
            name: job.agentName,
            event,
            ...(seq !== undefined ? { seq } : {}),
            requiredStatus: 'InProgress',
            ...(end ? { terminal: end } : {}),
          }),
        ).catch((err: unknown) => {
          log.error({ err, seq, type: event.type }, 'could not store an event');
          return undefined;
        });
        if (seq !== undefined) runtime.send({ type: 'ack', taskId, seq });
        if (end || result?.outcome === 'stale') {
          ended = true;
          finish();
        }
      });
    };
    const endWith = (reason: string, retryable: boolean, status?: AgentStatus) => {
      writes = writes.then(async () => {
        if (ended) return;
        ended = true;
        await this.fail(job, reason, retryable, status).catch((err: unknown) =>
          log.error({ err }, 'could not end the task'),
        );
        finish();
      });
    };

    let cancelSent = false;
    const cancel = (reason: string) => {
      if (cancelSent) return;
      cancelSent = true;
      log.info({ reason }, 'cancelling the task');
      runtime.send({ type: 'cancel', taskId, reason });
    };
    const stopListening = runtime.onMessage((message) => {
      if (message.type === 'event' && message.event.taskId === taskId) {
        store(message.event, message.seq);
      }
      // Pub/sub delivers at most once: a cancel published while this scheduler's subscriber was
      // reconnecting is lost. The flag on the agent is not, so each heartbeat looks at it.
      if (message.type === 'heartbeat' && !cancelSent) {
        this.options.agents.cancelRequested(job.namespace, job.agentName).then(
          (requested) => requested === taskId && cancel('cancelled by request'),
          (err: unknown) => log.warn({ err }, 'could not check for a cancel request'),
        );
      }
    });
    this.cancels.set(taskId, cancel);
    // A runtime that stops in the middle of a task has failed; the next task starts a new one.
    const stopWatchingExit = runtime.onExit((reason) => endWith(reason, true, 'Failed'));
    const limits = effectiveLimits(this.options.limits, agent.spec.limits);
    const timer = setTimeout(
      () =>
        endWith(
          `the agent runtime did not finish within ${limits.timeoutMs + TIMEOUT_GRACE_MS} ms`,
          true,
        ),
      limits.timeoutMs + TIMEOUT_GRACE_MS,
    );

    if (!announced) {
      store({
        type: 'task_started',
        taskId,
        timestamp: new Date().toISOString(),
        payload: {
          instructions: job.instructions,
          model: agent.spec.model,
          resuming_session: runtime.resumable,
        },
      });
    }
    // Read per task, so that a PATCH of the agent's connectors, memories or skills, or a rotated
    // secret, applies to the next task; the credentials go to this runtime only, inside the task
    // message.
    const resources = await this.resources(agent).catch((err: unknown) => {
      log.warn({ err }, 'could not read the agent’s connectors, memories or skills');
      endWith('could not read the agent’s connectors, memories or skills; retry the task', true);
      return undefined;
    });
    for (const message of resources?.missing ?? []) {
      store({ type: 'warning', taskId, timestamp: new Date().toISOString(), payload: { message } });
    }
    const sent =
      resources !== undefined &&
      runtime.send({
        type: 'task',
        taskId,
        instructions: job.instructions,
        agent: {
          name: agent.name,
          namespace: agent.namespace,
          model: agent.spec.model,
          role: agent.spec.role,
          ...(agent.spec.systemPrompt ? { systemPrompt: agent.spec.systemPrompt } : {}),
        },
        limits,
        connectors: resources.connectors,
        env: resources.env,
        memories: resources.memories.map(({ ref, content }) => ({ name: ref, content })),
        skills: resources.skills.map(({ ref, description, content }) => ({
          name: ref,
          description: description ?? '',
          content,
        })),
        textDeltas: this.options.textDeltas,
      });
    if (resources !== undefined && !sent)
      endWith('the agent runtime stopped before it took the task', true);
    // A cancel may have come before this scheduler listened for it.
    if (agent.cancelRequested === taskId) this.cancel(taskId, 'cancelled by request');

    try {
      await done;
      await writes;
    } finally {
      clearTimeout(timer);
      stopListening();
      stopWatchingExit();
      this.cancels.delete(taskId);
    }
  }

  /** What the task gets of the agent's connectors, memories and skills, read now. */
  private async resources(agent: AgentRecord) {
    const { namespace, spec } = agent;
    const [connectors, secretEnv, memories, skills] = await Promise.all([
      this.options.connectors.resolveForTask(namespace, spec.connectors),
      this.options.connectors.resolveSecretEnv(namespace, spec.secretRefs),
      this.options.memories.resolveForTask(namespace, spec.memories),
      this.options.skills.resolveForTask(namespace, spec.skills),
    ]);
    const missing = [
      ...memories.missing.map(
        (ref) => `memory "${ref}" no longer exists; the task runs without it`,
      ),
      ...skills.missing.map((ref) => `skill "${ref}" no longer exists; the task runs without it`),
      ...secretEnv.missing,
    ];
    return {
      connectors,
      env: secretEnv.env,
      memories: memories.found,
      skills: skills.found,
      missing,
    };
  }

  /** Ends the task with an `error` event, unless it has ended already. */
  private async fail(
    job: TaskJob,
    reason: string,
    retryable: boolean,
    status?: AgentStatus,
  ): Promise<void> {
    await this.options.agents.recordEvent({
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
    });
  }
}

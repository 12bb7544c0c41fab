import type { ApprovalStore, TaskStartNotes } from '@komputer/store';
import {
  BUSY_TASK_STATUSES,
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  inheritedApprovalPolicy,
  RUNTIME_APPROVAL_METHOD,
  RUNTIME_COMPACTING_METHOD,
  RUNTIME_PLATFORM_METHOD,
  RUNTIME_STEERS_MAX_BYTES,
  RUNTIME_STEERS_METHOD,
  RuntimeCompactingParamsSchema,
  RuntimeApprovalParamsSchema,
  RuntimePlatformParamsSchema,
  RuntimeSteersParamsSchema,
} from '@komputer/contracts';
import type { AgentService } from '@komputer/agents';
import { SubTasks } from '@komputer/platform-tools';
import type { SubTaskStore } from '@komputer/platform-tools';
import type { ManagerCaller, PlatformTools } from '@komputer/platform-tools';
import type {
  AgentStatus,
  Approval,
  NewAgentEvent,
  RuntimeApprovalResult,
  RuntimeMessage,
  RuntimePlatformResult,
  RuntimeSteersResult,
  RuntimeTaskMessage,
  TaskJob,
} from '@komputer/contracts';
import { isRedisUnavailableError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { AgentRecord, AgentStore, TaskEnd } from '@komputer/store';
import { GAVE_UP } from './persist';
import type { Persister } from './persist';
import type { TaskTrace } from './task-trace';
import type { RuntimeHandle } from './runtime-driver';
import type { TaskSettings } from './task-settings';
import type { TaskTokens } from './task-tokens';

/** Extra time past the task's own timeout before the scheduler gives up on the runtime. */
const TIMEOUT_GRACE_MS = 10_000;
/** How long an adopted task's runtime has to answer `resume`, and then a request. */
const RESUME_TIMEOUT_MS = 10_000;

/** Why an adopted task ends when its runtime turns out never to have taken it. */
export const NEVER_TAKEN =
  'the task was interrupted: the scheduler running it stopped before its runtime took it';

/** What a task's runtime gets besides its instructions, read for each task. */
export type TaskResources = Pick<
  RuntimeTaskMessage,
  'connectors' | 'env' | 'memories' | 'skills'
> & {
  /** Warnings for the task's events: resources the agent names that are gone. */
  warnings: string[];
};

/** What a supervisor runs manager agents' platform tools with. */
export interface SupervisorPlatform {
  tools: PlatformTools;
  /** Cancels a manager's sub-tasks when its own task is cancelled. */
  agents: Pick<AgentService, 'cancel' | 'get'>;
  /** Where a manager task's sub-tasks are kept, for a scheduler that adopts the task. */
  subTaskStore: (namespace: string, taskId: string, ttlMs: number) => SubTaskStore;
}

/** Options for {@link Supervision}. */
export interface SupervisionOptions {
  job: TaskJob;
  agent: AgentRecord;
  runtime: RuntimeHandle;
  /** The task's `task_started` was stored with its start. */
  announced: boolean;
  /**
   * The task ran under a scheduler that stopped while its runtime went on, and this one adopted
   * it: the runtime is attached again and sends what it kept after the last stored event
   * (`eventSeq`: the runtime's numbers, `supervisorSeq`: the scheduler's own); the task is not
   * sent again.
   */
  adopted?: { eventSeq: number; supervisorSeq: number };
  /** What `task_started` says of how the task runs (the sandbox). */
  notes: TaskStartNotes;
  /** The task's settings: the agent's, its template's and the scheduler's, resolved. */
  settings: TaskSettings;
  textDeltas: boolean;
  agents: AgentStore;
  persister: Persister;
  /** The agent's connectors, secrets, memories and skills, read now. */
  resources: () => Promise<TaskResources>;
  /** Issues the task's token (model and connector calls), which dies with the supervision. */
  tokens: TaskTokens;
  /** Ends the task with an `error` event (retried until stored), unless it has ended already. */
  fail: (reason: string, retryable: boolean, status?: AgentStatus) => Promise<void>;
  /** Called before a sleeping agent's task end is stored: its runtime must stop first. */
  stopRuntime: () => void;
  /** The task's spans, when traces are on: they follow its tool calls and outcome. */
  trace?: TaskTrace;
  /** Runs a manager agent's platform tools; without it, an agent gets none. */
  platform?: SupervisorPlatform;
  /** Where the task's tool calls wait for a person's decision. */
  approvals: ApprovalStore;
  log: Logger;
}

/** What a task that did not complete had spent, as its terminal event says. */
function spent(payload: {
  cost_usd?: number | undefined;
  usage?: { input_tokens: number; output_tokens: number } | undefined;
}): Pick<TaskEnd, 'costUsd' | 'tokens'> {
  return {
    ...(payload.cost_usd !== undefined ? { costUsd: payload.cost_usd } : {}),
    ...(payload.usage ? { tokens: payload.usage.input_tokens + payload.usage.output_tokens } : {}),
  };
}

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
      return { taskStatus: 'Cancelled', message: event.payload.reason, ...spent(event.payload) };
    case 'error':
      return { taskStatus: 'Error', message: event.payload.error, ...spent(event.payload) };
    default:
      return undefined;
  }
}

/**
 * One task on its runtime, from the task message to its terminal event. Every event is stored
 * in order and exactly once: the runtime's are numbered by the runtime, the scheduler's own
 * (`task_started`, warnings) by the scheduler, and each number is stored once. The runtime's
 * events are acknowledged only once stored; until then the runtime keeps them.
 */
export class Supervision {
  /** The writes, one after another, in the order the events came. */
  private writes = Promise.resolve();
  private ended = false;
  /** The number of the scheduler's last own event of this task; `task_started` is number 1. */
  private ownEvents = 1;
  private cancelSent = false;
  /** The task's model token, once the task is sent. */
  private modelToken: string | undefined;
  private finish: () => void = () => undefined;
  private readonly done = new Promise<void>((resolve) => (this.finish = resolve));
  /** The sub-tasks that the task's platform calls started, when its agent is a manager. */
  private readonly subTasks: SubTasks;
  /** Stops the task's platform calls and approval waits under way: its cancel, or its end. */
  private readonly platformCalls = new AbortController();

  constructor(private readonly options: SupervisionOptions) {
    const { platform, job, settings } = options;
    // Kept in Redis for as long as this supervision may still run the task.
    const ttlMs = settings.limits.timeoutMs + TIMEOUT_GRACE_MS;
    this.subTasks = new SubTasks(platform?.subTaskStore(job.namespace, job.taskId, ttlMs));
  }

  private get taskId(): string {
    return this.options.job.taskId;
  }

  /**
   * Runs the task to its end: sends it, stores what the runtime reports, and ends it with an
   * `error` when the runtime stops or overruns the task's timeout.
   */
  async run(): Promise<void> {
    const { runtime, log } = this.options;
    const { limits } = this.options.settings;
    const stopListening = runtime.onMessage((message) => this.onRuntimeMessage(message));
    // At each turn boundary the runtime asks for the steers that came; it reports each it takes
    // with a `user_message`, whose store drops it from the agent's list.
    runtime.handle(RUNTIME_STEERS_METHOD, (params) => this.steers(params));
    // The runtime says when it starts to compact the conversation, so that the agent shows it.
    runtime.handle(RUNTIME_COMPACTING_METHOD, (params) => this.compacting(params));
    // A manager's platform tool calls run here, outside the sandbox, as its agent.
    runtime.handle(RUNTIME_PLATFORM_METHOD, (params) => this.platformCall(params));
    // A tool call that the agent's approval policy names waits here for a person's decision.
    runtime.handle(RUNTIME_APPROVAL_METHOD, (params) => this.approval(params));
    // A runtime that stops in the middle of a task has failed; the next task starts a new one.
    const stopWatchingExit = runtime.onExit((reason) => this.endWith(reason, true, 'Failed'));
    const timeoutMs = limits.timeoutMs + TIMEOUT_GRACE_MS;
    const timer = setTimeout(
      () => this.endWith(`the agent runtime did not finish within ${timeoutMs} ms`, true),
      timeoutMs,
    );
    try {
      if (this.options.adopted) {
        // A manager's task knows the sub-tasks it started under the scheduler before.
        if (this.options.agent.spec.role === 'manager') await this.subTasks.restore();
        await this.resume(this.options.adopted);
      } else {
        if (!this.options.announced) this.storeOwn(this.started());
        await this.sendTask();
      }
      // A cancel may have come before this scheduler listened for it.
      if (this.options.agent.cancelRequested === this.taskId) this.cancel('cancelled by request');
      await this.done;
      await this.writes;
    } finally {
      // However the task ended, its model calls end with it: the runtime's calls still under
      // way are cut off, and its token is refused from now on.
      if (this.modelToken) this.options.tokens.revoke(this.modelToken);
      this.platformCalls.abort('the task has ended');
      // Its sub-tasks are no one's to cancel now; a task that goes on elsewhere keeps them.
      if (this.ended && this.options.agent.spec.role === 'manager')
        await this.subTasks.forget().catch((err: unknown) => log.debug({ err }, 'sub-tasks kept'));
      clearTimeout(timer);
      stopListening();
      stopWatchingExit();
      log.debug('supervision ended');
    }
  }

  /**
   * The steers of the task after the one the runtime names, and the compaction asked of it;
   * none once it is no longer running.
   */
  private async steers(params: unknown): Promise<RuntimeSteersResult> {
    const { taskId, after } = RuntimeSteersParamsSchema.parse(params);
    const { job, agents } = this.options;
    const [steers, compact] = await Promise.all([
      agents.steersAfter({
        namespace: job.namespace,
        name: job.agentName,
        taskId,
        after,
        maxBytes: RUNTIME_STEERS_MAX_BYTES,
      }),
      taskId === this.taskId
        ? agents.compactionRequested(job.namespace, job.agentName, taskId)
        : undefined,
    ]);
    return { steers, ...(compact ? { compact } : {}) };
  }

  /** Marks the agent as compacting its task's conversation, or no longer. */
  private async compacting(params: unknown): Promise<{ marked: boolean }> {
    const { taskId, active } = RuntimeCompactingParamsSchema.parse(params);
    const { job, agents } = this.options;
    if (taskId !== this.taskId) return { marked: false };
    return { marked: await agents.setCompacting(job.namespace, job.agentName, taskId, active) };
  }

  /**
   * Runs one platform tool call of the task's agent, with its identity: only a manager's, and
   * only for the task it runs now.
   */
  private async platformCall(params: unknown): Promise<RuntimePlatformResult> {
    const { taskId, tool, input, spentUsd } = RuntimePlatformParamsSchema.parse(params);
    const { agent, platform, settings } = this.options;
    if (!platform || agent.spec.role !== 'manager') {
      return {
        output: `agent "${agent.name}" is not a manager: it has no platform tools`,
        isError: true,
      };
    }
    if (taskId !== this.taskId || this.ended) {
      return { output: `task ${taskId} is no longer running`, isError: true };
    }
    const caller: ManagerCaller = {
      kind: 'manager',
      namespace: agent.namespace,
      name: agent.name,
      taskId,
      scope: settings.managerScope,
      budgetUsd: settings.limits.maxBudgetUsd,
      spentUsd,
      subTasks: this.subTasks,
      ...(settings.approvals ? { approvals: inheritedApprovalPolicy(settings.approvals) } : {}),
    };
    return platform.tools.call(tool, input, caller, this.platformCalls.signal);
  }

  /**
   * Records a pending approval of one tool call of the task, announces it with
   * `approval_requested`, and waits for its decision (a blocking pop on its decision list) up to
   * the policy's timeout, when it is denied as timed out. The decision is recorded with
   * `approval_resolved`. A cancel, or the task's end, stops the wait and closes the approval.
   */
  private async approval(params: unknown): Promise<RuntimeApprovalResult> {
    const { taskId, toolUseId, tool, input } = RuntimeApprovalParamsSchema.parse(params);
    const { job, settings, approvals, log } = this.options;
    if (taskId !== this.taskId || this.ended) {
      return { approved: false, reason: `task ${taskId} is no longer running` };
    }
    const signal = this.platformCalls.signal;
    const timeoutMs = settings.approvals?.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS * 1000;
    const { namespace, agentName } = job;
    const approval = await approvals.create({
      namespace,
      agent: agentName,
      taskId,
      toolUseId,
      tool,
      input,
      timeoutMs,
    });
    this.storeOwn({
      type: 'approval_requested',
      taskId,
      timestamp: new Date().toISOString(),
      payload: {
        approval_id: approval.id,
        tool_use_id: toolUseId,
        tool,
        input,
        expires_at: approval.expiresAt,
      },
    });
    log.info({ approval: approval.id, tool }, 'a tool call waits for approval');
    try {
      await approvals.waitForDecision(namespace, approval.id, timeoutMs, signal);
    } catch (err) {
      if (signal.aborted) {
        await approvals.settle(namespace, approval, 'cancelled').catch(() => undefined);
        throw err;
      }
      // Without Redis the decision cannot be read: the call is not run.
      log.warn({ err, approval: approval.id }, 'could not wait for an approval');
    }
    const settled = await approvals.settle(namespace, approval, 'expired').catch((err: unknown) => {
      log.warn({ err, approval: approval.id }, 'could not read an approval');
      return undefined;
    });
    return this.resolved(approval, settled);
  }

  /** Records the decision on an approval with `approval_resolved`, and answers the runtime. */
  private resolved(requested: Approval, settled: Approval | undefined): RuntimeApprovalResult {
    const approved = settled?.status === 'approved';
    const decision = approved ? 'approved' : settled?.status === 'denied' ? 'denied' : 'expired';
    const reason =
      settled === undefined
        ? 'the decision could not be read'
        : decision === 'expired'
          ? 'timed out'
          : settled.reason;
    this.storeOwn({
      type: 'approval_resolved',
      taskId: this.taskId,
      timestamp: new Date().toISOString(),
      payload: {
        approval_id: requested.id,
        tool_use_id: requested.toolUseId,
        tool: requested.tool,
        decision,
        ...(reason ? { reason } : {}),
        ...(settled?.decidedBy ? { decided_by: settled.decidedBy } : {}),
      },
    });
    return { approved, ...(reason ? { reason } : {}) };
  }

  /**
   * Asks the runtime to cancel the task, once; the sub-tasks that the task started and that
   * still run are cancelled with it, and its platform calls under way (an `await_agents`) stop.
   */
  cancel(reason: string): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    this.options.log.info({ reason }, 'cancelling the task');
    this.options.runtime.send({ type: 'cancel', taskId: this.taskId, reason });
    this.platformCalls.abort(reason);
    void this.cancelSubTasks();
  }

  /** Cancels each sub-task of this task that its agent still runs (or has queued). */
  private async cancelSubTasks(): Promise<void> {
    const { platform, log } = this.options;
    if (!platform) return;
    await Promise.all(
      this.subTasks.all().map(async (ref) => {
        try {
          const agent = await platform.agents.get(ref.namespace, ref.agent);
          if (agent.taskId !== ref.taskId || !BUSY_TASK_STATUSES.includes(agent.taskStatus)) return;
          await platform.agents.cancel(ref.namespace, ref.agent);
          log.info(
            { subAgent: ref.agent, subTask: ref.taskId },
            'cancelled a sub-task with its manager’s task',
          );
        } catch (err) {
          log.warn(
            { err, subAgent: ref.agent, subTask: ref.taskId },
            'could not cancel a sub-task',
          );
        }
      }),
    );
  }

  /**
   * Attaches to the runtime of an adopted task again, after the task's last stored event: what
   * it kept since comes again, in order, and what it reports from then on follows. A runtime
   * that neither runs the task nor kept any of its events never took it: the task ends.
   */
  private async resume(from: { eventSeq: number; supervisorSeq: number }): Promise<void> {
    const { runtime, log } = this.options;
    this.ownEvents = Math.max(1, from.supervisorSeq);
    // Its scheduler stopped before it stored the task's start.
    if (from.supervisorSeq < 1) this.storeOwn(this.started());
    let kept = false;
    const stop = runtime.onMessage((message) => {
      if (message.type === 'event' && message.event.taskId === this.taskId) kept = true;
    });
    // The token the task ran with died with the scheduler that issued it: the runtime's model
    // calls go on with one of this scheduler's.
    this.modelToken = this.issueToken();
    try {
      const answer = await runtime.reattach(
        { taskId: this.taskId, afterSeq: from.eventSeq, modelToken: this.modelToken },
        RESUME_TIMEOUT_MS,
      );
      // The runtime sends what it kept right after its `ready`; its answer to a request comes
      // after those.
      await runtime.request('status', undefined, RESUME_TIMEOUT_MS).catch(() => undefined);
      if (answer.taskId !== this.taskId && !kept) {
        this.endWith(NEVER_TAKEN, true);
        return;
      }
      log.info({ afterSeq: from.eventSeq }, 'resumed the task on its runtime');
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.endWith(`could not resume the task on its runtime: ${reason}`, true);
    } finally {
      stop();
    }
  }

  /**
   * A token for the task's model and connector calls, valid as long as the supervision may last,
   * should its end go unseen.
   */
  private issueToken(): string {
    const { job, agent, settings, tokens } = this.options;
    return tokens.issue(
      { namespace: job.namespace, agent: job.agentName, uid: agent.uid ?? '', taskId: this.taskId },
      settings.limits.timeoutMs + TIMEOUT_GRACE_MS,
    );
  }

  private started(): NewAgentEvent {
    const { job, runtime } = this.options;
    return {
      type: 'task_started',
      taskId: this.taskId,
      timestamp: new Date().toISOString(),
      payload: {
        instructions: job.instructions,
        model: this.options.settings.model,
        resuming_session: runtime.resumable,
        ...this.options.notes,
      },
    };
  }

  /**
   * Reads the agent's resources and sends the task. Read per task, so that a PATCH of the
   * agent's connectors, memories or skills, or a rotated secret, applies to the next task. The
   * task message holds no connector credential: the runtime reaches its connectors through the
   * connector-registry with the task's token.
   */
  private async sendTask(): Promise<void> {
    const { job, agent, runtime, settings, persister, log } = this.options;
    const { limits } = settings;
    const resources = await persister.run(
      'read the agent’s connectors, memories or skills',
      log,
      this.options.resources,
    );
    if (resources === GAVE_UP) {
      this.endWith(
        'could not read the agent’s connectors, memories or skills; retry the task',
        true,
      );
      return;
    }
    for (const message of resources.warnings) {
      this.storeOwn({
        type: 'warning',
        taskId: this.taskId,
        timestamp: new Date().toISOString(),
        payload: { message },
      });
    }
    this.modelToken = this.issueToken();
    const traceparent = this.options.trace?.traceparent;
    const sent = runtime.send({
      type: 'task',
      taskId: this.taskId,
      instructions: job.instructions,
      agent: {
        name: agent.name,
        namespace: agent.namespace,
        model: settings.model,
        role: agent.spec.role,
        ...(agent.spec.systemPrompt ? { systemPrompt: agent.spec.systemPrompt } : {}),
        contextWindow: settings.contextWindow,
        ...(settings.thinking ? { thinking: settings.thinking } : {}),
      },
      limits,
      connectors: resources.connectors,
      env: resources.env,
      memories: resources.memories,
      skills: resources.skills,
      textDeltas: this.options.textDeltas,
      modelToken: this.modelToken,
      platformTools:
        this.options.platform && agent.spec.role === 'manager'
          ? this.options.platform.tools.definitions
          : [],
      ...(settings.approvals ? { approvals: settings.approvals } : {}),
      ...(settings.allowedDomains ? { allowedDomains: settings.allowedDomains } : {}),
      ...(traceparent ? { traceparent } : {}),
    });
    if (!sent) this.endWith('the agent runtime stopped before it took the task', true);
  }

  private onRuntimeMessage(message: RuntimeMessage): void {
    if (message.type === 'event' && message.event.taskId === this.taskId) {
      this.store(message.event, { seq: message.seq, by: 'runtime' });
    }
    // Pub/sub delivers at most once: a cancel published while this scheduler's subscriber was
    // reconnecting is lost. The flag on the agent is not, so each heartbeat looks at it.
    if (message.type === 'heartbeat' && !this.cancelSent) {
      const { agents, job, log } = this.options;
      agents.cancelRequested(job.namespace, job.agentName).then(
        (requested) => requested === this.taskId && this.cancel('cancelled by request'),
        (err: unknown) => {
          if (!isRedisUnavailableError(err))
            log.warn({ err }, 'could not check for a cancel request');
        },
      );
    }
  }

  /**
   * Stores one of the scheduler's own events (`task_started`, a warning), numbered apart from
   * the runtime's: `task_started` is always number 1, announced with the start or not.
   */
  private storeOwn(event: NewAgentEvent): void {
    const seq = event.type === 'task_started' ? 1 : ++this.ownEvents;
    this.store(event, { seq, by: 'supervisor' });
  }

  /** Queues the store of an event behind the ones before it. */
  private store(event: NewAgentEvent, numbered?: { seq: number; by: 'runtime' | 'supervisor' }) {
    this.options.trace?.onEvent(event);
    this.writes = this.writes.then(() => this.write(event, numbered));
  }

  private async write(
    event: NewAgentEvent,
    numbered: { seq: number; by: 'runtime' | 'supervisor' } | undefined,
  ): Promise<void> {
    if (this.ended) return;
    const { job, agent, agents, persister, runtime, log } = this.options;
    const end = taskEnd(event);
    const terminal =
      end && agent.spec.lifecycle === 'Sleep' ? { ...end, status: 'Sleeping' as const } : end;
    // A sleeping agent's runtime stops before the task's end is stored: the agent's next task,
    // which may come the moment its end is stored, must not find that runtime ready.
    if (terminal?.status === 'Sleeping') this.options.stopRuntime();
    const result = await persister.run(
      'store an event',
      log.child({ type: event.type, seq: numbered?.seq }),
      () =>
        agents.recordEvent({
          namespace: job.namespace,
          name: job.agentName,
          event,
          ...(numbered ? { seq: numbered.seq, numberedBy: numbered.by } : {}),
          requiredStatus: 'InProgress',
          ...(terminal ? { terminal } : {}),
        }),
    );
    if (result === GAVE_UP) {
      // An event that cannot be stored (for a reason other than Redis being away) is dropped,
      // and the task must still end. A closing scheduler leaves the task to the others.
      if (!persister.closed && terminal) {
        await this.options.fail(`could not store the task’s end (${event.type})`, true);
      } else if (!persister.closed && numbered?.by === 'runtime') {
        runtime.send({ type: 'ack', taskId: this.taskId, seq: numbered.seq });
      }
      if (terminal || persister.closed) this.stop();
      return;
    }
    if (numbered?.by === 'runtime')
      runtime.send({ type: 'ack', taskId: this.taskId, seq: numbered.seq });
    if (result.outcome === 'stale') {
      // The task ended without this scheduler (its scheduler was taken for dead, say): the
      // runtime stops working on it.
      if (!terminal) this.cancel('the task has ended');
      log.warn('the task is no longer the agent’s busy task; stopped supervising it');
      this.stop();
    } else if (terminal) {
      this.stop();
    }
  }

  /** Ends the task with an `error` event behind the events before it, unless it has ended. */
  private endWith(reason: string, retryable: boolean, status?: AgentStatus): void {
    this.writes = this.writes.then(async () => {
      if (this.ended) return;
      await this.options.fail(reason, retryable, status);
      this.stop();
    });
  }

  private stop(): void {
    this.ended = true;
    this.finish();
  }
}

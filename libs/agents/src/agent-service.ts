import { randomUUID } from 'node:crypto';
import { DEFAULT_TEMPLATE, MAX_PENDING_STEERS } from '@komputer/contracts';
import type {
  AgentSpec,
  CancelAgentResponse,
  CompactAgentResponse,
  CreateAgentRequest,
  PatchAgentRequest,
} from '@komputer/contracts';
import { missingReference } from '@komputer/connectors';
import type { ReferenceChecker } from '@komputer/connectors';
import { activeTraceparent, AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { AgentQuotaError, MissingConnectorError, TemplateNotStoredError } from '@komputer/store';
import type { AgentRecord, AgentStore, QuotaStore, TaskQueue } from '@komputer/store';
import type { TemplateService } from './template-service';

/** Dependencies of {@link AgentService}. */
export interface AgentServiceOptions {
  agents: AgentStore;
  tasks: TaskQueue;
  /** Checks that the connectors, secrets, memories and skills an agent names exist. */
  refs: ReferenceChecker;
  /** The templates that agents name: checked when an agent names one. */
  templates: TemplateService;
  /** The namespaces' quotas: a new agent must fit `maxAgents`, a new task the month's budget. */
  quotas: QuotaStore;
  logger: Logger;
}

/**
 * What {@link AgentService.createOrRun} did with the instructions: started a task (`created`
 * says whether it created the agent too), or, for a busy agent, added them to its task `taskId`
 * as steer `steerIndex`.
 */
export type CreateOrRunResult =
  | { agent: AgentRecord; taskId: string; created: boolean; steered: false }
  | { agent: AgentRecord; taskId: string; created: false; steered: true; steerIndex: number };

/** Options of {@link AgentService.createOrRun}. */
export interface CreateOrRunOptions {
  /** A busy agent takes the instructions as a steer (the default), or refuses them with 409. */
  steer?: boolean;
}

/** The 400 of an agent that names a template that does not exist. */
function noSuchTemplate(namespace: string, name: string): AppError {
  const message = `template "${name}" does not exist in namespace "${namespace}" or cluster-wide`;
  return new AppError('VALIDATION_FAILED', 400, `body.templateRef: ${message}`, {
    details: { issues: [{ path: 'body.templateRef', message }] },
    retryable: false,
  });
}

/**
 * The stored spec of a new agent: what the request sets, with the defaults of the fields that
 * every agent has. The template's settings are not copied: they apply at each task, under the
 * agent's own.
 */
function specFromRequest(req: CreateAgentRequest): AgentSpec {
  return {
    ...(req.model !== undefined ? { model: req.model } : {}),
    role: req.role || 'manager',
    templateRef: req.templateRef ?? DEFAULT_TEMPLATE,
    connectors: req.connectors ?? [],
    memories: req.memories ?? [],
    skills: req.skills ?? [],
    secretRefs: req.secretRefs ?? [],
    labels: req.labels ?? {},
    lifecycle: req.lifecycle ?? '',
    priority: req.priority ?? 0,
    ...(req.systemPrompt !== undefined ? { systemPrompt: req.systemPrompt } : {}),
    ...(req.officeManager !== undefined ? { officeManager: req.officeManager } : {}),
    ...(req.storage !== undefined ? { storage: req.storage } : {}),
    ...(req.podSpec !== undefined ? { podSpec: req.podSpec } : {}),
    ...(req.limits !== undefined ? { limits: req.limits } : {}),
    ...(req.allowedDomains !== undefined ? { allowedDomains: req.allowedDomains } : {}),
    ...(req.modelContextWindow !== undefined ? { modelContextWindow: req.modelContextWindow } : {}),
    ...(req.thinking !== undefined ? { thinking: req.thinking } : {}),
    ...(req.approvals !== undefined ? { approvals: req.approvals } : {}),
  };
}

/**
 * The 402 of a namespace whose month's spend has reached its budget (`QuotaStore.budget`), or
 * `undefined` while some is left (or it has none).
 */
export function budgetRefusal(
  namespace: string,
  budget: Awaited<ReturnType<QuotaStore['budget']>>,
): AppError | undefined {
  if (!budget || budget.leftUsd > 0) return undefined;
  const { month, spentUsd, budgetUsd } = budget;
  return new AppError(
    'BUDGET_EXCEEDED',
    402,
    `namespace "${namespace}" has spent $${spentUsd.toFixed(4)} of its monthly budget of $${budgetUsd} in ${month}; no task starts before next month or a raised quota`,
    { details: { namespace, month, spentUsd, monthlyBudgetUsd: budgetUsd }, retryable: false },
  );
}

function agentNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'AGENT_NOT_FOUND',
    404,
    `agent "${name}" not found in namespace "${namespace}"`,
    {
      retryable: false,
    },
  );
}

/**
 * A connector deleted between the reference check and the write, which refuses it in the same
 * step as the write: the same 400 as the check's.
 */
function connectorGone(err: unknown): never {
  if (err instanceof MissingConnectorError) throw missingReference('connectors', err.message);
  throw err;
}

/**
 * The agents domain: the agents API's behaviour above the Redis stores and the queue (claims,
 * template defaults, reference checks, cancel, delete), shared by every service that creates or
 * tasks agents: the gateway for the API, the scheduler for manager agents.
 */
export class AgentService {
  constructor(private readonly options: AgentServiceOptions) {}

  /** Every agent in a namespace, by name. */
  list(namespace: string): Promise<AgentRecord[]> {
    return this.options.agents.list(namespace);
  }

  /** Reads an agent or throws 404. */
  async get(namespace: string, name: string): Promise<AgentRecord> {
    const agent = await this.options.agents.get(namespace, name);
    if (!agent) throw agentNotFound(namespace, name);
    return agent;
  }

  /**
   * Creates the agent with its first task, gives an idle agent its next task, or steers a busy
   * agent: its task takes the instructions as a user message before its next model request (a
   * task that ends before it takes them leaves them to the agent's next task). The claim, or the
   * steer, is one atomic step, and it hands an existing agent's task straight to the scheduler
   * that holds its runtime when that scheduler listens; otherwise the task's job is queued after
   * the claim, so a worker never sees a job before its claim. A job the queue refuses takes the
   * claim back, so that nothing waits for a task that does not exist. A busy agent is a 409 with
   * `steer: false`, and a 429 when it holds {@link MAX_PENDING_STEERS} steers not taken yet.
   */
  async createOrRun(
    namespace: string,
    request: CreateAgentRequest,
    options: CreateOrRunOptions = {},
  ): Promise<CreateOrRunResult> {
    const { agents, tasks, logger } = this.options;
    const spec = specFromRequest(request);
    const refusal = budgetRefusal(
      namespace,
      await this.options.quotas.budget(namespace, new Date()),
    );
    if (refusal) throw refusal;
    await this.checkTemplate(namespace, spec.templateRef);
    await this.options.refs.check(namespace, request);
    const taskId = randomUUID();
    const now = new Date().toISOString();
    // With traces on, the task's spans (on a scheduler, in its model calls) join the request's.
    const traceparent = activeTraceparent();
    const claim = await agents
      .claim({
        namespace,
        name: request.name,
        taskId,
        instructions: request.instructions,
        spec,
        now,
        steer: options.steer ?? true,
        ...(traceparent ? { traceparent } : {}),
      })
      .catch((err: unknown) => {
        if (err instanceof TemplateNotStoredError) throw noSuchTemplate(namespace, err.template);
        if (err instanceof AgentQuotaError) {
          throw new AppError('QUOTA_EXCEEDED', 403, err.message, {
            details: { namespace, maxAgents: err.maxAgents },
            retryable: false,
          });
        }
        connectorGone(err);
      });
    if (claim.outcome === 'busy') {
      throw new AppError(
        'AGENT_BUSY',
        409,
        `agent "${request.name}" is busy with task ${claim.taskId}; cancel it, wait for it to finish, or steer it (steer=true)`,
        { details: { taskId: claim.taskId }, retryable: true },
      );
    }
    if (claim.outcome === 'steersFull') {
      throw new AppError(
        'TOO_MANY_STEERS',
        429,
        `agent "${request.name}" holds ${MAX_PENDING_STEERS} steers that task ${claim.taskId} has not taken yet; retry once it has taken some`,
        { details: { taskId: claim.taskId }, retryable: true },
      );
    }
    if (claim.outcome === 'steered') {
      const { agent, steerIndex } = claim;
      logger.info(
        { namespace, agent: request.name, taskId: claim.taskId, steerIndex },
        'instructions steered into the busy task',
      );
      return { agent, taskId: claim.taskId, created: false, steered: true, steerIndex };
    }
    const handedTo = claim.outcome === 'queued' ? claim.handedTo : undefined;
    if (!handedTo) {
      try {
        await tasks.enqueue({
          taskId,
          namespace,
          agentName: request.name,
          instructions: request.instructions,
          enqueuedAt: now,
          ...(claim.agent.uid ? { agentUid: claim.agent.uid } : {}),
          ...(traceparent ? { traceparent } : {}),
        });
      } catch (enqueueError) {
        await agents
          .releaseClaim({ namespace, name: request.name, taskId, claim })
          .catch((releaseErr: unknown) => {
            // The reconciler finds a claim without a job and ends it with an error event.
            logger.error(
              { err: releaseErr, namespace, agent: request.name, taskId },
              'could not undo a claim',
            );
          });
        throw enqueueError;
      }
    }
    logger.info(
      {
        namespace,
        agent: request.name,
        taskId,
        created: claim.outcome === 'created',
        ...(handedTo ? { scheduler: handedTo } : {}),
      },
      handedTo ? 'task handed to the scheduler that holds the agent’s runtime' : 'task queued',
    );
    return { agent: claim.agent, taskId, created: claim.outcome === 'created', steered: false };
  }

  /** Changes an agent's settings; they apply from its next task. */
  async patch(namespace: string, name: string, patch: PatchAgentRequest): Promise<AgentRecord> {
    const { instructions, ...changes } = patch;
    if (changes.templateRef !== undefined) await this.checkTemplate(namespace, changes.templateRef);
    await this.options.refs.check(namespace, changes);
    const agent = await this.options.agents
      .patch(namespace, name, changes, instructions)
      .catch((err: unknown) => {
        if (err instanceof TemplateNotStoredError) throw noSuchTemplate(namespace, err.template);
        connectorGone(err);
      });
    if (!agent) throw agentNotFound(namespace, name);
    return agent;
  }

  /**
   * A 400 for a template that does not exist, before anything is written; the write checks
   * again in its own step, for a template deleted meanwhile.
   */
  private async checkTemplate(namespace: string, name: string): Promise<void> {
    if (!(await this.options.templates.resolve(namespace, name)))
      throw noSuchTemplate(namespace, name);
  }

  /**
   * Cancels the agent's task. A queued task is taken off the queue and ends with
   * `task_cancelled` at once. A running task gets a cancel request, which its supervisor acts on.
   */
  async cancel(namespace: string, name: string): Promise<CancelAgentResponse> {
    const { agents, tasks } = this.options;
    const agent = await this.get(namespace, name);
    const noTask = () =>
      new AppError(
        'NO_ACTIVE_TASK',
        409,
        `agent "${name}" has no queued or running task to cancel`,
        {
          retryable: false,
        },
      );
    if (agent.taskStatus !== 'Queued' && agent.taskStatus !== 'InProgress') throw noTask();
    const { taskId } = agent;
    if (agent.taskStatus === 'Queued' && (await tasks.removeIfNotStarted(taskId))) {
      const reason = 'cancelled by request before the task started';
      const eventId = await agents.finishTask({
        namespace,
        name,
        taskId,
        taskStatus: 'Cancelled',
        message: reason,
        requiredStatus: 'Queued',
        event: {
          type: 'task_cancelled',
          taskId,
          timestamp: new Date().toISOString(),
          payload: { reason },
        },
      });
      if (eventId) return { status: 'cancelled', name, namespace, taskId };
      // The task ended or started meanwhile: answer from what is true now.
      const now = await this.get(namespace, name);
      if (now.taskId !== taskId || (now.taskStatus !== 'Queued' && now.taskStatus !== 'InProgress'))
        throw noTask();
    }
    await agents.requestCancel(namespace, name, taskId);
    return { status: 'cancelling', name, namespace, taskId };
  }

  /**
   * Asks the agent's task to compact its conversation: its runtime summarises it at the task's
   * next turn boundary, guided by `instructions`, and reports a `compaction` event.
   */
  async compact(
    namespace: string,
    name: string,
    instructions: string | undefined,
  ): Promise<CompactAgentResponse> {
    await this.get(namespace, name);
    const taskId = await this.options.agents.requestCompaction(namespace, name, instructions);
    if (!taskId) {
      throw new AppError(
        'NO_ACTIVE_TASK',
        409,
        `agent "${name}" has no queued or running task whose conversation could be compacted`,
        { retryable: false },
      );
    }
    this.options.logger.info({ namespace, agent: name, taskId }, 'compaction asked for');
    return { status: 'compacting', name, namespace, taskId };
  }

  /**
   * Puts an idle agent to sleep: its status becomes `Sleeping` and its runtime stops, its
   * workspace stays, and its next task wakes it on that workspace. A busy agent is a 409; an
   * agent without a runtime (`Pending`, `Failed`) or asleep already is left as it is.
   */
  async sleep(namespace: string, name: string): Promise<AgentRecord> {
    const agent = await this.get(namespace, name);
    const outcome = await this.options.agents.sleep(namespace, name, {
      uid: agent.uid ?? '',
      idleTask: agent.taskId,
    });
    if (outcome === 'gone') throw agentNotFound(namespace, name);
    if (outcome === 'busy') {
      throw new AppError(
        'AGENT_BUSY',
        409,
        `agent "${name}" is busy with task ${agent.taskId}; cancel it or wait for it to end before it sleeps`,
        { details: { taskId: agent.taskId }, retryable: true },
      );
    }
    if (outcome === 'slept')
      this.options.logger.info({ namespace, agent: name }, 'agent put to sleep');
    return this.get(namespace, name);
  }

  /** Deletes the agent: its queued task, its events and its record. */
  async delete(namespace: string, name: string): Promise<void> {
    const agent = await this.get(namespace, name);
    if (agent.taskStatus === 'Queued') await this.options.tasks.removeIfNotStarted(agent.taskId);
    if (!(await this.options.agents.delete(namespace, name, agent.uid ?? '')))
      throw agentNotFound(namespace, name);
    this.options.logger.info({ namespace, agent: name }, 'agent deleted');
  }
}

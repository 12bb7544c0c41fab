import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMEZONE } from '@komputer/contracts';
import type {
  CreateAgentRequest,
  CreateScheduleRequest,
  PatchScheduleRequest,
  ScheduleResponse,
  ScheduleRun,
  ScheduleSpec,
  TriggerScheduleResponse,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { AgentRecord, ScheduleQueue, ScheduleRecord, ScheduleStore } from '@komputer/store';
import type { AgentService } from './agent-service';

/** Dependencies of {@link ScheduleService}. */
export interface ScheduleServiceOptions {
  schedules: ScheduleStore;
  queue: ScheduleQueue;
  /** The agents domain: a run gives its task through the same claim as `POST /agents`. */
  agents: AgentService;
  logger: Logger;
}

/** What fires a run: one iteration of the cron expression, or a trigger. */
export interface RunFire {
  /** Unique per run: a run id seen twice fires once. */
  id: string;
  trigger: ScheduleRun['trigger'];
  /** The due time of a cron run, in ms since the epoch. */
  scheduledFor?: number;
}

/** What a run did; `error` says why it was skipped or failed. */
export type RunResult =
  | { outcome: 'Started'; agentName: string; taskId: string }
  | { outcome: 'Skipped' | 'Failed'; agentName: string; error: AppError }
  /** The schedule is gone (its job scheduler is removed too), or the run already fired. */
  | { outcome: 'absent' | 'duplicate' };

function notFound(namespace: string, name: string): AppError {
  return new AppError(
    'SCHEDULE_NOT_FOUND',
    404,
    `schedule "${name}" not found in namespace "${namespace}"`,
    { retryable: false },
  );
}

/** The agent that a schedule's runs give their task to. */
function agentOf(record: { name: string; spec: ScheduleSpec }): string {
  return record.spec.agentName ?? record.name;
}

/** A stored schedule as the API shows it, with when it fires next. */
export function toScheduleResponse(
  record: ScheduleRecord,
  nextRunMs: number | undefined,
): ScheduleResponse {
  const { spec } = record;
  return {
    name: record.name,
    namespace: record.namespace,
    schedule: spec.schedule,
    timezone: spec.timezone,
    instructions: spec.instructions,
    agentName: agentOf(record),
    ...(spec.agent !== undefined ? { agent: spec.agent } : {}),
    autoDelete: spec.autoDelete,
    keepAgents: spec.keepAgents,
    suspended: spec.suspended,
    phase: spec.suspended ? 'Suspended' : 'Active',
    ...(nextRunMs !== undefined && !spec.suspended
      ? { nextRunTime: new Date(nextRunMs).toISOString() }
      : {}),
    ...(record.lastRunTime !== undefined ? { lastRunTime: record.lastRunTime } : {}),
    ...(record.lastRunStatus !== undefined ? { lastRunStatus: record.lastRunStatus } : {}),
    ...(record.lastRunMessage !== undefined ? { lastRunMessage: record.lastRunMessage } : {}),
    ...(record.lastRunTaskId !== undefined ? { lastRunTaskId: record.lastRunTaskId } : {}),
    ...(record.lastRunCostUSD !== undefined ? { lastRunCostUSD: record.lastRunCostUSD } : {}),
    ...(record.lastRunTokens !== undefined ? { lastRunTokens: record.lastRunTokens } : {}),
    runCount: record.runCount,
    successfulRuns: record.successfulRuns,
    failedRuns: record.failedRuns,
    skippedRuns: record.skippedRuns,
    totalCostUSD: record.totalCostUSD,
    totalTokens: record.totalTokens,
    recentRuns: record.recentRuns,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The settings of a create request, with their defaults. */
function specOf(request: CreateScheduleRequest): ScheduleSpec {
  return {
    schedule: request.schedule,
    timezone: request.timezone ?? DEFAULT_TIMEZONE,
    instructions: request.instructions,
    ...(request.agentName !== undefined ? { agentName: request.agentName } : {}),
    ...(request.agent !== undefined ? { agent: request.agent } : {}),
    autoDelete: request.autoDelete ?? false,
    keepAgents: request.keepAgents ?? true,
    suspended: request.suspended ?? false,
  };
}

/** Whether a change of settings changes when the schedule fires. */
function cadenceChanged(before: ScheduleSpec, after: ScheduleSpec): boolean {
  return (
    before.schedule !== after.schedule ||
    before.timezone !== after.timezone ||
    before.suspended !== after.suspended
  );
}

/**
 * Schedules: an agent's task on a cron expression in a time zone. Each runs on a BullMQ job
 * scheduler ({@link ScheduleQueue}), so that each run fires once whatever the number of
 * schedulers; the schedulers' workers, and `POST /schedules/:name/trigger`, fire a run with
 * {@link ScheduleService.run}, which gives the task through the agents domain's claim, as
 * `POST /agents` does.
 *
 * A run whose agent is busy is skipped and recorded (`Skipped`): it is a task of its own, not a
 * follow-up of whatever the agent is doing, and queueing it would pile runs up behind an agent
 * slower than the cadence. Runs that fell due while no scheduler ran are one job in BullMQ,
 * which runs once when a scheduler comes back (the catch-up); the next run is the next time
 * the expression gives after that.
 */
export class ScheduleService {
  constructor(private readonly options: ScheduleServiceOptions) {}

  /** Every schedule of a namespace, by name. */
  async list(namespace: string): Promise<ScheduleResponse[]> {
    const records = await this.options.schedules.list(namespace);
    return Promise.all(records.map((record) => this.present(record)));
  }

  /** One schedule, or 404. */
  async get(namespace: string, name: string): Promise<ScheduleResponse> {
    return this.present(await this.read(namespace, name));
  }

  /**
   * Creates the schedule, or replaces the settings of the existing one (its runs stay). Its job
   * scheduler is written first: a job scheduler whose schedule was never stored removes itself
   * when it fires.
   */
  async put(namespace: string, request: CreateScheduleRequest): Promise<ScheduleResponse> {
    const spec = specOf(request);
    await this.checkAgent(namespace, request.name, spec);
    await this.fit(namespace, request.name, spec);
    const record = await this.options.schedules.put(namespace, request.name, spec);
    this.options.logger.info({ namespace, schedule: request.name }, 'schedule stored');
    return this.present(record);
  }

  /** Changes the given settings; a new cadence replaces the job scheduler. */
  async patch(
    namespace: string,
    name: string,
    changes: PatchScheduleRequest,
  ): Promise<ScheduleResponse> {
    const current = await this.read(namespace, name);
    const merged: ScheduleSpec = { ...current.spec, ...changes };
    await this.checkAgent(namespace, name, merged);
    const updated = await this.options.schedules.update(namespace, name, (spec) => ({
      ...spec,
      ...changes,
    }));
    if (!updated) throw notFound(namespace, name);
    if (cadenceChanged(updated.before, updated.record.spec))
      await this.fit(namespace, name, updated.record.spec);
    return this.present(updated.record);
  }

  /** Deletes the schedule and its job scheduler. The agents its runs used stay. */
  async delete(namespace: string, name: string): Promise<void> {
    const existed = await this.options.schedules.delete(namespace, name);
    // Removed either way: a job scheduler left by a failed delete goes now.
    await this.options.queue.remove(namespace, name);
    if (!existed) throw notFound(namespace, name);
    this.options.logger.info({ namespace, schedule: name }, 'schedule deleted');
  }

  /**
   * Fires a run now, outside the cadence: a busy agent answers 409, an agent that cannot be
   * given the task answers that error; either way the run is recorded.
   */
  async trigger(namespace: string, name: string): Promise<TriggerScheduleResponse> {
    const result = await this.run(namespace, name, {
      id: `manual-${randomUUID()}`,
      trigger: 'manual',
    });
    if (result.outcome === 'Started') {
      return {
        name,
        namespace,
        agentName: result.agentName,
        status: 'Started',
        taskId: result.taskId,
      };
    }
    if (result.outcome === 'Skipped' || result.outcome === 'Failed') throw result.error;
    // Gone: a fresh run id is never a duplicate.
    throw notFound(namespace, name);
  }

  /**
   * Fires one run of the schedule: gives its agent the task through the agents domain's claim,
   * creating the agent from `agent` when it does not exist, and records what happened. A busy
   * agent skips the run. Errors other than the API's own (Redis down, say) are thrown, and the
   * run is not recorded.
   */
  async run(namespace: string, name: string, fire: RunFire): Promise<RunResult> {
    const { schedules, queue, agents, logger } = this.options;
    const begun = await schedules.beginRun(namespace, name, fire.id);
    if (begun === 'absent') {
      // A job scheduler outlived its schedule (a delete that failed half-way): it goes now.
      await queue.remove(namespace, name);
      return { outcome: 'absent' };
    }
    if (begun === 'duplicate') return { outcome: 'duplicate' };
    const record = await this.settle(await this.read(namespace, name));
    const agentName = agentOf(record);
    const run = {
      id: fire.id,
      trigger: fire.trigger,
      ...(fire.scheduledFor !== undefined
        ? { scheduledFor: new Date(fire.scheduledFor).toISOString() }
        : {}),
      time: new Date().toISOString(),
      agentName,
    };
    try {
      if (!record.spec.agent) await agents.get(namespace, agentName);
      // A run is a task of its own: a busy agent skips it rather than take it as a steer.
      const { agent, taskId } = await agents.createOrRun(namespace, this.taskOf(record), {
        steer: false,
      });
      await schedules.recordRun(
        namespace,
        name,
        { ...run, outcome: 'Started', taskId },
        agent.totalTokens,
      );
      logger.info(
        { namespace, schedule: name, run: fire.id, agent: agentName, taskId },
        'schedule ran',
      );
      if (record.spec.autoDelete) await this.delete(namespace, name);
      return { outcome: 'Started', agentName, taskId };
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const outcome = err.code === 'AGENT_BUSY' ? 'Skipped' : 'Failed';
      await schedules.recordRun(namespace, name, { ...run, outcome, message: err.message });
      logger.info(
        { namespace, schedule: name, run: fire.id, agent: agentName, outcome, reason: err.message },
        outcome === 'Skipped' ? 'schedule run skipped' : 'schedule run failed',
      );
      return { outcome, agentName, error: err };
    }
  }

  /** The request that gives the schedule's agent its task, creating it from `agent` if need be. */
  private taskOf(record: ScheduleRecord): CreateAgentRequest {
    const { spec } = record;
    return {
      name: agentOf(record),
      instructions: spec.instructions,
      ...(spec.agent?.model !== undefined ? { model: spec.agent.model } : {}),
      ...(spec.agent?.role !== undefined ? { role: spec.agent.role } : {}),
      ...(spec.agent?.templateRef !== undefined ? { templateRef: spec.agent.templateRef } : {}),
      ...(spec.agent?.secretRefs !== undefined ? { secretRefs: spec.agent.secretRefs } : {}),
      ...(spec.agent?.lifecycle !== undefined ? { lifecycle: spec.agent.lifecycle } : {}),
    };
  }

  /** A schedule without `agent` names an agent that must exist: a 400 before anything is stored. */
  private async checkAgent(namespace: string, name: string, spec: ScheduleSpec): Promise<void> {
    if (spec.agent) return;
    const agentName = spec.agentName ?? name;
    await this.options.agents.get(namespace, agentName).catch((err: unknown) => {
      if (!(err instanceof AppError) || err.code !== 'AGENT_NOT_FOUND') throw err;
      const message = `agent "${agentName}" does not exist in namespace "${namespace}"; name an existing agent, or give \`agent\` to create it`;
      throw new AppError('VALIDATION_FAILED', 400, `body.agentName: ${message}`, {
        details: { issues: [{ path: 'body.agentName', message }] },
        retryable: false,
      });
    });
  }

  /** Puts the job scheduler in line with the settings: there while active, gone while suspended. */
  private async fit(namespace: string, name: string, spec: ScheduleSpec): Promise<void> {
    if (spec.suspended) await this.options.queue.remove(namespace, name);
    else
      await this.options.queue.upsert(namespace, name, {
        pattern: spec.schedule,
        tz: spec.timezone,
      });
  }

  private async read(namespace: string, name: string): Promise<ScheduleRecord> {
    const record = await this.options.schedules.get(namespace, name);
    if (!record) throw notFound(namespace, name);
    return record;
  }

  /** The schedule as the API shows it: its last run's task looked up, and its next run. */
  private async present(record: ScheduleRecord): Promise<ScheduleResponse> {
    const [settled, next] = await Promise.all([
      this.settle(record),
      this.options.queue.next(record.namespace, record.name),
    ]);
    return toScheduleResponse(settled, next);
  }

  /**
   * The schedule with its last run's task as it stands: while the task runs, its status; once
   * it has ended, its outcome, cost and tokens, recorded once (the counts and totals take it).
   */
  private async settle(record: ScheduleRecord): Promise<ScheduleRecord> {
    const { lastRunTaskId: taskId, lastRunAgent: agentName, lastRunStatus } = record;
    if (!taskId || !agentName || (lastRunStatus !== 'Queued' && lastRunStatus !== 'InProgress'))
      return record;
    const agent: AgentRecord | undefined = await this.options.agents
      .get(record.namespace, agentName)
      .catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'AGENT_NOT_FOUND') return undefined;
        throw err;
      });
    if (
      agent &&
      agent.taskId === taskId &&
      (agent.taskStatus === 'Queued' || agent.taskStatus === 'InProgress')
    )
      return { ...record, lastRunStatus: agent.taskStatus };
    const settlement =
      agent && agent.taskId === taskId
        ? {
            status: agent.taskStatus as 'Complete' | 'Error' | 'Cancelled',
            ...(agent.lastTaskMessage !== undefined ? { message: agent.lastTaskMessage } : {}),
            ...(agent.lastTaskCostUSD !== undefined ? { costUSD: agent.lastTaskCostUSD } : {}),
            tokens: Math.max(0, agent.totalTokens - (record.lastRunStartTokens ?? 0)),
          }
        : {
            status: 'Unknown' as const,
            message: `agent "${agentName}" was deleted, or took another task, before the run's outcome was read`,
            tokens: 0,
          };
    await this.options.schedules.settleRun(record.namespace, record.name, taskId, settlement);
    return (await this.options.schedules.get(record.namespace, record.name)) ?? record;
  }
}

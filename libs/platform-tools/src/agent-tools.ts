import { z } from 'zod';
import {
  CompactAgentRequestSchema,
  CreateAgentRequestSchema,
  EventIdSchema,
  EventsQuerySchema,
  ListAgentsQuerySchema,
  matchesLabels,
  NameSchema,
  PatchAgentRequestSchema,
} from '@komputer/contracts';
import type { CreateAgentRequest } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { AgentRecord } from '@komputer/store';
import { checkLocalRefs, checkManages, namespaceField, namespaceFor, selfName } from './caller';
import type { ManagerCaller, PlatformCaller } from './caller';
import { definePlatformTool } from './platform-tool';
import type { PlatformTool } from './platform-tool';
import type { PlatformToolsDeps } from './platform-tools';
import { outcomeOf } from './task-waits';
import type { TaskOutcome, TaskRef } from './task-waits';

/** Most agents one `await_agents` call waits for. */
export const MAX_AWAITED_AGENTS = 32;

/** The fields of an agent that a tool shows: what a manager needs to direct it. */
export function agentSummary(agent: AgentRecord) {
  const { spec } = agent;
  return {
    name: agent.name,
    namespace: agent.namespace,
    role: spec.role,
    status: agent.status,
    taskStatus: agent.taskStatus,
    taskId: agent.taskId,
    instructions: agent.instructions,
    ...(agent.lastTaskMessage !== undefined ? { lastTaskMessage: agent.lastTaskMessage } : {}),
    ...(agent.lastTaskCostUSD !== undefined ? { lastTaskCostUSD: agent.lastTaskCostUSD } : {}),
    totalCostUSD: agent.totalCostUSD,
    ...(spec.model !== undefined ? { model: spec.model } : {}),
    templateRef: spec.templateRef,
    ...(spec.officeManager !== undefined ? { officeManager: spec.officeManager } : {}),
    memories: spec.memories,
    skills: spec.skills,
    connectors: spec.connectors,
    secrets: spec.secretRefs,
    labels: spec.labels,
    lifecycle: spec.lifecycle,
    createdAt: agent.createdAt,
    ...(agent.completionTime !== undefined ? { completionTime: agent.completionTime } : {}),
  };
}

/** The agent a call names, or else the calling manager; an outside client must name one. */
export function agentNameFor(caller: PlatformCaller, name: string | undefined): string {
  if (name !== undefined) return name;
  if (caller.kind === 'manager') return caller.name;
  throw new AppError('VALIDATION_FAILED', 400, 'name: an agent name is required', {
    retryable: false,
  });
}

/**
 * A 402 once the manager task's own spend and its ended sub-tasks' costs reach its budget: no
 * new sub-task may start.
 */
async function checkBudget(caller: ManagerCaller, deps: PlatformToolsDeps): Promise<void> {
  if (caller.subTasks.full) {
    throw new AppError(
      'TOO_MANY_SUB_TASKS',
      429,
      `task ${caller.taskId} has started as many sub-tasks as one task may`,
      { retryable: false },
    );
  }
  const subUsd = await caller.subTasks.costUsd(deps.waits);
  const total = caller.spentUsd + subUsd;
  if (total < caller.budgetUsd) return;
  throw new AppError(
    'MANAGER_BUDGET_EXCEEDED',
    402,
    `no new sub-task: this task's budget is $${caller.budgetUsd}, and it has spent $${caller.spentUsd.toFixed(4)} ` +
      `on its own model calls and $${subUsd.toFixed(4)} on its sub-agents' tasks ($${total.toFixed(4)} in all)`,
    {
      details: { budgetUsd: caller.budgetUsd, spentUsd: caller.spentUsd, subAgentsUsd: subUsd },
      retryable: false,
    },
  );
}

/** Reads the agent, or undefined when it does not exist. */
export async function findAgent(
  deps: PlatformToolsDeps,
  namespace: string,
  name: string,
): Promise<AgentRecord | undefined> {
  try {
    return await deps.agents.get(namespace, name);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) return undefined;
    throw err;
  }
}

/** Reads the agent the caller may change, or throws 404 or 403. */
export async function managedAgent(
  deps: PlatformToolsDeps,
  caller: PlatformCaller,
  namespace: string,
  name: string,
  action: string,
): Promise<AgentRecord> {
  const agent = await deps.agents.get(namespace, name);
  checkManages(caller, agent, action);
  return agent;
}

const CreateAgentInputSchema = CreateAgentRequestSchema.pick({
  name: true,
  instructions: true,
  namespace: true,
  role: true,
  model: true,
  templateRef: true,
  systemPrompt: true,
  connectors: true,
  memories: true,
  skills: true,
  secretRefs: true,
  labels: true,
  lifecycle: true,
  priority: true,
});

const PatchAgentInputSchema = PatchAgentRequestSchema.pick({
  instructions: true,
  model: true,
  templateRef: true,
  systemPrompt: true,
  connectors: true,
  memories: true,
  skills: true,
  secretRefs: true,
  labels: true,
  lifecycle: true,
  priority: true,
}).extend({ name: selfName, namespace: namespaceField });

/**
 * Gives an agent a task as `POST /agents` does, creating it (`create`) or only for one that
 * exists (`existing`). A manager may task only the agents it manages, within its budget; the
 * agents it creates are its own (`officeManager`), workers unless it says otherwise, and the task
 * is recorded as its sub-task.
 */
async function giveTask(
  deps: PlatformToolsDeps,
  caller: PlatformCaller,
  input: CreateAgentRequest & { namespace: string },
  mode: 'create' | 'existing',
) {
  const { namespace } = input;
  checkLocalRefs(caller, [...(input.memories ?? []), ...(input.skills ?? [])]);
  let request: CreateAgentRequest = input;
  const existing =
    mode === 'existing' || caller.kind === 'manager'
      ? await findAgent(deps, namespace, input.name)
      : undefined;
  if (mode === 'existing' && !existing) await deps.agents.get(namespace, input.name);
  if (caller.kind === 'manager') {
    if (existing) checkManages(caller, existing, 'give a task to');
    await checkBudget(caller, deps);
    if (!existing) {
      request = {
        ...request,
        officeManager: caller.name,
        role: input.role || 'worker',
        ...(caller.approvals ? { approvals: caller.approvals } : {}),
      };
    }
  }
  const outcome = await deps.agents.createOrRun(namespace, request);
  if (caller.kind === 'manager') {
    await caller.subTasks.record({ namespace, agent: input.name, taskId: outcome.taskId });
  }
  return {
    ...agentSummary(outcome.agent),
    taskId: outcome.taskId,
    created: outcome.created,
    steered: outcome.steered,
  };
}

/** The agents tools: create and task, read, change, cancel, delete, and wait for agents. */
export function agentTools(deps: PlatformToolsDeps): PlatformTool[] {
  return [
    definePlatformTool({
      name: 'create_agent',
      description:
        'Create an agent and give it a task, or give an existing agent its next task (a busy one takes the instructions as a follow-up message in its running task). ' +
        'An agent you create is yours to manage; it is a "worker" unless you say otherwise. Wait for its result with await_agents.',
      input: CreateAgentInputSchema,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        return giveTask(deps, caller, { ...input, namespace }, 'create');
      },
    }),
    definePlatformTool({
      name: 'wake_agent',
      description:
        'Wake a sleeping agent by giving it its next task: its runtime starts again on its kept workspace and continues its conversation. ' +
        'Wait for its result with await_agents.',
      input: z.strictObject({
        name: NameSchema,
        instructions: CreateAgentRequestSchema.shape.instructions,
        namespace: namespaceField,
      }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        return giveTask(deps, caller, { ...input, namespace }, 'existing');
      },
    }),
    definePlatformTool({
      name: 'sleep_agent',
      description:
        'Put an idle agent to sleep: its runtime stops and its workspace stays; its next task wakes it.',
      input: z.strictObject({ name: NameSchema, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await managedAgent(deps, caller, namespace, input.name, 'put to sleep');
        return agentSummary(await deps.agents.sleep(namespace, input.name));
      },
    }),
    definePlatformTool({
      name: 'get_agent',
      description: 'Read an agent: its settings, its status and its last task’s result.',
      input: z.strictObject({ name: selfName, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        return agentSummary(await deps.agents.get(namespace, agentNameFor(caller, input.name)));
      },
    }),
    definePlatformTool({
      name: 'get_agent_status',
      description: 'Where an agent and its current or last task stand.',
      input: z.strictObject({ name: selfName, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const agent = await deps.agents.get(namespace, agentNameFor(caller, input.name));
        return {
          name: agent.name,
          status: agent.status,
          taskStatus: agent.taskStatus,
          taskId: agent.taskId,
          ...(agent.lastTaskMessage !== undefined
            ? { lastTaskMessage: agent.lastTaskMessage }
            : {}),
          ...(agent.lastTaskCostUSD !== undefined
            ? { lastTaskCostUSD: agent.lastTaskCostUSD }
            : {}),
        };
      },
    }),
    definePlatformTool({
      name: 'list_agents',
      description:
        'List the agents of the namespace, optionally only those with all the given labels.',
      input: z.strictObject({
        namespace: namespaceField,
        labels: ListAgentsQuerySchema.shape.label.meta({
          description: 'The labels every agent listed has, each as "key=value"',
        }),
      }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const agents = (await deps.agents.list(namespace)).filter((agent) =>
          matchesLabels(agent.spec.labels, input.labels ?? []),
        );
        return { agents: agents.map(agentSummary) };
      },
    }),
    // komputer.ai's managers know this one call by both names.
    ...['patch_agent', 'update_agent'].map((name) =>
      definePlatformTool({
        name,
        description: 'Change an agent’s settings; they apply from its next task.',
        input: PatchAgentInputSchema,
        async run({ name: asked, namespace: askedNamespace, ...patch }, { caller }) {
          const namespace = namespaceFor(caller, askedNamespace);
          const agentName = agentNameFor(caller, asked);
          checkLocalRefs(caller, [...(patch.memories ?? []), ...(patch.skills ?? [])]);
          await managedAgent(deps, caller, namespace, agentName, 'change');
          return agentSummary(await deps.agents.patch(namespace, agentName, patch));
        },
      }),
    ),
    definePlatformTool({
      name: 'compact_agent',
      description:
        'Compact an agent’s conversation: its running task summarises the older turns at its next turn boundary, guided by your instructions, and goes on from the summary.',
      input: CompactAgentRequestSchema.extend({ name: selfName, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const name = agentNameFor(caller, input.name);
        await managedAgent(deps, caller, namespace, name, 'compact');
        return deps.agents.compact(namespace, name, input.instructions);
      },
    }),
    definePlatformTool({
      name: 'cancel_agent',
      description: 'Cancel an agent’s queued or running task.',
      input: z.strictObject({ name: NameSchema, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await managedAgent(deps, caller, namespace, input.name, 'cancel');
        return deps.agents.cancel(namespace, input.name);
      },
    }),
    definePlatformTool({
      name: 'delete_agent',
      description: 'Delete an agent: its task, its runtime, its workspace and its events.',
      input: z.strictObject({ name: NameSchema, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await managedAgent(deps, caller, namespace, input.name, 'delete');
        await deps.agents.delete(namespace, input.name);
        return { status: 'deleted', name: input.name, namespace };
      },
    }),
    definePlatformTool({
      name: 'get_agent_events',
      description:
        'Read an agent’s events, oldest first: the last ones, or those after an event id (each event carries its `id`).',
      input: z.strictObject({
        name: selfName,
        namespace: namespaceField,
        limit: EventsQuerySchema.shape.limit,
        after: EventIdSchema.optional(),
      }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const name = agentNameFor(caller, input.name);
        await deps.agents.get(namespace, name);
        const { limit, after } = input;
        const page = after !== undefined ? { limit, after } : { limit };
        return { agent: name, events: await deps.events.read(namespace, name, page) };
      },
    }),
    definePlatformTool({
      name: 'await_agents',
      description:
        'Wait until the current tasks of the named agents end (for an agent you gave a task to: that task), then return, for each, its status, result, cost, turns, error and last event id. ' +
        'Returns early with the tasks still running when the timeout passes.',
      input: z.strictObject({
        agents: z
          .array(NameSchema)
          .min(1)
          .max(MAX_AWAITED_AGENTS)
          .refine((names) => new Set(names).size === names.length, 'must not list an agent twice'),
        namespace: namespaceField,
        timeoutSeconds: z.number().positive().optional().meta({
          description: 'How long to wait at most (default, and upper bound: the platform’s cap)',
        }),
      }),
      async run(input, { caller, signal }) {
        const namespace = namespaceFor(caller, input.namespace);
        const refs: TaskRef[] = await Promise.all(
          input.agents.map(async (agent) => {
            const pinned = caller.kind === 'manager' ? caller.subTasks.latest(agent) : undefined;
            if (pinned && pinned.namespace === namespace) return pinned;
            const record = await deps.agents.get(namespace, agent);
            return { namespace, agent, taskId: record.taskId };
          }),
        );
        const timeoutMs = Math.min((input.timeoutSeconds ?? Infinity) * 1000, deps.awaitMaxMs);
        const ended = await deps.waits.wait(refs, timeoutMs, signal);
        const results: TaskOutcome[] = await Promise.all(
          refs.map(async (ref, index) => {
            const event = ended.get(index);
            if (event) {
              const outcome = outcomeOf(ref, event);
              if (caller.kind === 'manager')
                caller.subTasks.noteCost(ref.taskId, outcome.costUsd ?? 0);
              return outcome;
            }
            const agent = await findAgent(deps, ref.namespace, ref.agent);
            const status = agent?.taskId === ref.taskId ? agent.taskStatus : 'Unknown';
            return { agent: ref.agent, taskId: ref.taskId, status };
          }),
        );
        return { agents: results, timedOut: ended.size < refs.length };
      },
    }),
  ];
}

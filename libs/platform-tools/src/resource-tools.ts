import { z } from 'zod';
import {
  CreateScheduleRequestSchema,
  NameSchema,
  PatchScheduleRequestSchema,
  reachesNamespace,
  ResourceRefSchema,
} from '@komputer/contracts';
import type { AgentSpec } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import { agentNameFor, agentSummary, findAgent, managedAgent } from './agent-tools';
import { checkLocalRefs, checkManages, namespaceField, namespaceFor, selfName } from './caller';
import type { PlatformCaller } from './caller';
import { definePlatformTool } from './platform-tool';
import type { PlatformTool } from './platform-tool';
import type { PlatformToolsDeps } from './platform-tools';

/** A kind of resource that agents attach by name, and the agent field that lists them. */
interface Attachable {
  /** The tool names' noun: `attach_<noun>`, `detach_<noun>`, and the input field. */
  noun: 'memory' | 'skill' | 'connector' | 'secret';
  field: keyof Pick<AgentSpec, 'memories' | 'skills' | 'connectors' | 'secretRefs'>;
  ref: z.ZodType<string>;
}

const ATTACHABLES: readonly Attachable[] = [
  { noun: 'memory', field: 'memories', ref: ResourceRefSchema },
  { noun: 'skill', field: 'skills', ref: ResourceRefSchema },
  { noun: 'connector', field: 'connectors', ref: NameSchema },
  { noun: 'secret', field: 'secretRefs', ref: NameSchema },
];

/** `attach_<noun>` and `detach_<noun>`: a change of the agent's list, as `PATCH` makes it. */
function attachTools(deps: PlatformToolsDeps, kind: Attachable): PlatformTool[] {
  const input = z.strictObject({
    [kind.noun]: kind.ref.meta({ description: `The ${kind.noun}’s name` }),
    name: selfName,
    namespace: namespaceField,
  });
  const change = (attach: boolean) =>
    async function run(
      values: z.output<typeof input>,
      { caller }: { caller: PlatformCaller },
    ): Promise<unknown> {
      const ref = values[kind.noun] as string;
      const namespace = namespaceFor(caller, values['namespace'] as string | undefined);
      const name = agentNameFor(caller, values['name'] as string | undefined);
      checkLocalRefs(caller, [ref]);
      const agent = await managedAgent(deps, caller, namespace, name, 'change');
      const list = agent.spec[kind.field];
      if (attach === list.includes(ref)) {
        throw new AppError(
          attach ? 'ALREADY_ATTACHED' : 'NOT_ATTACHED',
          409,
          `${kind.noun} "${ref}" is ${attach ? 'already' : 'not'} attached to agent "${name}"`,
          { retryable: false },
        );
      }
      const next = attach ? [...list, ref] : list.filter((r) => r !== ref);
      return agentSummary(await deps.agents.patch(namespace, name, { [kind.field]: next }));
    };
  return [
    definePlatformTool({
      name: `attach_${kind.noun}`,
      description: `Attach a ${kind.noun} to an agent; it applies from the agent’s next task.`,
      input,
      run: change(true),
    }),
    definePlatformTool({
      name: `detach_${kind.noun}`,
      description: `Detach a ${kind.noun} from an agent; it applies from the agent’s next task.`,
      input,
      run: change(false),
    }),
  ];
}

/** Refuses a schedule whose agent exists and is not the caller's to manage. */
async function checkScheduleAgent(
  deps: PlatformToolsDeps,
  caller: PlatformCaller,
  namespace: string,
  agentName: string,
): Promise<void> {
  if (caller.kind !== 'manager') return;
  const agent = await findAgent(deps, namespace, agentName);
  if (agent) checkManages(caller, agent, 'schedule');
}

const scheduleName = z.strictObject({ name: NameSchema, namespace: namespaceField });

/** The schedules tools: schedule an agent's tasks, and read, change, delete and fire schedules. */
function scheduleTools(deps: PlatformToolsDeps): PlatformTool[] {
  const { schedules } = deps;
  /** The schedule the caller may change (its agent is one it manages). */
  const ownSchedule = async (caller: PlatformCaller, namespace: string, name: string) => {
    const schedule = await schedules.get(namespace, name);
    await checkScheduleAgent(deps, caller, namespace, schedule.agentName);
    return schedule;
  };
  return [
    definePlatformTool({
      name: 'schedule_agent',
      description:
        'Create a schedule (cron) that gives an agent a task at each run, or replace the schedule of that name.',
      input: CreateScheduleRequestSchema,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await checkScheduleAgent(deps, caller, namespace, input.agentName ?? input.name);
        return schedules.put(namespace, { ...input, namespace });
      },
    }),
    definePlatformTool({
      name: 'list_schedules',
      description: 'List the schedules of the namespace.',
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return { schedules: await schedules.list(namespaceFor(caller, input.namespace)) };
      },
    }),
    definePlatformTool({
      name: 'get_schedule',
      description: 'Read a schedule and its recent runs.',
      input: scheduleName,
      async run(input, { caller }) {
        return schedules.get(namespaceFor(caller, input.namespace), input.name);
      },
    }),
    definePlatformTool({
      name: 'update_schedule',
      description: 'Change a schedule’s settings.',
      input: PatchScheduleRequestSchema.extend(scheduleName.shape),
      async run({ name, namespace: asked, ...patch }, { caller }) {
        const namespace = namespaceFor(caller, asked);
        await ownSchedule(caller, namespace, name);
        if (patch.agentName !== undefined) {
          await checkScheduleAgent(deps, caller, namespace, patch.agentName);
        }
        return schedules.patch(namespace, name, patch);
      },
    }),
    definePlatformTool({
      name: 'delete_schedule',
      description: 'Delete a schedule (its agent stays).',
      input: scheduleName,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await ownSchedule(caller, namespace, input.name);
        await schedules.delete(namespace, input.name);
        return { status: 'deleted', name: input.name, namespace };
      },
    }),
    definePlatformTool({
      name: 'trigger_schedule',
      description: 'Run a schedule now, outside its cadence.',
      input: scheduleName,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await ownSchedule(caller, namespace, input.name);
        return schedules.trigger(namespace, input.name);
      },
    }),
  ];
}

/**
 * The tools of everything but the agents themselves: attaching memories, skills, connectors and
 * secrets, schedules, templates and namespaces.
 */
export function resourceTools(deps: PlatformToolsDeps): PlatformTool[] {
  return [
    ...ATTACHABLES.flatMap((kind) => attachTools(deps, kind)),
    ...scheduleTools(deps),
    definePlatformTool({
      name: 'list_templates',
      description: 'List the agent templates an agent of the namespace may name in templateRef.',
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return { templates: await deps.templates.list(namespaceFor(caller, input.namespace)) };
      },
    }),
    definePlatformTool({
      name: 'list_namespaces',
      description: 'List the namespaces (a manager agent sees only its own).',
      input: z.strictObject({}),
      async run(_input, { caller }) {
        if (caller.kind === 'manager') return { namespaces: [caller.namespace] };
        const namespaces = new Set([deps.defaultNamespace, ...(await deps.listNamespaces())]);
        return {
          namespaces: [...namespaces]
            .filter((namespace) => reachesNamespace(caller.reach, namespace))
            .sort(),
        };
      },
    }),
  ];
}

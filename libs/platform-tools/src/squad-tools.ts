import { z } from 'zod';
import { CreateSquadRequestSchema, NameSchema, squadMemberName } from '@komputer/contracts';
import { agentNameFor, findAgent, managedAgent } from './agent-tools';
import { checkManages, namespaceField, namespaceFor, selfName } from './caller';
import type { PlatformCaller } from './caller';
import { definePlatformTool } from './platform-tool';
import type { PlatformTool } from './platform-tool';
import type { PlatformToolsDeps } from './platform-tools';

const squadField = NameSchema.meta({ description: 'The squad’s name' });

/**
 * The squads tools, as the squads' API: members share one workspace, so a manager puts into a
 * squad, takes out of one, or dissolves one only with agents it manages.
 */
export function squadTools(deps: PlatformToolsDeps): PlatformTool[] {
  const { squads } = deps;
  /** Refuses, for a manager, a squad change that touches an agent it does not manage. */
  const checkMembers = async (
    caller: PlatformCaller,
    namespace: string,
    names: readonly string[],
    action: string,
  ) => {
    if (caller.kind !== 'manager') return;
    for (const name of names) {
      // A member that does not exist is the squad's own refusal to make.
      const agent = await findAgent(deps, namespace, name);
      if (agent) checkManages(caller, agent, action);
    }
  };
  const membership = (add: boolean) =>
    definePlatformTool({
      name: add ? 'add_to_squad' : 'remove_from_squad',
      description: add
        ? 'Add an agent to a squad: from its next task it works in the squad’s shared workspace. An agent is in one squad at most, and joins only while no member has a task.'
        : 'Take an agent out of a squad: from its next task it works in its own workspace again.',
      input: z.strictObject({ squad: squadField, name: selfName, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const name = agentNameFor(caller, input.name);
        await managedAgent(
          deps,
          caller,
          namespace,
          name,
          add ? 'add to a squad' : 'take out of a squad',
        );
        return add
          ? squads.addMember(namespace, input.squad, { ref: { name } })
          : squads.removeMember(namespace, input.squad, name);
      },
    });
  return [
    definePlatformTool({
      name: 'create_squad',
      description:
        'Create a squad: agents that share one workspace (the first member’s) and run one task at a time. Name existing agents as members ({"ref": {"name": …}}).',
      input: CreateSquadRequestSchema,
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        await checkMembers(caller, namespace, input.members.map(squadMemberName), 'add to a squad');
        return squads.create(namespace, input);
      },
    }),
    definePlatformTool({
      name: 'list_squads',
      description: 'List the squads of the namespace, with their members and where they stand.',
      input: z.strictObject({ namespace: namespaceField }),
      async run(input, { caller }) {
        return { squads: await squads.list(namespaceFor(caller, input.namespace)) };
      },
    }),
    membership(true),
    membership(false),
    definePlatformTool({
      name: 'delete_squad',
      description:
        'Delete a squad at once (refused while a member has a task); its members stay, each back in its own workspace.',
      input: z.strictObject({ name: squadField, namespace: namespaceField }),
      async run(input, { caller }) {
        const namespace = namespaceFor(caller, input.namespace);
        const squad = await squads.get(namespace, input.name);
        await checkMembers(
          caller,
          namespace,
          squad.members.map((member) => member.name),
          'dissolve the squad of',
        );
        await squads.delete(namespace, input.name);
        return { status: 'deleted', name: input.name, namespace };
      },
    }),
  ];
}

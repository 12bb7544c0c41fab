import type { Office, Squad } from '@komputer/sdk';
import type { GroupSpec, OptionSpecs } from '../args';
import type { Context } from '../context';
import { intOption, joined, listOption, printJson, printJsonLine, stringOption } from '../context';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import { EventRenderer, renderFields, renderTable } from '../render';
import { call, nameOf, printList } from './resources';

type Group = GroupSpec<Context>;

/** Prints one resource: JSON, or `key: value` lines, then a table of its members. */
function printOne(
  context: Context,
  value: unknown,
  fields: readonly (readonly [string, string | undefined])[],
  members: { headers: readonly string[]; rows: string[][] },
): number {
  if (context.json) {
    printJson(context, value);
    return EXIT.OK;
  }
  for (const line of renderFields(fields, context.style)) context.out.line(line);
  if (members.rows.length === 0) return EXIT.OK;
  context.out.line('');
  for (const line of renderTable(members.headers, members.rows, context.style)) {
    context.out.line(line);
  }
  return EXIT.OK;
}

/** Prints what a change answered: JSON, or a sentence. */
function printDone(context: Context, answer: unknown, sentence: string): number {
  if (context.json) printJson(context, answer);
  else context.out.line(sentence);
  return EXIT.OK;
}

// Offices

function showOffice(context: Context, o: Office): number {
  return printOne(
    context,
    o,
    [
      ['name', o.name],
      ['namespace', o.namespace],
      ['manager', o.manager],
      ['phase', o.phase],
      [
        'agents',
        `${o.totalAgents} (${o.activeAgents} active, ${o.completedAgents} completed)${o.membersTruncated ? ', more not shown' : ''}`,
      ],
      ['cost', `$${o.totalCostUSD}`],
      ['tokens', String(o.totalTokens)],
      ['created', o.createdAt],
    ],
    {
      headers: ['MEMBER', 'ROLE', 'CREATED BY', 'TASK', 'COST'],
      rows: o.members.map((m) => [
        m.name,
        m.role,
        m.officeManager ?? '-',
        m.taskStatus ?? '-',
        `$${m.totalCostUSD}`,
      ]),
    },
  );
}

/** Most events one `office logs` prints. */
const MAX_EVENTS = 10_000;
const PAGE = 200;

const office: Group = {
  name: 'office',
  aliases: ['offices'],
  summary: 'A manager agent and the agents it created, with their cost and events',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the offices, with their members and cost',
      async run(context) {
        const items = await context.client.offices.list(call(context));
        return printList(
          context,
          'offices',
          items,
          ['NAME', 'PHASE', 'AGENTS', 'ACTIVE', 'COST'],
          (o) => [
            o.name,
            o.phase,
            String(o.totalAgents),
            String(o.activeAgents),
            `$${o.totalCostUSD}`,
          ],
        );
      },
    },
    {
      name: 'get',
      args: '<manager>',
      positionals: { min: 1, max: 1 },
      summary: 'Show an office: its members, their task status and cost, and the totals',
      async run(context) {
        return showOffice(
          context,
          await context.client.offices.get(nameOf(context), call(context)),
        );
      },
    },
    {
      name: 'logs',
      args: '<manager>',
      positionals: { min: 1, max: 1 },
      summary: 'Show the events of every member, merged in order',
      description: [
        'Without --after: the latest events (--limit, default 50). With --after <agent>:<id>',
        '(or an id, or a timestamp): every event after it. Each line names its agent.',
      ].join('\n'),
      options: {
        after: {
          type: 'string',
          value: '<agent:id>',
          description: 'Only events after this one (`<agent>:<id>`, an id or a timestamp)',
        },
        limit: {
          type: 'string',
          value: '<n>',
          description: 'How many of the latest events, without --after (1-200, default 50)',
        },
      } as const satisfies OptionSpecs,
      examples: ['komputer office logs lead', 'komputer office logs lead --after 0-0 --json'],
      async run(context) {
        const name = nameOf(context);
        const after = stringOption(context, 'after');
        const limit = intOption(context, 'limit', 1, PAGE);
        if (after !== undefined && limit !== undefined)
          throw new UsageError('--limit goes with the latest events; leave it out with --after');
        const { offices } = context.client;
        const renderer = new EventRenderer({
          style: context.style,
          width: context.width,
          timestamps: true,
        });
        const print = (page: Awaited<ReturnType<typeof offices.events>>) => {
          for (const event of page) {
            if (context.json) printJsonLine(context, event);
            else
              for (const line of renderer.render(event))
                context.out.line(`${context.style.dim(`[${event.agentName}]`)} ${line}`);
          }
        };
        if (after === undefined) {
          print(await offices.events(name, { limit: limit ?? 50 }, call(context)));
          return EXIT.OK;
        }
        let cursor = after;
        for (let printed = 0; printed < MAX_EVENTS;) {
          const page = await offices.events(name, { after: cursor, limit: PAGE }, call(context));
          print(page);
          printed += page.length;
          const last = page.at(-1);
          if (!last || page.length < PAGE) break;
          cursor = `${last.agentName}:${last.id}`;
        }
        return EXIT.OK;
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<manager>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete an office: every member, the manager last',
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.offices.delete(name, call(context));
        return printDone(
          context,
          answer,
          `Deleted office ${name}: ${answer.deletedAgents} agents.`,
        );
      },
    },
  ],
};

// Squads

function showSquad(context: Context, s: Squad): number {
  return printOne(
    context,
    s,
    [
      ['name', s.name],
      ['namespace', s.namespace],
      ['phase', s.phase],
      ['home', s.home && `${s.home} (its workspace is shared)`],
      ['orphan ttl', s.orphanTTL],
      ['orphaned since', s.orphanedSince],
      ['created', s.createdAt],
    ],
    {
      headers: ['MEMBER', 'READY', 'TASK'],
      rows: s.members.map((m) => [m.name, m.ready ? 'yes' : 'no', m.taskStatus ?? '-']),
    },
  );
}

const members = (context: Context) =>
  listOption(context, 'member').map((name) => ({ ref: { name } }));

const SQUAD_OPTIONS = {
  member: {
    type: 'string',
    multiple: true,
    value: '<agent>',
    description: 'A member, an existing idle agent; the first one’s workspace is shared',
  },
  'orphan-ttl': {
    type: 'string',
    value: '<duration>',
    description: 'How long the squad is kept without members, e.g. 10m ("" removes it)',
  },
} as const satisfies OptionSpecs;

const squad: Group = {
  name: 'squad',
  aliases: ['squads'],
  summary: 'Agents that share one workspace, one task at a time',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the squads',
      async run(context) {
        const items = await context.client.squads.list(call(context));
        return printList(context, 'squads', items, ['NAME', 'PHASE', 'HOME', 'MEMBERS'], (s) => [
          s.name,
          s.phase,
          s.home ?? '-',
          joined(s.members.map((m) => m.name)),
        ]);
      },
    },
    {
      name: 'get',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Show a squad and its members',
      async run(context) {
        return showSquad(context, await context.client.squads.get(nameOf(context), call(context)));
      },
    },
    {
      name: 'create',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a squad of existing, idle agents',
      options: SQUAD_OPTIONS,
      examples: ['komputer squad create pair --member writer --member reviewer --orphan-ttl 10m'],
      async run(context) {
        const orphanTTL = stringOption(context, 'orphan-ttl');
        const s = await context.client.squads.create(
          {
            name: nameOf(context),
            members: members(context),
            ...(orphanTTL ? { orphanTTL } : {}),
          },
          call(context),
        );
        return printDone(
          context,
          s,
          `Created squad ${s.name}; it shares ${s.home ?? 'no'} workspace.`,
        );
      },
    },
    {
      name: 'update',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Replace the members (all of them) and/or the orphan TTL',
      options: SQUAD_OPTIONS,
      async run(context) {
        const list = members(context);
        const orphanTTL = stringOption(context, 'orphan-ttl');
        if (list.length === 0 && orphanTTL === undefined)
          throw new UsageError('squad update: give --member or --orphan-ttl');
        const s = await context.client.squads.update(
          nameOf(context),
          {
            ...(list.length > 0 ? { members: list } : {}),
            ...(orphanTTL !== undefined ? { orphanTTL } : {}),
          },
          call(context),
        );
        return printDone(context, s, `Updated squad ${s.name}.`);
      },
    },
    {
      name: 'add',
      args: '<name> <agent>',
      positionals: { min: 2, max: 2 },
      summary: 'Add an existing, idle agent to a squad',
      async run(context) {
        const agent = context.positionals[1] as string;
        const s = await context.client.squads.addMember(
          nameOf(context),
          { ref: { name: agent } },
          call(context),
        );
        return printDone(context, s, `Added ${agent} to squad ${s.name}.`);
      },
    },
    {
      name: 'remove',
      args: '<name> <agent>',
      positionals: { min: 2, max: 2 },
      summary: 'Remove a member; it runs in its own workspace again',
      async run(context) {
        const agent = context.positionals[1] as string;
        const s = await context.client.squads.removeMember(nameOf(context), agent, call(context));
        return printDone(context, s, `Removed ${agent} from squad ${s.name}.`);
      },
    },
    {
      name: 'break-up',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Return the members to solo agents (once their tasks have ended)',
      async run(context) {
        const s = await context.client.squads.breakUp(nameOf(context), call(context));
        const sentence =
          s.phase === 'Dissolved'
            ? `Broke squad ${s.name} up; its members run in their own workspaces again.`
            : `Squad ${s.name} breaks up once its members’ tasks have ended.`;
        return printDone(context, s, sentence);
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete a squad at once (its members stay); refused while one has a task',
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.squads.delete(name, call(context));
        return printDone(context, answer, `Deleted squad ${name}.`);
      },
    },
  ],
};

/** The commands of offices and squads. */
export const TEAM_COMMANDS: readonly Group[] = [office, squad];

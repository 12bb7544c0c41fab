import type { NamespaceQuotaStatus } from '@komputer/sdk';
import type { CommandSpec, GroupSpec } from '../args';
import type { Context } from '../context';
import { intOption, numberOption, printJson, stringOption } from '../context';
import { EXIT } from '../exit-codes';
import { renderTable } from '../render';
import { call, printList, printOne } from './resources';

type Command = CommandSpec<Context>;
type Group = GroupSpec<Context>;

const usd = (value: number) => `$${value.toFixed(4)}`;
const cap = (value: number | undefined) => (value === undefined ? 'none' : String(value));

/** A quota's caps and their use, as `key: value` lines. */
function printQuota(context: Context, quota: NamespaceQuotaStatus): number {
  return printOne(context, quota, [
    ['namespace', quota.namespace],
    ['agents', `${quota.agents} (max ${cap(quota.maxAgents)})`],
    ['running tasks', `${quota.runningTasks} (max ${cap(quota.maxRunningTasks)})`],
    [
      `spent in ${quota.month}`,
      `${usd(quota.spentUsd)} (budget ${quota.monthlyBudgetUsd === undefined ? 'none' : usd(quota.monthlyBudgetUsd)})`,
    ],
  ]);
}

const quota: Group = {
  name: 'quota',
  summary: 'Read or set the namespace’s quota: agents, running tasks, monthly budget',
  commands: [
    {
      name: 'get',
      positionals: { min: 0, max: 0 },
      summary: 'Show the namespace’s caps and what it uses of them',
      examples: ['komputer quota get -n team-a'],
      async run(context) {
        return printQuota(context, await context.client.namespaces.getQuota(call(context)));
      },
    },
    {
      name: 'set',
      positionals: { min: 0, max: 0 },
      summary: 'Replace the namespace’s quota; a cap not given is lifted',
      options: {
        'max-agents': {
          type: 'string',
          value: '<n>',
          description: 'Most agents; one more is refused (403 QUOTA_EXCEEDED)',
        },
        'max-running-tasks': {
          type: 'string',
          value: '<n>',
          description: 'Most tasks running at once; the others wait in the queue',
        },
        'monthly-budget': {
          type: 'string',
          value: '<usd>',
          description: 'Spend per calendar month (UTC); past it tasks are refused (402)',
        },
      },
      examples: [
        'komputer quota set -n team-a --max-agents 50 --max-running-tasks 5 --monthly-budget 200',
      ],
      async run(context) {
        const maxAgents = intOption(context, 'max-agents', 0);
        const maxRunningTasks = intOption(context, 'max-running-tasks', 1);
        const monthlyBudgetUsd = numberOption(context, 'monthly-budget');
        const answer = await context.client.namespaces.setQuota(
          {
            ...(maxAgents !== undefined ? { maxAgents } : {}),
            ...(maxRunningTasks !== undefined ? { maxRunningTasks } : {}),
            ...(monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd } : {}),
          },
          call(context),
        );
        return printQuota(context, answer);
      },
    },
  ],
};

const usage: Command = {
  name: 'usage',
  positionals: { min: 0, max: 0 },
  summary: 'Cost, tokens and tasks of the namespace and each agent over a range of days',
  options: {
    from: {
      type: 'string',
      value: '<date>',
      description: 'First day (UTC), a date or an RFC 3339 timestamp; default: this month’s first',
    },
    to: {
      type: 'string',
      value: '<date>',
      description: 'Last day (UTC), included; default: today',
    },
  },
  examples: ['komputer usage', 'komputer usage --from 2026-11-01 --to 2026-11-30 --json'],
  async run(context) {
    const from = stringOption(context, 'from');
    const to = stringOption(context, 'to');
    const report = await context.client.usage.get(
      { ...(from ? { from } : {}), ...(to ? { to } : {}) },
      call(context),
    );
    if (context.json) {
      printJson(context, report);
      return EXIT.OK;
    }
    const rows = [
      ...report.agents.map((a) => [a.name, usd(a.costUsd), String(a.tokens), String(a.tasks)]),
      ['(total)', usd(report.costUsd), String(report.tokens), String(report.tasks)],
    ];
    context.out.line(`Usage of namespace ${report.namespace} from ${report.from} to ${report.to}:`);
    for (const line of renderTable(['AGENT', 'COST', 'TOKENS', 'TASKS'], rows, context.style)) {
      context.out.line(line);
    }
    return EXIT.OK;
  },
};

const audit: Command = {
  name: 'audit',
  positionals: { min: 0, max: 0 },
  summary: 'The namespace’s audit trail: every state-changing call, oldest first',
  options: {
    since: {
      type: 'string',
      value: '<time>',
      description: 'Only calls at or after this RFC 3339 time',
    },
    until: {
      type: 'string',
      value: '<time>',
      description: 'Only calls at or before this RFC 3339 time',
    },
    after: { type: 'string', value: '<id>', description: 'The page after this record id' },
    limit: { type: 'string', value: '<n>', description: 'Records to show (1-1000, default 100)' },
  },
  examples: ['komputer audit --since 2026-12-01T00:00:00Z', 'komputer audit --limit 20 --json'],
  async run(context) {
    const since = stringOption(context, 'since');
    const until = stringOption(context, 'until');
    const after = stringOption(context, 'after');
    const limit = intOption(context, 'limit', 1, 1000);
    const page = await context.client.audit.list(
      {
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(after ? { after } : {}),
        ...(limit !== undefined ? { limit } : {}),
      },
      call(context),
    );
    if (context.json) {
      printJson(context, page);
      return EXIT.OK;
    }
    const code = printList(
      context,
      'audit records',
      page.records,
      ['TIME', 'ACTOR', 'OPERATION', 'STATUS', 'PATH', 'REQUEST'],
      (r) => [r.at, r.actor, r.operationId, String(r.status), `${r.method} ${r.path}`, r.requestId],
    );
    if (page.next) context.note(`More: komputer audit --after ${page.next}`);
    return code;
  },
};

/** The commands of quotas, usage and the audit trail. */
export const GOVERNANCE_COMMANDS: readonly (Group | Command)[] = [quota, usage, audit];

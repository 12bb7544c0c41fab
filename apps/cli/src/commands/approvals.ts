import type { Approval } from '@komputer/sdk';
import type { CommandSpec } from '../args';
import type { Context } from '../context';
import { flag, printJson, stringOption } from '../context';
import { EXIT } from '../exit-codes';
import { printList } from './resources';

type Command = CommandSpec<Context>;

const OFFICE_OPTION = {
  office: {
    type: 'boolean',
    description: 'The name is an office (its manager’s): every member’s approvals',
  },
} as const;

/** The approvals of an agent, or of an office's members with `--office`. */
const approvalsOf = (context: Context) =>
  flag(context, 'office') ? context.client.offices.approvals : context.client.agents.approvals;

/** A tool call's input, on one line and short. */
function inputLine(approval: Approval): string {
  const input = approval.input as { command?: unknown } | null;
  const shown = typeof input?.command === 'string' ? input.command : JSON.stringify(input);
  return shown.length > 60 ? `${shown.slice(0, 59)}…` : shown;
}

const approvals: Command = {
  name: 'approvals',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'List the tool calls of an agent that wait for your approval',
  description: [
    'An agent’s `approvals` policy (or its template’s) names the tools and Bash commands that',
    'wait for a person. Answer each with `komputer approve`; unanswered, it is denied when it',
    'times out.',
  ].join('\n'),
  options: OFFICE_OPTION,
  examples: ['komputer approvals deployer', 'komputer approvals lead --office'],
  async run(context) {
    const name = context.positionals[0] as string;
    const list = await approvalsOf(context).list(name, { signal: context.signal });
    return printList(
      context,
      'pending approvals',
      list,
      ['ID', 'AGENT', 'TOOL', 'INPUT', 'EXPIRES'],
      (a) => [a.id, a.agentName, a.tool, inputLine(a), a.expiresAt],
    );
  },
};

const approve: Command = {
  name: 'approve',
  args: '<name> <id>',
  positionals: { min: 2, max: 2 },
  summary: 'Approve (or with --deny, deny) a tool call that waits for you',
  description: [
    'An approved call runs; a denied one gives the model an error tool result that holds the',
    'reason. An approval decided already or timed out answers 409 (exit 3).',
  ].join('\n'),
  options: {
    ...OFFICE_OPTION,
    deny: { type: 'boolean', description: 'Deny the call instead' },
    reason: { type: 'string', value: '<text>', description: 'Why; the model reads it' },
  },
  examples: [
    'komputer approve deployer 0b8a3f55-6a5e-4c8e-9a0e-6f1d2c3b4a59',
    "komputer approve deployer 0b8a3f55-6a5e-4c8e-9a0e-6f1d2c3b4a59 --deny --reason 'not today'",
    'komputer approve lead 0b8a3f55-6a5e-4c8e-9a0e-6f1d2c3b4a59 --office',
  ],
  async run(context) {
    const [name, id] = context.positionals as [string, string];
    const reason = stringOption(context, 'reason');
    const params = reason === undefined ? {} : { reason };
    const scope = approvalsOf(context);
    const options = { signal: context.signal };
    const answer = flag(context, 'deny')
      ? await scope.deny(name, id, params, options)
      : await scope.approve(name, id, params, options);
    if (context.json) printJson(context, answer);
    else
      context.out.line(
        `${answer.status === 'approved' ? 'Approved' : 'Denied'} ${answer.tool} call ${id} of ${answer.agentName}.`,
      );
    return EXIT.OK;
  },
};

/** `approvals` and `approve`. */
export const APPROVAL_COMMANDS: readonly Command[] = [approvals, approve];

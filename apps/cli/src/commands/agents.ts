import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Agent, AgentEvent, CreateAgentParams } from '@komputer/sdk';
import { TaskCancelledError, TaskFailedError } from '@komputer/sdk';
import type { CommandSpec, OptionSpecs } from '../args';
import type { Context } from '../context';
import {
  bodyFrom,
  flag,
  intOption,
  joined,
  listOption,
  numberOption,
  pairsOption,
  printJson,
  printJsonLine,
  stringOption,
} from '../context';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import type { ExitCode } from '../exit-codes';
import {
  EventRenderer,
  formatAge,
  formatCost,
  formatDuration,
  isTerminal,
  renderFields,
  renderTable,
} from '../render';
import type { Style } from '../terminal';

type Command = CommandSpec<Context>;

/** The settings of an agent that `run` takes, for when it creates the agent. */
const AGENT_OPTIONS = {
  model: { type: 'string', value: '<model>', description: 'The model, e.g. claude-sonnet-4-6' },
  'system-prompt': { type: 'string', value: '<text>', description: 'The system prompt' },
  template: { type: 'string', value: '<name>', description: 'The template (templateRef)' },
  connector: { type: 'string', multiple: true, value: '<name>', description: 'A connector' },
  memory: { type: 'string', multiple: true, value: '<name>', description: 'A memory' },
  skill: { type: 'string', multiple: true, value: '<name>', description: 'A skill' },
  secret: {
    type: 'string',
    multiple: true,
    value: '<name>',
    description: 'A secret whose keys become environment variables of its tools (secretRefs)',
  },
  label: { type: 'string', multiple: true, value: '<key=value>', description: 'A label' },
  lifecycle: {
    type: 'string',
    value: '<Sleep|AutoDelete>',
    description: 'After each task: stop the runtime (Sleep) or delete the agent (AutoDelete)',
  },
  'max-turns': { type: 'string', value: '<n>', description: 'Model calls per task' },
  'max-budget-usd': { type: 'string', value: '<usd>', description: 'Spend per task, in USD' },
  'timeout-ms': { type: 'string', value: '<ms>', description: 'Time per task' },
  'thinking-budget': {
    type: 'string',
    value: '<tokens>',
    description: 'Extended thinking: the most tokens the model may think for per call (1024-32000)',
  },
  'approve-tool': {
    type: 'string',
    multiple: true,
    value: '<name|glob>',
    description: 'A tool whose every call waits for your approval (approvals.tools)',
  },
  'approve-command': {
    type: 'string',
    multiple: true,
    value: '<glob>',
    description:
      'Bash commands that wait for your approval, e.g. "git push*" (approvals.bashCommands)',
  },
  'approval-timeout': {
    type: 'string',
    value: '<seconds>',
    description: 'How long a call waits for approval before it is denied (default 600)',
  },
  file: {
    type: 'string',
    short: 'f',
    value: '<file.json>',
    description: 'More fields of the request body (POST /agents), as JSON; "-" reads stdin',
  },
} as const satisfies OptionSpecs;

/** The fields of `fields` that are set; undefined when none is. */
function definedFields(fields: Record<string, unknown>): Record<string, unknown> | undefined {
  const set = Object.entries(fields).filter(([, value]) => value !== undefined);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

/** The body of `POST /agents` from the command line. */
function createBody(context: Context, name: string, instructions: string): CreateAgentParams {
  const lifecycle = stringOption(context, 'lifecycle');
  if (lifecycle !== undefined && !['', 'Sleep', 'AutoDelete'].includes(lifecycle))
    throw new UsageError(`--lifecycle: "${lifecycle}" must be Sleep or AutoDelete`);
  const limits = {
    maxTurns: intOption(context, 'max-turns', 1),
    maxBudgetUsd: numberOption(context, 'max-budget-usd'),
    timeoutMs: intOption(context, 'timeout-ms', 1),
  };
  const budgetTokens = intOption(context, 'thinking-budget', 1);
  const list = (option: string) => {
    const values = listOption(context, option);
    return values.length > 0 ? values : undefined;
  };
  const approvals = {
    tools: list('approve-tool'),
    bashCommands: list('approve-command'),
    timeoutSeconds: intOption(context, 'approval-timeout', 1),
  };
  return bodyFrom(context, {
    name,
    instructions,
    model: stringOption(context, 'model'),
    systemPrompt: stringOption(context, 'system-prompt'),
    templateRef: stringOption(context, 'template'),
    connectors: list('connector'),
    memories: list('memory'),
    skills: list('skill'),
    secretRefs: list('secret'),
    labels: pairsOption(context, 'label'),
    lifecycle,
    limits: definedFields(limits),
    thinking: budgetTokens === undefined ? undefined : { budgetTokens },
    approvals: definedFields(approvals),
  }) as CreateAgentParams;
}

/** The exit status of a task that ended with `event`. */
export function exitCodeOf(event: AgentEvent): ExitCode {
  if (event.type === 'error') return EXIT.TASK_FAILED;
  if (event.type === 'task_cancelled') return EXIT.TASK_CANCELLED;
  return EXIT.OK;
}

/**
 * Shows events as they come: JSON lines, or rendered lines with a status line under them, the
 * model's text written as it streams (`text_delta`) and not again when its `text` event comes.
 */
class EventPrinter {
  private readonly renderer: EventRenderer;
  private lastShown: string | undefined;

  constructor(
    private readonly context: Context,
    timestamps: boolean,
  ) {
    this.renderer = new EventRenderer({ style: context.style, width: context.width, timestamps });
  }

  /**
   * Shows `event`, once: the terminal event that `run` gets twice (from the callback, then with
   * the error) is the last one shown, and is skipped the second time.
   */
  print(event: AgentEvent): void {
    if (event.id === this.lastShown) return;
    this.lastShown = event.id;
    const { context } = this;
    if (context.json) return printJsonLine(context, event);
    const { text, lines } = this.renderer.live(event);
    context.out.write(text);
    for (const line of lines) context.out.line(line);
    const status = this.renderer.statusAfter(event);
    if (status === undefined) context.out.stop();
    else context.out.setStatus(status);
  }
}

const interrupted = (context: Context, name: string): ExitCode => {
  context.out.stop();
  context.note(
    `Stopped following; the task goes on. Follow it with \`komputer logs ${name} -f\`, stop it with \`komputer cancel ${name}\`.`,
  );
  return EXIT.INTERRUPTED;
};

const run: Command = {
  name: 'run',
  args: '<name> <instructions>',
  positionals: { min: 2, max: 2 },
  summary: 'Give an agent a task (creating the agent if needed) and follow it live',
  description: [
    'Streams the task as it happens: the model’s text, each tool call and a short result, and',
    'at the end the result with its turns, cost and duration. The exit status is the outcome:',
    '0 completed, 1 failed, 5 cancelled. Ctrl-C stops following; the task goes on.',
    'The agent settings below apply when the agent is created; an existing agent keeps its own.',
    'An agent busy with a task is steered: the task takes the instructions before its next',
    'model request (shown as » <instructions>), and `run` follows that task to its end.',
  ].join('\n'),
  options: {
    ...AGENT_OPTIONS,
    'no-steer': {
      type: 'boolean',
      description: 'Refuse rather than steer a busy agent (409 AGENT_BUSY, exit 3)',
    },
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Queue the task, print its id and return at once',
    },
    quiet: {
      type: 'boolean',
      short: 'q',
      description: 'Print only the result (errors still go to stderr)',
    },
  },
  examples: [
    'komputer run hello "List the files in your workspace"',
    'komputer run hello "Also count them" -d   # while the first task runs: a steer',
    'komputer run reviewer "Review the open pull requests" --connector github --max-turns 20',
    'komputer run hello "Say hi" --json | jq -c \'select(.type == "tool_call")\'',
    'komputer run hello "Say hi" -d',
  ],
  async run(context) {
    const [name, instructions] = context.positionals as [string, string];
    const body = createBody(context, name, instructions);
    const steer = !flag(context, 'no-steer');
    if (flag(context, 'detach')) {
      const created = await context.client.agents.create(body, {
        signal: context.signal,
        steer,
      });
      if (context.json) printJson(context, created);
      else context.out.line(created.taskId);
      if (created.steered && !context.json) {
        context.note(
          `${name} is busy: its task ${created.taskId} takes this as steer ${created.steerIndex}.`,
        );
      }
      return EXIT.OK;
    }
    const quiet = flag(context, 'quiet') && !context.json;
    const printer = new EventPrinter(context, false);
    if (!quiet) context.out.setStatus('starting…');
    try {
      const result = await context.client.run({
        ...body,
        steer,
        // Text as the model writes it, for a person; a script's JSON lines stay as they were.
        deltas: !quiet && !context.json,
        signal: context.signal,
        onEvent: (event) => {
          if (!quiet) printer.print(event);
        },
      });
      if (quiet) context.out.line(result.text);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof TaskFailedError || err instanceof TaskCancelledError) {
        if (!quiet) printer.print(err.event);
        else context.note(err.message);
        return exitCodeOf(err.event);
      }
      if (context.signal.aborted) return interrupted(context, name);
      throw err;
    } finally {
      context.out.stop();
    }
  },
};

const STATUS_COLOURS: Record<string, (style: Style, s: string) => string> = {
  Running: (s, v) => s.green(v),
  Complete: (s, v) => s.green(v),
  InProgress: (s, v) => s.cyan(v),
  Queued: (s, v) => s.cyan(v),
  Sleeping: (s, v) => s.dim(v),
  Cancelled: (s, v) => s.yellow(v),
  Failed: (s, v) => s.red(v),
  Error: (s, v) => s.red(v),
};

const ls: Command = {
  name: 'ls',
  aliases: ['list'],
  positionals: { min: 0, max: 0 },
  summary: 'List the agents of the namespace',
  options: {
    label: {
      type: 'string',
      multiple: true,
      value: '<key=value>',
      description: 'Only the agents with this label; all given must match',
    },
  },
  examples: [
    'komputer ls',
    'komputer ls -n team-a --json',
    'komputer ls --label team=core --label tier=web',
  ],
  async run(context) {
    const labels = pairsOption(context, 'label');
    const agents = await context.client.agents.list({
      signal: context.signal,
      ...(labels ? { labels } : {}),
    });
    if (context.json) {
      printJson(context, agents);
      return EXIT.OK;
    }
    if (agents.length === 0) {
      context.note(`No agents in namespace ${context.settings.namespace.value}.`);
      return EXIT.OK;
    }
    const now = context.now();
    const rows = agents.map((a) => [
      a.name,
      a.status,
      a.taskStatus ?? '-',
      a.model,
      a.totalCostUSD ? `$${a.totalCostUSD}` : '-',
      formatAge(a.createdAt, now),
    ]);
    const lines = renderTable(
      ['NAME', 'STATUS', 'TASK', 'MODEL', 'COST', 'AGE'],
      rows,
      context.style,
      (column, cell, padded) =>
        (column === 1 || column === 2) && STATUS_COLOURS[cell]
          ? (STATUS_COLOURS[cell] as (s: Style, v: string) => string)(context.style, padded)
          : padded,
    );
    for (const line of lines) context.out.line(line);
    return EXIT.OK;
  },
};

/** An agent as `key: value` lines. */
function agentFields(agent: Agent, style: Style): string[] {
  const labels = Object.entries(agent.labels).map(([k, v]) => `${k}=${v}`);
  const limits = agent.limits
    ? Object.entries(agent.limits).map(([k, v]) => `${k}=${String(v)}`)
    : [];
  return renderFields(
    [
      ['name', agent.name],
      ['namespace', agent.namespace],
      ['status', agent.status],
      ['task', agent.taskStatus && `${agent.taskStatus} (${agent.taskId ?? '-'})`],
      [
        'queue',
        agent.queuePosition === undefined
          ? undefined
          : `#${agent.queuePosition}: ${agent.queueReason ?? ''}`,
      ],
      ['model', agent.model],
      ['template', agent.templateRef],
      ['role', agent.role],
      ['lifecycle', agent.lifecycle],
      ['limits', limits.join(', ')],
      ['connectors', joined(agent.connectors)],
      ['memories', joined(agent.memories)],
      ['skills', joined(agent.skills)],
      ['secrets', joined(agent.secrets)],
      ['labels', labels.join(', ')],
      ['last cost', agent.lastTaskCostUSD && `$${agent.lastTaskCostUSD}`],
      ['total cost', agent.totalCostUSD && `$${agent.totalCostUSD}`],
      ['tokens', agent.totalTokens === undefined ? undefined : String(agent.totalTokens)],
      ['session', agent.sessionId],
      ['created', agent.createdAt],
      ['completed', agent.completionTime],
      ['system prompt', agent.systemPrompt],
      ['instructions', agent.instructions],
      ['last message', agent.lastTaskMessage],
    ],
    style,
  );
}

const get: Command = {
  name: 'get',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Show an agent: its status, task, settings and costs',
  examples: ['komputer get hello', 'komputer get hello --json | jq .taskStatus'],
  async run(context) {
    const agent = await context.client.agents.get(context.positionals[0] as string, {
      signal: context.signal,
    });
    if (context.json) printJson(context, agent);
    else for (const line of agentFields(agent, context.style)) context.out.line(line);
    return EXIT.OK;
  },
};

/** Most events one `logs` prints without `--follow`. */
const MAX_EVENTS = 10_000;
const PAGE = 200;

/** The agent's latest `count` events, oldest first: pages of at most {@link PAGE}, read backwards. */
async function latestEvents(
  agents: Context['client']['agents'],
  name: string,
  count: number,
  options: { signal: AbortSignal },
): Promise<AgentEvent[]> {
  let events: AgentEvent[] = [];
  for (let before: string | undefined; events.length < count;) {
    const limit = Math.min(PAGE, count - events.length);
    const page = await agents.events(name, { limit, ...(before ? { before } : {}) }, options);
    events = [...page, ...events];
    before = page[0]?.id;
    if (page.length < limit) break;
  }
  return events;
}

const logs: Command = {
  name: 'logs',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Show an agent’s events; with -f, follow its task until it ends',
  description: [
    'Without --after: the latest events (--limit, default 50). With --after <id>: every event',
    'after that id. With -f: then follows the running or queued task live and returns when it',
    'ends, with its outcome as the exit status (0 completed, 1 failed, 5 cancelled); an agent',
    'with no such task returns at once. --json writes one JSON line per event.',
  ].join('\n'),
  options: {
    follow: { type: 'boolean', short: 'f', description: 'Follow the current task until it ends' },
    after: { type: 'string', value: '<id>', description: 'Only events after this event id' },
    limit: {
      type: 'string',
      value: '<n>',
      description: `How many of the latest events, without --after (1-${MAX_EVENTS}, default 50)`,
    },
  },
  examples: [
    'komputer logs hello',
    'komputer logs hello -f',
    'komputer logs hello --after 1764000000000-0 --json',
  ],
  async run(context) {
    const name = context.positionals[0] as string;
    const after = stringOption(context, 'after');
    const limit = intOption(context, 'limit', 1, MAX_EVENTS);
    if (after !== undefined && limit !== undefined)
      throw new UsageError('--limit goes with the latest events; leave it out with --after');
    const { agents } = context.client;
    const options = { signal: context.signal };
    // The agent's task before its events: a task that ends in between is then still followed.
    const agent = flag(context, 'follow') ? await agents.get(name, options) : undefined;
    const printer = new EventPrinter(context, true);
    let cursor = after;
    if (after === undefined) {
      const latest = await latestEvents(agents, name, limit ?? 50, options);
      latest.forEach((event) => printer.print(event));
      cursor = latest.at(-1)?.id;
    } else {
      for (let printed = 0; printed < MAX_EVENTS;) {
        const page = await agents.events(name, { after: cursor, limit: PAGE }, options);
        page.forEach((event) => printer.print(event));
        printed += page.length;
        cursor = page.at(-1)?.id ?? cursor;
        if (page.length < PAGE) break;
      }
    }
    if (
      !agent ||
      !agent.taskId ||
      !['Queued', 'InProgress', 'Compacting'].includes(agent.taskStatus ?? '')
    )
      return EXIT.OK;
    const taskId = agent.taskId;
    context.out.setStatus(agent.taskStatus === 'Queued' ? 'queued…' : 'thinking…');
    try {
      for await (const event of agents.watch(name, {
        after: cursor ?? '0-0',
        deltas: !context.json,
        signal: context.signal,
      })) {
        printer.print(event);
        if (event.taskId === taskId && isTerminal(event)) return exitCodeOf(event);
      }
      return interrupted(context, name);
    } finally {
      context.out.stop();
    }
  },
};

const cancel: Command = {
  name: 'cancel',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Cancel an agent’s queued or running task',
  examples: ['komputer cancel hello'],
  async run(context) {
    const name = context.positionals[0] as string;
    const answer = await context.client.agents.cancel(name, { signal: context.signal });
    if (context.json) printJson(context, answer);
    else
      context.out.line(
        answer.status === 'cancelled'
          ? `Cancelled task ${answer.taskId} of ${name}.`
          : `Cancelling task ${answer.taskId} of ${name}; it stops within seconds.`,
      );
    return EXIT.OK;
  },
};

const compact: Command = {
  name: 'compact',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Compact an agent’s conversation: its running task summarises it',
  description: [
    'Asks the running task to have the model summarise the conversation so far at its next',
    'turn; the summary replaces the transcript, and the session goes on. A `compaction` event',
    'records it (see `komputer logs <name>`). An agent with no task answers 409 (exit 3).',
  ].join('\n'),
  options: {
    instructions: {
      type: 'string',
      value: '<text>',
      description: 'What the summary must keep, or may drop',
    },
  },
  examples: ['komputer compact hello', "komputer compact hello --instructions 'Keep every URL.'"],
  async run(context) {
    const name = context.positionals[0] as string;
    const instructions = stringOption(context, 'instructions');
    const answer = await context.client.agents.compact(
      name,
      instructions === undefined ? {} : { instructions },
      { signal: context.signal },
    );
    if (context.json) printJson(context, answer);
    else
      context.out.line(
        `Task ${answer.taskId} of ${name} compacts its conversation at its next turn.`,
      );
    return EXIT.OK;
  },
};

const rm: Command = {
  name: 'rm',
  aliases: ['delete'],
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Delete an agent: its task, events, runtime and workspace',
  examples: ['komputer rm hello'],
  async run(context) {
    const name = context.positionals[0] as string;
    const answer = await context.client.agents.delete(name, { signal: context.signal });
    if (context.json) printJson(context, answer);
    else context.out.line(`Deleted agent ${name}.`);
    return EXIT.OK;
  },
};

const cost: Command = {
  name: 'cost',
  args: '<name>',
  positionals: { min: 1, max: 1 },
  summary: 'Show what each of an agent’s tasks cost',
  description: [
    'One line per task that ended, oldest first: when it started, how it ended, its cost,',
    'duration, turns, tokens (input + output), the steers it took and its instructions; then',
    'the total. Tasks older than what the agent’s event stream keeps are not shown.',
  ].join('\n'),
  examples: ['komputer cost hello', 'komputer cost hello --json | jq .totalCost'],
  async run(context) {
    const name = context.positionals[0] as string;
    const breakdown = await context.client.agents.cost(name, { signal: context.signal });
    if (context.json) {
      printJson(context, breakdown);
      return EXIT.OK;
    }
    if (breakdown.tasks.length === 0) {
      context.note(`${name} has no task that ended.`);
      return EXIT.OK;
    }
    const rows = breakdown.tasks.map((task) => [
      String(task.index + 1),
      task.startedAt.replace('T', ' ').slice(0, 19),
      task.outcome,
      formatCost(task.costUSD),
      formatDuration(task.durationMs),
      String(task.turns),
      String(task.inputTokens + task.outputTokens),
      task.steers > 0 ? String(task.steers) : '-',
      task.instruction.replace(/\s+/g, ' '),
    ]);
    const lines = renderTable(
      ['#', 'STARTED', 'OUTCOME', 'COST', 'TIME', 'TURNS', 'TOKENS', 'STEERS', 'INSTRUCTIONS'],
      rows,
      context.style,
    );
    for (const line of lines) context.out.line(line);
    const count = `${breakdown.taskCount} task${breakdown.taskCount === 1 ? '' : 's'}`;
    context.out.line(context.style.bold(`${count} · ${formatCost(breakdown.totalCost)}`));
    return EXIT.OK;
  },
};

const download: Command = {
  name: 'download',
  args: '<name> <path>',
  positionals: { min: 2, max: 2 },
  summary: 'Download a file from an agent’s workspace',
  description: [
    'The path is relative to the agent’s workspace. The file is saved under its own name in',
    'the current directory, or where -o says ("-": stdout); an existing file is kept unless',
    '--force.',
  ].join('\n'),
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: '<file>',
      description: 'Where to save it; "-" for stdout',
    },
    force: { type: 'boolean', description: 'Replace a file that exists there' },
  },
  examples: [
    'komputer download hello report.md',
    'komputer download hello out/data.csv -o data.csv',
    'komputer download hello notes.txt -o - | less',
  ],
  async run(context) {
    const [name, path] = context.positionals as [string, string];
    const file = await context.client.agents.download(name, path, { signal: context.signal });
    const named = basename(file.filename);
    const output = stringOption(context, 'output') ?? named;
    if (output === '' || output === '.' || output === '..') {
      await file.body.cancel();
      throw new UsageError(`the file has no name to save it under ("${named}"); give one with -o`);
    }
    const body = Readable.fromWeb(file.body as NodeReadableStream<Uint8Array>);
    if (output === '-') {
      // stdout stays open after the file (pipeline would end it), and its pace is kept.
      const drains = context.stdout as Partial<Pick<NodeJS.WritableStream, 'once'>>;
      const stdout = new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (context.stdout.write(chunk) === false && drains.once) drains.once('drain', done);
          else done();
        },
      });
      await pipeline(body, stdout, { signal: context.signal });
      return EXIT.OK;
    }
    try {
      // `wx` keeps a file that is there already, unless --force.
      await pipeline(
        body,
        createWriteStream(output, { flags: flag(context, 'force') ? 'w' : 'wx' }),
        { signal: context.signal },
      );
    } catch (err) {
      body.destroy();
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(
          `${output} exists; choose another with -o, or replace it with --force`,
        );
      throw err;
    }
    if (context.json) printJson(context, { saved: output, bytes: file.size ?? null });
    else context.note(`Saved ${output}${file.size === undefined ? '' : ` (${file.size} bytes)`}.`);
    return EXIT.OK;
  },
};

/** The agent commands. */
export const AGENT_COMMANDS: readonly Command[] = [
  run,
  ls,
  get,
  logs,
  cancel,
  compact,
  cost,
  download,
  rm,
];

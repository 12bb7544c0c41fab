import type { MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  eventually,
  followEvents,
  lastUserText,
  taskEvents,
  text,
  toolUse,
} from '@komputer/testing';
import type {
  ScriptedAnthropic,
  ScriptedReply,
  ScriptedRequest,
  StreamEvent,
} from '@komputer/testing';
import type { Redis } from 'ioredis';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let redis: Redis;

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ model, redis } = e2e);
});
afterAll(() => e2e?.close());
// Each test scripts exactly the model turns its tasks use: none is left for the next test.
afterEach(() => expect(model.remainingTurns).toBe(0));

const post = (path: string, body?: unknown) => e2e.call('POST', path, body);
const get = (path: string) => e2e.call('GET', path);

/** A manager's model turn: a few tokens, so that its own spend stays far below its budget. */
const managerTurn = (reply: ScriptedReply): ScriptedReply => ({
  ...reply,
  usage: { inputTokens: 10, outputTokens: 10 },
});

/** A tool's name: every tool the runtime offers has one. */
const nameOf = (tool: unknown) => (tool as { name: string }).name;

/** Whether a request comes from a manager's task: only managers have `await_agents`. */
const fromManager = (request: ScriptedRequest) =>
  (request.body.tools ?? []).some((tool) => nameOf(tool) === 'await_agents');

/** The names of the tools that the last assistant turn of a conversation called. */
function lastToolCalls(request: ScriptedRequest): string[] {
  const last = request.body.messages.findLast((m: MessageParam) => m.role === 'assistant');
  if (!last || typeof last.content === 'string') return [];
  return last.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : []));
}

/** The tool results of the last user turn, as the model reads them. */
function lastToolResults(request: ScriptedRequest): ToolResultBlockParam[] {
  const last = request.body.messages.at(-1);
  if (!last || typeof last.content === 'string') return [];
  return last.content.flatMap((block) => (block.type === 'tool_result' ? [block] : []));
}

const resultText = (block: ToolResultBlockParam | undefined): string =>
  typeof block?.content === 'string'
    ? block.content
    : (block?.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

/** A worker's answer: its instructions, so that each worker says something of its own. */
const workerAnswer = (request: ScriptedRequest): ScriptedReply => ({
  content: [text(`answer of ${lastUserText(request).replace('Name your colour: ', '')}`)],
});

/** The events of the agent's task `taskId`, once it has ended. */
const eventsOf = (agent: string, taskId: string, timeoutMs = 30_000) =>
  e2e.eventsOf(agent, taskId, timeoutMs);

/** The tool results of a task's events, with their tool's name. */
function toolResults(events: { type: string; payload: unknown }[]) {
  return events
    .filter((e) => e.type === 'tool_result')
    .map((e) => e.payload as { tool: string; output: string; is_error: boolean });
}

describe('a manager runs a team of workers, end to end', () => {
  it('creates three workers, waits for them with await_agents, and finishes with their combined results', async () => {
    const colours = ['red', 'green', 'blue'];
    // Every model request is routed by who makes it and where its conversation stands.
    const route = (request: ScriptedRequest): ScriptedReply => {
      if (!fromManager(request)) return workerAnswer(request);
      const called = lastToolCalls(request);
      if (called.length === 0) {
        return managerTurn({
          content: colours.map((colour, i) =>
            toolUse('create_agent', {
              name: `painter-${i + 1}`,
              instructions: `Name your colour: ${colour}`,
            }),
          ),
        });
      }
      if (called[0] === 'create_agent') {
        return managerTurn({
          content: [
            toolUse('await_agents', {
              agents: colours.map((_c, i) => `painter-${i + 1}`),
              timeoutSeconds: 60,
            }),
          ],
        });
      }
      // The final answer is made of what await_agents returned: the workers' own results.
      const awaited = JSON.parse(resultText(lastToolResults(request)[0])) as {
        agents: { agent: string; result?: string }[];
      };
      return managerTurn({
        content: [text(awaited.agents.map((a) => `${a.agent}: ${a.result}`).join('\n'))],
      });
    };
    model.script(...Array.from({ length: 6 }, () => route));

    const started = await post('/agents', { name: 'boss', instructions: 'Paint with a team.' });
    expect(started.status).toBe(201);
    const events = await eventsOf('boss', started.body.taskId);
    const end = events.at(-1);
    expect(end?.type).toBe('task_completed');
    const result = (end?.payload as { result: string }).result;
    for (const [i, colour] of colours.entries()) {
      expect(result).toContain(`painter-${i + 1}: answer of ${colour}`);
    }

    // await_agents answered with each worker's task: its status, result, cost, turns, last event.
    const results = toolResults(events);
    expect(results.map((r) => [r.tool, r.is_error])).toEqual([
      ['create_agent', false],
      ['create_agent', false],
      ['create_agent', false],
      ['await_agents', false],
    ]);
    const awaited = JSON.parse(results[3]?.output ?? '{}');
    expect(awaited.timedOut).toBe(false);
    for (const [i, colour] of colours.entries()) {
      const name = `painter-${i + 1}`;
      const worker = (await get(`/agents/${name}`)).body;
      const entry = awaited.agents[i];
      expect(entry).toMatchObject({
        agent: name,
        taskId: worker.taskId,
        status: 'Complete',
        result: `answer of ${colour}`,
        turns: 1,
      });
      expect(entry.costUsd).toBeGreaterThan(0);
      const workerEvents = await eventsOf(name, worker.taskId);
      expect(entry.lastEventId).toBe(workerEvents.at(-1)?.id);
      // The manager's workers are its own, and workers by default.
      expect(worker.role).toBe('worker');
      expect(model.requests.some((r) => !fromManager(r))).toBe(true);
    }
    const office = (await get('/agents')).body.agents.filter((a: { name: string }) =>
      a.name.startsWith('painter-'),
    );
    expect(office).toHaveLength(3);
  });

  it('waits for the task it gave, never an earlier one of the same agent', async () => {
    // The worker's first task has ended before the manager gives it a second one.
    model.script(workerAnswer);
    const first = await post('/agents', {
      name: 'repeat-worker',
      instructions: 'Name your colour: grey',
      role: 'worker',
    });
    await eventsOf('repeat-worker', first.body.taskId);
    const route = (request: ScriptedRequest): ScriptedReply => {
      if (!fromManager(request)) return workerAnswer(request);
      const called = lastToolCalls(request);
      if (called.length === 0) {
        return managerTurn({
          content: [
            toolUse('create_agent', {
              name: 'repeat-worker',
              instructions: 'Name your colour: violet',
            }),
            toolUse('await_agents', { agents: ['repeat-worker'], timeoutSeconds: 60 }),
          ],
        });
      }
      return managerTurn({ content: [text('done')] });
    };
    model.script(route, route, route);
    // The template lets the manager task an agent it did not create.
    await post('/templates', { name: 'open-manager', managerScope: 'namespace' });
    const started = await post('/agents', {
      name: 'repeat-boss',
      instructions: 'Ask again.',
      templateRef: 'open-manager',
    });
    const events = await eventsOf('repeat-boss', started.body.taskId);
    const [created, awaited] = toolResults(events);
    expect(created?.is_error).toBe(false);
    const secondTask = JSON.parse(created?.output ?? '{}').taskId;
    expect(secondTask).not.toBe(first.body.taskId);
    expect(JSON.parse(awaited?.output ?? '{}').agents).toEqual([
      expect.objectContaining({
        taskId: secondTask,
        status: 'Complete',
        result: 'answer of violet',
      }),
    ]);
  });

  it('puts a worker to sleep and wakes it with its next task', async () => {
    const statuses: string[] = [];
    const route = async (request: ScriptedRequest): Promise<ScriptedReply> => {
      if (!fromManager(request)) return workerAnswer(request);
      const turns = request.body.messages.filter((m: MessageParam) => m.role === 'assistant');
      const plan = [
        [
          toolUse('create_agent', { name: 'napper', instructions: 'Name your colour: white' }),
          toolUse('await_agents', { agents: ['napper'], timeoutSeconds: 60 }),
          toolUse('sleep_agent', { name: 'napper' }),
        ],
        [
          toolUse('wake_agent', { name: 'napper', instructions: 'Name your colour: black' }),
          toolUse('await_agents', { agents: ['napper'], timeoutSeconds: 60 }),
        ],
      ][turns.length];
      if (turns.length === 1) {
        const napper = (await get('/agents/napper')).body;
        statuses.push(napper.status);
        // Its runtime stops: the scheduler that holds it no longer has it ready.
        const ref = { namespace: 'default', name: 'napper' };
        await eventually(
          () => e2e.stack.scheduler.driver.ready(ref) === undefined,
          'the sleeping worker’s runtime stops',
        );
      }
      return managerTurn({ content: plan ?? [text('rested')] });
    };
    model.script(...Array.from({ length: 5 }, () => route));
    const started = await post('/agents', { name: 'nap-boss', instructions: 'Rest a worker.' });
    const events = await eventsOf('nap-boss', started.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    const results = toolResults(events);
    expect(results.map((r) => [r.tool, r.is_error])).toEqual([
      ['create_agent', false],
      ['await_agents', false],
      ['sleep_agent', false],
      ['wake_agent', false],
      ['await_agents', false],
    ]);
    // Asleep between the two tasks; awake, with the second task's answer, after.
    expect(JSON.parse(results[2]?.output ?? '{}').status).toBe('Sleeping');
    expect(statuses).toEqual(['Sleeping']);
    expect(JSON.parse(results[4]?.output ?? '{}').agents[0]).toMatchObject({
      status: 'Complete',
      result: 'answer of black',
    });
    expect((await get('/agents/napper')).body.status).toBe('Running');
  });

  it('cancels the workers’ tasks when the manager is cancelled while it waits for them', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Every worker's task is running once its model call has come.
    let calling = 0;
    let allCalling: () => void = () => undefined;
    const workersCalling = new Promise<void>((resolve) => (allCalling = resolve));
    const route = async (request: ScriptedRequest): Promise<ScriptedReply> => {
      if (!fromManager(request)) {
        // The workers' model calls do not answer until the test is over.
        calling += 1;
        if (calling === 3) allCalling();
        await held;
        return workerAnswer(request);
      }
      if (lastToolCalls(request).length === 0) {
        return managerTurn({
          content: [
            ...[1, 2, 3].map((i) =>
              toolUse('create_agent', {
                name: `slow-${i}`,
                instructions: `Name your colour: ${i}`,
              }),
            ),
            toolUse('await_agents', { agents: ['slow-1', 'slow-2', 'slow-3'] }),
          ],
        });
      }
      return managerTurn({ content: [text('unexpected')] });
    };
    model.script(...Array.from({ length: 4 }, () => route));
    try {
      const started = await post('/agents', { name: 'slow-boss', instructions: 'Wait.' });
      // The manager waits: await_agents has been called, and each worker's task runs.
      await followEvents(redis, 'komputer:default:events:slow-boss', {
        until: (e: StreamEvent) =>
          e.type === 'tool_call' && (e.payload as { tool: string }).tool === 'await_agents',
        timeoutMs: 30_000,
        explain: e2e.recentLog,
      });
      await workersCalling;
      const workers = await Promise.all(
        [1, 2, 3].map(async (i) => (await get(`/agents/slow-${i}`)).body),
      );
      expect(workers.map((w) => w.taskStatus)).toEqual(['InProgress', 'InProgress', 'InProgress']);

      expect((await post('/agents/slow-boss/cancel')).status).toBe(200);
      const bossEvents = await eventsOf('slow-boss', started.body.taskId);
      expect(bossEvents.at(-1)?.type).toBe('task_cancelled');
      for (const worker of workers) {
        const events = await eventsOf(worker.name, worker.taskId);
        expect(events.at(-1)?.type).toBe('task_cancelled');
      }
    } finally {
      release();
    }
  });

  it('refuses a sub-task once the manager’s budget is spent by its workers', async () => {
    const route = (request: ScriptedRequest): ScriptedReply => {
      if (!fromManager(request)) {
        // Worth $0.30 at the default model's price: above the manager's whole budget.
        return { ...workerAnswer(request), usage: { inputTokens: 100_000, outputTokens: 10 } };
      }
      const turns = request.body.messages.filter((m: MessageParam) => m.role === 'assistant');
      if (turns.length === 0) {
        return managerTurn({
          content: [
            toolUse('create_agent', { name: 'spender', instructions: 'Name your colour: gold' }),
            toolUse('await_agents', { agents: ['spender'], timeoutSeconds: 60 }),
          ],
        });
      }
      if (turns.length === 1) {
        return managerTurn({
          content: [toolUse('create_agent', { name: 'second', instructions: 'Name it: x' })],
        });
      }
      return managerTurn({ content: [text('stopped')] });
    };
    model.script(route, route, route, route);
    const started = await post('/agents', {
      name: 'thrifty-boss',
      instructions: 'Spend carefully.',
      limits: { maxBudgetUsd: 0.1 },
    });
    const events = await eventsOf('thrifty-boss', started.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    const results = toolResults(events);
    expect(results.map((r) => [r.tool, r.is_error])).toEqual([
      ['create_agent', false],
      ['await_agents', false],
      ['create_agent', true],
    ]);
    expect(results[2]?.output).toMatch(
      /^MANAGER_BUDGET_EXCEEDED: no new sub-task: this task's budget is \$0\.1/,
    );
    expect((await get('/agents/second')).status).toBe(404);
  });
});

describe('what a manager may touch', () => {
  /** Runs a manager whose one turn calls `calls`, and answers with its tool results. */
  async function runManager(
    name: string,
    calls: ReturnType<typeof toolUse>[],
    extra: Record<string, unknown> = {},
  ) {
    const route = (request: ScriptedRequest): ScriptedReply =>
      lastToolCalls(request).length === 0
        ? managerTurn({ content: calls })
        : managerTurn({ content: [text('done')] });
    model.script(route, route);
    const started = await post('/agents', { name, instructions: 'Try.', ...extra });
    return toolResults(await eventsOf(name, started.body.taskId));
  }

  it('acts only within its own namespace', async () => {
    model.script({ content: [text('elsewhere')] });
    const other = await post('/agents?namespace=other-team', {
      name: 'foreign',
      instructions: 'Be there.',
    });
    await taskEvents(redis, 'komputer:other-team:events:foreign', other.body.taskId);
    const results = await runManager('nosy-boss', [
      toolUse('get_agent', { name: 'foreign', namespace: 'other-team' }),
      toolUse('create_agent', { name: 'spy', instructions: 'Go.', namespace: 'other-team' }),
      toolUse('delete_agent', { name: 'foreign', namespace: 'other-team' }),
    ]);
    expect(results.map((r) => r.is_error)).toEqual([true, true, true]);
    for (const result of results) {
      expect(result.output).toMatch(
        /^NAMESPACE_FORBIDDEN: manager agent "nosy-boss" acts only within its own namespace "default"/,
      );
    }
    expect((await get('/agents/foreign?namespace=other-team')).status).toBe(200);
    expect((await get('/agents/spy?namespace=other-team')).status).toBe(404);
  });

  it('changes only the agents it created, unless its template allows more', async () => {
    model.script({ content: [text('mine')] });
    const outsider = await post('/agents', { name: 'outsider', instructions: 'Stay.' });
    await eventsOf('outsider', outsider.body.taskId);
    const results = await runManager('strict-boss', [
      toolUse('get_agent', { name: 'outsider' }),
      toolUse('create_agent', { name: 'outsider', instructions: 'Obey.' }),
      toolUse('patch_agent', { name: 'outsider', systemPrompt: 'Obey.' }),
      toolUse('delete_agent', { name: 'outsider' }),
    ]);
    expect(results.map((r) => r.is_error)).toEqual([false, true, true, true]);
    for (const result of results.slice(1)) {
      expect(result.output).toMatch(/^AGENT_NOT_MANAGED: manager agent "strict-boss" may not/);
    }
    const after = (await get('/agents/outsider')).body;
    expect(after.taskId).toBe(outsider.body.taskId);
    expect(after.systemPrompt).toBeUndefined();

    // A template with managerScope "namespace" lets its managers change every agent there.
    await post('/templates', { name: 'wide-manager', managerScope: 'namespace' });
    const allowed = await runManager('wide-boss', [toolUse('delete_agent', { name: 'outsider' })], {
      templateRef: 'wide-manager',
    });
    expect(allowed.map((r) => r.is_error)).toEqual([false]);
    expect((await get('/agents/outsider')).status).toBe(404);
  });
});

describe('the platform over MCP', () => {
  /** A real MCP client of the gateway's `/mcp`, with `headers` on every request. */
  async function mcpClient(query = '', headers: Record<string, string> = {}): Promise<Client> {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    const url = new URL(`${e2e.stack.url}/mcp${query}`);
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    return client;
  }

  /** The text of a tool result. */
  const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
    (result.content as { type: string; text: string }[]).map((c) => c.text).join('');

  it('lists the tools that managers get, and runs them for an outside client', async () => {
    const client = await mcpClient('?namespace=mcp-team');
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      // One registry: the tools a manager's model is offered, less the built-in ones, and the
      // approvals' tools, which a person answers and no agent gets.
      model.script({ content: [text('ready')] });
      const probe = await post('/agents', { name: 'mcp-probe', instructions: 'Get ready.' });
      await eventsOf('mcp-probe', probe.body.taskId);
      const managerRequest = model.requests.at(-1);
      const offered = (managerRequest?.body.tools ?? [])
        .map(nameOf)
        .filter((name) => /^[a-z_]+$/.test(name));
      const forPeople = ['answer_approval', 'list_approvals'];
      expect(names.filter((name) => !forPeople.includes(name)).sort()).toEqual(offered.sort());
      expect(names).toEqual(expect.arrayContaining(forPeople));
      expect(offered).not.toEqual(expect.arrayContaining([forPeople[0]]));
      expect(names).toEqual(
        expect.arrayContaining(['create_agent', 'await_agents', 'list_agents']),
      );
      const create = tools.find((t) => t.name === 'create_agent');
      expect(create?.inputSchema.required).toEqual(
        expect.arrayContaining(['name', 'instructions']),
      );

      model.script(workerAnswer);
      const created = await client.callTool({
        name: 'create_agent',
        arguments: { name: 'mcp-worker', instructions: 'Name your colour: teal' },
      });
      expect(created.isError).toBe(false);
      const { taskId, namespace } = JSON.parse(textOf(created));
      expect(namespace).toBe('mcp-team');
      const awaited = await client.callTool({
        name: 'await_agents',
        arguments: { agents: ['mcp-worker'], timeoutSeconds: 30 },
      });
      expect(JSON.parse(textOf(awaited)).agents).toEqual([
        expect.objectContaining({ taskId, status: 'Complete', result: 'answer of teal' }),
      ]);
      // The agent is the API's, in the session's namespace.
      expect((await get('/agents/mcp-worker?namespace=mcp-team')).body.taskId).toBe(taskId);

      const missing = await client.callTool({ name: 'get_agent', arguments: { name: 'nobody' } });
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toBe(
        'AGENT_NOT_FOUND: agent "nobody" not found in namespace "mcp-team"',
      );
      const invalid = await client.callTool({ name: 'create_agent', arguments: { name: 'X!' } });
      expect(invalid.isError).toBe(true);
      expect(textOf(invalid)).toMatch(/^VALIDATION_FAILED: invalid input for create_agent: name: /);
    } finally {
      await client.close();
    }
  });

  it('takes the namespace from the X-Komputer-Namespace header, and refuses a bad one', async () => {
    model.script({ content: [text('here')] });
    const there = await post('/agents?namespace=header-team', {
      name: 'header-agent',
      instructions: 'Be here.',
    });
    await taskEvents(redis, 'komputer:header-team:events:header-agent', there.body.taskId);
    const client = await mcpClient('', { 'X-Komputer-Namespace': 'header-team' });
    try {
      const listed = await client.callTool({ name: 'list_agents', arguments: {} });
      const agents = JSON.parse(textOf(listed)).agents as { name: string; namespace: string }[];
      expect(agents.map((a) => [a.namespace, a.name])).toEqual([['header-team', 'header-agent']]);
    } finally {
      await client.close();
    }
    const refused = await fetch(`${e2e.stack.url}/mcp?namespace=Not_A_Namespace`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });
});

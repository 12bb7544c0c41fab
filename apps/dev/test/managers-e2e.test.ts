import type { MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AgentEvent } from '@komputer/contracts';
import { Komputer } from '@komputer/sdk';
import {
  eventually,
  followEvents,
  lastUserText,
  SseClient,
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
    const members = ['boss', ...colours.map((_c, i) => `painter-${i + 1}`)];
    let live: SseClient | undefined;
    // Every model request is routed by who makes it and where its conversation stands.
    const route = async (request: ScriptedRequest): Promise<ScriptedReply> => {
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
        // The office exists now: its live stream opens before the manager waits, and replays
        // what each member did so far.
        const from = members.map((name) => `${name}:0-0`).join(',');
        live = await SseClient.open(`${e2e.api}/offices/boss/events/stream?after=${from}`);
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

    // The office: the manager and its three workers, each with its task's cost, summed.
    const costs = [
      (end?.payload as { cost_usd: number }).cost_usd,
      ...awaited.agents.map((a: { costUsd: number }) => a.costUsd),
    ];
    const office = (await get('/offices/boss')).body;
    expect(office).toMatchObject({
      manager: 'boss',
      phase: 'Idle',
      totalAgents: 4,
      activeAgents: 0,
      completedAgents: 4,
    });
    expect(office.members.map((m: { name: string }) => m.name)).toEqual(members);
    for (const [i, member] of office.members.entries()) {
      expect(Number(member.totalCostUSD)).toBeCloseTo(costs[i], 12);
      expect(member.totalCostUSD).toBe((await get(`/agents/${members[i]}`)).body.totalCostUSD);
    }
    expect(Number(office.totalCostUSD)).toBeCloseTo(
      costs.reduce((sum, cost) => sum + cost, 0),
      10,
    );

    // Its event stream, paged: every member's events, each in its own stream's order, merged in
    // office order (event id, then agent name).
    const streams = new Map<string, string[]>();
    for (const name of members) {
      const own = (await get(`/agents/${name}/events?limit=200`)).body.events as AgentEvent[];
      expect(own.at(-1)?.type).toBe('task_completed');
      streams.set(
        name,
        own.map((e) => e.id),
      );
    }
    const paged: AgentEvent[] = [];
    let page: AgentEvent[] = (await get('/offices/boss/events?after=0-0&limit=7')).body.events;
    while (page.length > 0) {
      paged.push(...page);
      const last = page.at(-1);
      const after = `${last?.agentName}:${last?.id}`;
      page = (await get(`/offices/boss/events?after=${after}&limit=7`)).body.events;
    }
    const byMember = (list: AgentEvent[], name: string) =>
      list.filter((e) => e.agentName === name).map((e) => e.id);
    for (const name of members) expect(byMember(paged, name)).toEqual(streams.get(name));
    expect(paged).toHaveLength([...streams.values()].flat().length);
    const place = (e: AgentEvent) => {
      const [ms, seq] = e.id.split('-');
      return `${ms?.padStart(16, '0')}-${seq?.padStart(8, '0')} ${e.agentName}`;
    };
    const places = paged.map(place);
    expect(places).toEqual([...places].sort());

    // And live: the stream opened before the manager waited carries the same, member by member.
    const stream = live as SseClient;
    await stream.until((client) =>
      members.every(
        (name) => byMember(client.events, name).length >= (streams.get(name) ?? []).length,
      ),
    );
    stream.close();
    for (const name of members) expect(byMember(stream.events, name)).toEqual(streams.get(name));

    // The SDK's watch replays the same from the start of every member's stream.
    const total = [...streams.values()].flat().length;
    const watched: AgentEvent[] = [];
    const sdk = new Komputer({ baseURL: e2e.stack.url });
    for await (const event of sdk.offices.watch('boss', {
      after: '0-0',
      signal: AbortSignal.timeout(30_000),
    })) {
      watched.push(event as AgentEvent);
      if (watched.length === total) break;
    }
    for (const name of members) expect(byMember(watched, name)).toEqual(streams.get(name));
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

  it('keeps memories and secrets of its own namespace, through the registries in its supervisor', async () => {
    const results = await runManager('keeper', [
      toolUse('create_memory', { name: 'notes', content: 'remember this' }),
      toolUse('attach_memory', { memory: 'notes' }),
      toolUse('create_secret', { name: 'keeper-key', data: { KEY: 'v' } }),
      toolUse('list_secrets', {}),
      toolUse('get_memory', { name: 'notes', namespace: 'other-team' }),
      toolUse('delete_memory', { name: 'notes' }),
      toolUse('get_skill', { name: 'nothing' }),
      toolUse('create_skill', { name: 'howto', content: 'Do it so.', description: 'How' }),
    ]);
    expect(results.map((r) => [r.tool, r.is_error])).toEqual([
      ['create_memory', false],
      ['attach_memory', false],
      ['create_secret', false],
      ['list_secrets', false],
      ['get_memory', true],
      ['delete_memory', true],
      ['get_skill', true],
      ['create_skill', false],
    ]);
    // What the API shows of the skill, field for field.
    expect(JSON.parse(results[7]?.output ?? '{}')).toEqual((await get('/skills/howto')).body);
    const listed = JSON.parse(results[3]?.output ?? '{}').secrets;
    expect(listed.map((x: { name: string }) => x.name)).toEqual(['keeper-key']);
    expect(results[4]?.output).toMatch(/^NAMESPACE_FORBIDDEN: manager agent "keeper"/);
    // The registry's own refusals, word for word: a memory an agent attaches stays.
    const attached = await e2e.call('DELETE', '/memories/notes');
    expect(results[5]?.output).toBe(`${attached.body.code}: ${attached.body.error}`);
    const missing = await get('/skills/nothing');
    expect(results[6]?.output).toBe(`${missing.body.code}: ${missing.body.error}`);
    expect((await get('/memories/notes')).body.content).toBe('remember this');
    expect((await get('/agents/keeper')).body.memories).toEqual(['notes']);
  });

  it('puts into a squad only the agents it manages', async () => {
    model.script({ content: [text('alone')] });
    const loner = await post('/agents', { name: 'loner', instructions: 'Stay.' });
    await eventsOf('loner', loner.body.taskId);
    const results = await runManager('squad-boss', [
      toolUse('create_squad', { name: 'taken', members: [{ ref: { name: 'loner' } }] }),
      toolUse('create_squad', { name: 'own', members: [] }),
      toolUse('add_to_squad', { squad: 'own', name: 'loner' }),
    ]);
    expect(results.map((r) => r.is_error)).toEqual([true, false, true]);
    for (const result of [results[0], results[2]]) {
      expect(result?.output).toMatch(
        /^AGENT_NOT_MANAGED: manager agent "squad-boss" may not add to a squad agent "loner"/,
      );
    }
    expect((await get('/squads/taken')).status).toBe(404);
    expect((await get('/agents/loner')).body.squad).toBe(false);
  });
});

/** komputer.ai's manager tools, as tools/reference/komputer-ai-behaviour.md lists them. */
const KOMPUTER_AI_MANAGER_TOOLS = [
  'create_agent',
  'update_agent',
  'patch_agent',
  'get_agent',
  'get_agent_status',
  'get_agent_events',
  'list_agents',
  'cancel_agent',
  'delete_agent',
  'sleep_agent',
  'wake_agent',
  'compact_agent',
  'schedule_agent',
  'list_schedules',
  'get_schedule',
  'update_schedule',
  'delete_schedule',
  'trigger_schedule',
  'create_memory',
  'list_memories',
  'get_memory',
  'update_memory',
  'delete_memory',
  'attach_memory',
  'detach_memory',
  'create_skill',
  'list_skills',
  'get_skill',
  'update_skill',
  'delete_skill',
  'attach_skill',
  'detach_skill',
  'list_connectors',
  'list_connector_templates',
  'get_connector',
  'create_connector',
  'attach_connector',
  'detach_connector',
  'list_secrets',
  'create_secret',
  'delete_secret',
  'attach_secret',
  'detach_secret',
  'create_squad',
  'add_to_squad',
  'remove_from_squad',
  'delete_squad',
  'list_squads',
  'list_namespaces',
  'list_templates',
];

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
      const shared = names.filter((name) => !forPeople.includes(name)).sort();
      expect(shared).toEqual(offered.sort());
      expect(names).toEqual(expect.arrayContaining(forPeople));
      expect(offered).not.toEqual(expect.arrayContaining([forPeople[0]]));
      // Every manager tool of komputer.ai (tools/reference/komputer-ai-behaviour.md), and ours.
      expect(shared).toEqual([...KOMPUTER_AI_MANAGER_TOOLS, 'await_agents'].sort());
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

  it('manages squads, changes and compacts agents, with the API’s validation and errors', async () => {
    const namespace = 'squad-tools';
    model.script({ content: [text('a')] }, { content: [text('b')] });
    for (const name of ['crew-a', 'crew-b']) {
      const made = await post(`/agents?namespace=${namespace}`, { name, instructions: 'Be.' });
      await taskEvents(redis, `komputer:${namespace}:events:${name}`, made.body.taskId);
    }
    const client = await mcpClient(`?namespace=${namespace}`);
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await client.callTool({ name, arguments: args });
      return { isError: result.isError, text: textOf(result) };
    };
    const ok = async (name: string, args: Record<string, unknown>) => {
      const result = await call(name, args);
      expect({ name, ...result, isError: result.isError === true }).toMatchObject({
        name,
        isError: false,
      });
      return JSON.parse(result.text);
    };
    /** The API's answer to the same request, as a tool's error reads it. */
    const apiError = async (method: string, path: string, body?: unknown) => {
      const res = await e2e.call(method, `${path}?namespace=${namespace}`, body);
      return `${res.body.code}: ${res.body.error}`;
    };
    const names = (squad: { members: { name: string }[] }) => squad.members.map((m) => m.name);
    try {
      const created = await ok('create_squad', {
        name: 'crew',
        members: [{ ref: { name: 'crew-a' } }],
      });
      expect(names(created)).toEqual(['crew-a']);
      expect(names(await ok('add_to_squad', { squad: 'crew', name: 'crew-b' }))).toEqual([
        'crew-a',
        'crew-b',
      ]);
      expect((await get(`/agents/crew-b?namespace=${namespace}`)).body).toMatchObject({
        squad: true,
        squadName: 'crew',
      });
      expect(await call('add_to_squad', { squad: 'crew', name: 'crew-b' })).toEqual({
        isError: true,
        text: await apiError('POST', '/squads/crew/members', { ref: { name: 'crew-b' } }),
      });
      expect(await call('add_to_squad', { squad: 'crew' })).toEqual({
        isError: true,
        text: 'VALIDATION_FAILED: name: an agent name is required',
      });
      const listed = await ok('list_squads', {});
      expect(listed.squads.map(names)).toEqual([['crew-a', 'crew-b']]);
      expect(names(await ok('remove_from_squad', { squad: 'crew', name: 'crew-b' }))).toEqual([
        'crew-a',
      ]);
      expect(await ok('delete_squad', { name: 'crew' })).toEqual({
        status: 'deleted',
        name: 'crew',
        namespace,
      });
      expect((await get(`/squads/crew?namespace=${namespace}`)).status).toBe(404);
      expect(await call('delete_squad', { name: 'crew' })).toEqual({
        isError: true,
        text: await apiError('DELETE', '/squads/crew'),
      });

      // update_agent is patch_agent by komputer.ai's other name; list_agents filters as the API.
      expect((await ok('update_agent', { name: 'crew-a', labels: { team: 'x' } })).labels).toEqual({
        team: 'x',
      });
      const labelled = await ok('list_agents', { labels: ['team=x'] });
      expect(labelled.agents.map((a: { name: string }) => a.name)).toEqual(['crew-a']);
      const badLabel = await call('list_agents', { labels: ['team'] });
      expect(badLabel.isError).toBe(true);
      expect(badLabel.text).toMatch(/^VALIDATION_FAILED: invalid input for list_agents: labels/);
      // An idle agent has no conversation to compact: the API's 409, word for word.
      expect(await call('compact_agent', { name: 'crew-a' })).toEqual({
        isError: true,
        text: await apiError('POST', '/agents/crew-a/compact', {}),
      });
    } finally {
      await client.close();
    }
  });

  it('creates, reads, changes and deletes memories, skills, connectors and secrets as the API does', async () => {
    const namespace = 'registry-tools';
    const client = await mcpClient(`?namespace=${namespace}`);
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await client.callTool({ name, arguments: args });
      const text = textOf(result);
      if (result.isError) return { error: text };
      return JSON.parse(text);
    };
    const api = (path: string) =>
      get(`${path}${path.includes('?') ? '&' : '?'}namespace=${namespace}`);
    try {
      for (const [noun, plural] of [
        ['memory', 'memories'],
        ['skill', 'skills'],
      ] as const) {
        const created = await call(`create_${noun}`, {
          name: `${noun}-1`,
          content: 'first',
          description: `a ${noun}`,
        });
        expect(created).toMatchObject({ name: `${noun}-1`, namespace, content: 'first' });
        const updated = await call(`update_${noun}`, { name: `${noun}-1`, content: 'second' });
        expect(updated.content).toBe('second');
        expect((await api(`/${plural}/${noun}-1`)).body.content).toBe('second');
        expect((await call(`get_${noun}`, { name: `${noun}-1` })).content).toBe('second');
        const listed = await call(`list_${plural}`, {});
        expect(listed[plural].map((r: { name: string }) => r.name)).toEqual([`${noun}-1`]);
        expect(await call(`delete_${noun}`, { name: `${noun}-1` })).toEqual({
          status: 'deleted',
          name: `${noun}-1`,
          namespace,
        });
        // The registry's own error, word for word.
        const gone = await api(`/${plural}/${noun}-1`);
        expect(await call(`get_${noun}`, { name: `${noun}-1` })).toEqual({
          error: `${gone.body.code}: ${gone.body.error}`,
        });
      }
      // A skill's description is required, as on POST /skills.
      expect((await call('create_skill', { name: 'bare', content: 'x' })).error).toMatch(
        /^VALIDATION_FAILED: invalid input for create_skill: description: /,
      );

      const secret = await call('create_secret', { name: 'token', data: { TOKEN: 'hunter2' } });
      expect(JSON.stringify(secret)).not.toContain('hunter2');
      const secrets = await call('list_secrets', {});
      expect(secrets.secrets.map((x: { name: string }) => x.name)).toEqual(['token']);
      expect(JSON.stringify(secrets)).not.toContain('hunter2');

      const templates = await call('list_connector_templates', {});
      expect(templates).toEqual((await get('/connector-templates')).body);
      const connector = await call('create_connector', {
        name: 'tracker',
        service: 'linear',
        url: 'https://mcp.example.com/mcp',
        authSecretName: 'token',
        authSecretKey: 'TOKEN',
      });
      expect(connector).toMatchObject({ name: 'tracker', authType: 'token' });
      expect((await call('get_connector', { name: 'tracker' })).url).toBe(
        'https://mcp.example.com/mcp',
      );
      const connectors = await call('list_connectors', {});
      expect(connectors.connectors.map((c: { name: string }) => c.name)).toEqual(['tracker']);
      const missingSecret = await call('create_connector', {
        name: 'other',
        service: 'linear',
        url: 'https://mcp.example.com/mcp',
        authSecretName: 'nothing',
        authSecretKey: 'TOKEN',
      });
      expect(missingSecret.error).toMatch(
        /^VALIDATION_FAILED: body\.authSecretName: secret "nothing" does not exist/,
      );
      expect(await call('delete_secret', { name: 'token' })).toEqual({
        status: 'deleted',
        name: 'token',
        namespace,
      });
      expect((await api('/secrets')).body.secrets).toEqual([]);
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

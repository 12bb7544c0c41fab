import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { lastUserText, startScriptedAnthropic, text, thinking, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { SESSION_FILE } from '../src/session';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace, typesOf } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let workspace: string;
const runtimes: TestRuntime[] = [];

async function start(config?: Record<string, string>): Promise<TestRuntime> {
  const t = await startTestRuntime({ server, workspace, ...(config ? { config } : {}) });
  runtimes.push(t);
  return t;
}

beforeEach(async () => {
  server = await startScriptedAnthropic();
  workspace = await tempWorkspace();
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((t) => t.close()));
  await server.close();
  await removeWorkspaces();
});

/** The first task of the issue: text and a Bash call, then a closing text. */
function scriptBashTask() {
  server.script(
    {
      content: [
        text('I will write the file.'),
        toolUse('Bash', { command: 'echo hi > out.txt' }, 'toolu_bash1'),
      ],
    },
    { content: [text('Done: out.txt says hi.')] },
  );
}

describe('the agent loop', () => {
  it('runs a task with a Bash call: events in order, the file written, turns and cost', async () => {
    const t = await start();
    scriptBashTask();
    const task = taskMessage({ instructions: 'Write hi into out.txt.' });

    const end = await t.run(task);

    const events = t.log.events(task.taskId);
    // task_started is the supervisor's: it writes it as it hands the task over.
    expect(typesOf(events)).toEqual(['text', 'tool_call', 'tool_result', 'text', 'task_completed']);
    expect(events.map((_e, i) => i + 1)).toEqual(
      t.log.messages.flatMap((m) =>
        m.type === 'event' && m.event.taskId === task.taskId ? [m.seq] : [],
      ),
    );
    expect(events[0]?.payload).toEqual({ content: 'I will write the file.' });
    expect(events[1]?.payload).toEqual({
      id: 'toolu_bash1',
      tool: 'Bash',
      input: { command: 'echo hi > out.txt' },
    });
    expect(events[2]?.payload).toEqual({
      id: 'toolu_bash1',
      tool: 'Bash',
      output: '(no output)',
      is_error: false,
    });
    expect(end.type).toBe('task_completed');
    if (end.type !== 'task_completed') return;
    expect(end.payload).toMatchObject({
      result: 'Done: out.txt says hi.',
      turns: 2,
      stop_reason: 'end_turn',
      model: task.agent.model,
      session_id: expect.any(String),
    });
    expect(end.payload.cost_usd).toBeGreaterThan(0);
    expect(end.payload.duration_ms).toBeGreaterThanOrEqual(0);
    expect(end.payload.usage.input_tokens).toBeGreaterThan(0);
    expect(end.payload.usage.output_tokens).toBeGreaterThan(0);
    expect(await readFile(join(workspace, 'out.txt'), 'utf8')).toBe('hi\n');
    expect(t.log.invalid).toEqual([]);

    // The model got the tool result, with its id, in the second call.
    const second = server.requests[1]?.body.messages.at(-1);
    expect(second).toMatchObject({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_bash1',
          content: '(no output)',
          is_error: false,
        },
      ],
    });
  });

  it('prices usage from the table: Sonnet at $3 / $15 per million tokens', async () => {
    const t = await start();
    server.script({
      content: [text('ok')],
      usage: { inputTokens: 1_000_000, outputTokens: 100_000 },
    });
    const task = taskMessage({ model: 'claude-sonnet-4-6' });

    const end = await t.run(task);

    expect(end).toMatchObject({ type: 'task_completed', payload: { cost_usd: 4.5 } });
  });

  it('sends the built-in tools, the role prompt and the agent prompt before it', async () => {
    const t = await start();
    server.script({ content: [text('ok')] });

    await t.run(taskMessage({ systemPrompt: 'You are Ada, a careful engineer.', role: 'manager' }));

    const body = server.requests[0]?.body;
    expect(body?.tools?.map((tool) => ('name' in tool ? tool.name : tool.type))).toEqual([
      'Bash',
      'Read',
      'Write',
      'Edit',
      'Glob',
      'Grep',
    ]);
    expect(body?.tools?.[0]).toMatchObject({
      input_schema: {
        type: 'object',
        required: ['command'],
        properties: { command: { type: 'string' } },
      },
    });
    const system = JSON.stringify(body?.system);
    expect(system.indexOf('You are Ada')).toBeGreaterThanOrEqual(0);
    expect(system.indexOf('You are Ada')).toBeLessThan(system.indexOf('manager agent'));
    expect(system).toContain(workspace);
  });

  it('continues the session in the next task, and in a new runtime on the same workspace', async () => {
    const first = await start();
    const ready = (t: TestRuntime) => t.log.waitFor((m) => m.type === 'ready', 'ready');
    expect(await ready(first)).toMatchObject({ resumable: false });
    scriptBashTask();
    const task1 = taskMessage({ instructions: 'Write hi into out.txt.' });
    const end1 = await first.run(task1);
    expect(end1.type).toBe('task_completed');
    const sessionId = end1.type === 'task_completed' ? end1.payload.session_id : '';
    const firstTaskMessages = [...(server.requests[1]?.body.messages ?? [])];

    server.script({ content: [text('It says hi.')] });
    const task2 = taskMessage({ instructions: 'What does out.txt say?' });
    const end2 = await first.run(task2);

    expect(end2).toMatchObject({
      type: 'task_completed',
      payload: { session_id: sessionId, turns: 1 },
    });
    const resent = server.requests[2]?.body.messages ?? [];
    expect(resent).toHaveLength(5);
    expect(withoutCacheControl(resent.slice(0, 3))).toEqual(withoutCacheControl(firstTaskMessages));
    expect(resent[3]).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text', text: 'Done: out.txt says hi.' }],
    });
    const request = server.requests[2];
    expect(request && lastUserText(request)).toBe('What does out.txt say?');

    await first.close();
    const second = await start();
    server.script({ content: [text('Still hi.')] });
    const task3 = taskMessage({ instructions: 'And now?' });
    const end3 = await second.run(task3);

    // A new runtime on the workspace tells its supervisor that there is a conversation to go on.
    expect(await ready(second)).toMatchObject({ resumable: true });
    expect(end3).toMatchObject({ type: 'task_completed', payload: { session_id: sessionId } });
    const again = server.requests[3]?.body.messages ?? [];
    expect(again).toHaveLength(7);
    expect(withoutCacheControl(again.slice(0, 5))).toEqual(withoutCacheControl(resent));
    const saved = JSON.parse(await readFile(join(workspace, SESSION_FILE), 'utf8'));
    expect(saved.session_id).toBe(sessionId);
    expect(saved.messages).toHaveLength(8);
  });

  it('reports thinking blocks as thinking events and keeps them in the transcript', async () => {
    const t = await start();
    server.script(
      {
        content: [thinking('Let me see what is here.', 'sig-1'), toolUse('Glob', { pattern: '*' })],
      },
      { content: [thinking('Nothing yet.'), text('The workspace is empty.')] },
    );
    const task = taskMessage();

    await t.run(task);

    const events = t.log.events(task.taskId);
    expect(typesOf(events)).toEqual([
      'thinking',
      'tool_call',
      'tool_result',
      'thinking',
      'text',
      'task_completed',
    ]);
    expect(events[0]?.payload).toEqual({ content: 'Let me see what is here.' });
    expect(events[3]?.payload).toEqual({ content: 'Nothing yet.' });
    expect(server.requests[1]?.body.messages[1]).toMatchObject({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Let me see what is here.', signature: 'sig-1' },
        { type: 'tool_use' },
      ],
    });
  });

  it('asks for extended thinking with the budget on top of max_tokens, and pays for the thinking', async () => {
    const t = await start({ KOMPUTER_MAX_OUTPUT_TOKENS: '1000' });
    const reasoning = 'First the ledger, then the totals. '.repeat(40);
    server.script({ content: [thinking(reasoning), text('42')] });
    const task = taskMessage({ thinkingBudget: 2048 });
    const plain = taskMessage();

    const end = await t.run(task);

    const [request] = server.requests;
    expect(request?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
    expect(request?.body.max_tokens).toBe(3048);
    expect(t.log.eventOf(task.taskId, 'thinking')?.payload).toEqual({ content: reasoning });
    if (end.type !== 'task_completed') throw new Error(`the task ended ${end.type}`);
    // Thinking tokens are output tokens: the usage counts them, and the cost follows from it
    // at the model's output price ($15 per million on Sonnet 4.6).
    expect(end.payload.usage.output_tokens).toBe(Math.ceil((reasoning.length + '42'.length) / 4));
    expect(end.payload.cost_usd).toBeCloseTo(
      (end.payload.usage.input_tokens * 3 + end.payload.usage.output_tokens * 15) / 1e6,
      9,
    );

    // Without a budget, the task asks for no thinking.
    server.script({ content: [text('43')] });
    await t.run(plain);
    expect(server.requests[1]?.body.thinking).toBeUndefined();
    expect(server.requests[1]?.body.max_tokens).toBe(1000);
  });

  it('reports text_delta events only when the task asks for them', async () => {
    const t = await start({ KOMPUTER_TEXT_DELTA_INTERVAL_MS: '0' });
    const reply = { content: [text('one two three four five')], chunkSize: 4 };
    server.script(reply, reply);
    const plain = taskMessage();
    const streamed = taskMessage({ textDeltas: true });

    await t.run(plain);
    await t.run(streamed);

    expect(typesOf(t.log.events(plain.taskId))).toEqual(['text', 'task_completed']);
    const events = t.log.events(streamed.taskId);
    const deltas = events.flatMap((e) => (e.type === 'text_delta' ? [e.payload.content] : []));
    // With no interval, each streamed chunk is a delta.
    expect(deltas).toEqual(['one ', 'two ', 'thre', 'e fo', 'ur f', 'ive']);
    expect(typesOf(events).filter((type) => type !== 'text_delta')).toEqual([
      'text',
      'task_completed',
    ]);
    expect(typesOf(events).indexOf('text')).toBeGreaterThan(
      typesOf(events).lastIndexOf('text_delta'),
    );
  });

  it('joins the text that streams within the delta interval into one text_delta', async () => {
    const t = await start({ KOMPUTER_TEXT_DELTA_INTERVAL_MS: '10000' });
    server.script({ content: [text('one two three four five')], chunkSize: 4 });
    const task = taskMessage({ textDeltas: true });

    await t.run(task);

    // The first chunk goes out at once; the rest waits for the interval or the block's end.
    const events = t.log.events(task.taskId);
    expect(events.filter((e) => e.type === 'text_delta').map((e) => e.payload)).toEqual([
      { content: 'one ' },
      { content: 'two three four five' },
    ]);
    expect(typesOf(events)).toEqual(['text_delta', 'text_delta', 'text', 'task_completed']);
  });

  it('turns unknown tools and invalid tool input into is_error results', async () => {
    const t = await start();
    server.script(
      {
        content: [
          toolUse('Teleport', { to: 'mars' }, 'toolu_a'),
          toolUse('Read', { path: 'x' }, 'toolu_b'),
        ],
      },
      { content: [text('I cannot do that.')] },
    );
    const task = taskMessage();

    const end = await t.run(task);

    expect(end.type).toBe('task_completed');
    const results = t.log.events(task.taskId).filter((e) => e.type === 'tool_result');
    expect(results.map((e) => e.payload)).toEqual([
      {
        id: 'toolu_a',
        tool: 'Teleport',
        output: expect.stringContaining('unknown tool "Teleport"'),
        is_error: true,
      },
      {
        id: 'toolu_b',
        tool: 'Read',
        output: expect.stringMatching(/^invalid input for Read: file_path: /),
        is_error: true,
      },
    ]);
  });
});

/** Messages without prompt-cache markers, which move to the newest block on every call. */
function withoutCacheControl(messages: MessageParam[]): unknown {
  return JSON.parse(JSON.stringify(messages), (key, value: unknown) =>
    key === 'cache_control' ? undefined : value,
  );
}

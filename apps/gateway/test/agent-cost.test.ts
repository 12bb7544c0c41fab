import type { NewAgentEvent } from '@komputer/contracts';
import { AgentStore, createKeys } from '@komputer/store';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// The breakdown is read from the event stream that the scheduler writes: these tests write it
// with the store's own steps, as the scheduler does (START_TASK's task_started, then
// RECORD_EVENT, numbered), around tasks and steers that the gateway's API claims.

const AGENT = 'spender';
let t: TestGateway;
let store: AgentStore;

beforeAll(async () => {
  t = await startTestGateway();
  store = new AgentStore({ redis: t.redis, keys: createKeys('komputer'), eventsMaxLen: 10_000 });
});
afterAll(() => t.close());

const now = () => new Date().toISOString();

/** Claims a task through the API; resolves with its id. */
async function claim(instructions: string): Promise<string> {
  const res = await call('POST', `${t.api}/agents`, { name: AGENT, instructions });
  expect(res.status).toBe(201);
  return res.body.taskId as string;
}

/** Starts the task as a scheduler with a ready runtime does: task_started in the same step. */
async function start(taskId: string, instructions: string): Promise<void> {
  const started = await store.startTask({
    namespace: 'default',
    name: AGENT,
    taskId,
    scheduler: 'scheduler-1',
    announce: { instructions, resumingSession: false },
  });
  expect(started.outcome).toBe('started');
}

/** A recorder of one task's runtime events, numbered from 1 as the runtime numbers them. */
function recorder(taskId: string) {
  let seq = 0;
  return async (event: Omit<NewAgentEvent, 'taskId' | 'timestamp'>, terminal?: object) => {
    const result = await store.recordEvent({
      namespace: 'default',
      name: AGENT,
      event: { ...event, taskId, timestamp: now() } as NewAgentEvent,
      seq: ++seq,
      ...(terminal ? { terminal: terminal as never } : {}),
    });
    expect(result.outcome).toBe('appended');
  };
}

it('answers 404 for an agent that does not exist', async () => {
  const res = await call('GET', `${t.api}/agents/nobody/cost`);
  expect(res.status).toBe(404);
  expect(res.body.code).toBe('AGENT_NOT_FOUND');
});

it('breaks an agent’s history down by task: a steered one, a failed one, none running', async () => {
  // 1. A task that takes a steer and completes.
  const first = await claim('Summarise the logs');
  await start(first, 'Summarise the logs');
  const record = recorder(first);
  await record({ type: 'text', payload: { content: 'Reading them.' } });
  const steer = await call('POST', `${t.api}/agents`, {
    name: AGENT,
    instructions: 'Also count them',
  });
  expect(steer.body).toMatchObject({ steered: true, taskId: first, steerIndex: 1 });
  await record({ type: 'user_message', payload: { content: 'Also count them', steer_index: 1 } });
  await record({ type: 'text_delta', payload: { content: 'There are' } });
  await record({ type: 'text', payload: { content: 'There are 3.' } });
  await record(
    {
      type: 'task_completed',
      payload: {
        result: 'There are 3.',
        cost_usd: 0.125,
        duration_ms: 4200,
        turns: 3,
        stop_reason: 'end_turn',
        session_id: 'session-1',
        usage: {
          input_tokens: 1000,
          output_tokens: 200,
          cache_read_input_tokens: 300,
          cache_creation_input_tokens: 40,
        },
        model: 'claude-sonnet-4-6',
      },
    },
    { taskStatus: 'Complete', message: 'There are 3.', costUsd: 0.125, tokens: 1200 },
  );

  // 2. A task of many events, read in several pages, that fails having spent something.
  const second = await claim('Count the lines');
  await start(second, 'Count the lines');
  const recordSecond = recorder(second);
  for (let i = 0; i < 1_100; i++) {
    await recordSecond({ type: 'text', payload: { content: `line ${i}` } });
  }
  await recordSecond(
    {
      type: 'error',
      payload: {
        error: 'the model failed',
        retryable: false,
        cost_usd: 0.25,
        usage: { input_tokens: 500, output_tokens: 50 },
      },
    },
    { taskStatus: 'Error', message: 'the model failed' },
  );

  // 3. A task cancelled before it started (its only event is the gateway's task_cancelled).
  await claim('Never mind');
  expect((await call('POST', `${t.api}/agents/${AGENT}/cancel`)).status).toBe(200);

  // 4. A task still running.
  const fourth = await claim('Keep going');
  await start(fourth, 'Keep going');

  const res = await call('GET', `${t.api}/agents/${AGENT}/cost`);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    agent: AGENT,
    taskCount: 2,
    totalCost: 0.375,
    tasks: [
      {
        index: 0,
        taskId: first,
        startedAt: expect.any(String),
        completedAt: expect.any(String),
        instruction: 'Summarise the logs',
        outcome: 'completed',
        costUSD: 0.125,
        durationMs: 4200,
        turns: 3,
        inputTokens: 1000,
        outputTokens: 200,
        cacheReadTokens: 300,
        cacheCreateTokens: 40,
        steer: true,
        steers: 1,
        // task_started, text, user_message, text, task_completed: not the text_delta.
        events: 5,
      },
      {
        index: 1,
        taskId: second,
        startedAt: expect.any(String),
        completedAt: expect.any(String),
        instruction: 'Count the lines',
        outcome: 'error',
        costUSD: 0.25,
        durationMs: expect.any(Number),
        turns: 0,
        inputTokens: 500,
        outputTokens: 50,
        cacheReadTokens: 0,
        cacheCreateTokens: 0,
        steer: false,
        steers: 0,
        events: 1_102,
      },
    ],
  });
  // In order: the first task started, ended, and then the second started.
  const times = (res.body.tasks as { startedAt: string; completedAt: string }[]).flatMap((task) => [
    Date.parse(task.startedAt),
    Date.parse(task.completedAt),
  ]);
  expect(times.slice(0, 3)).toEqual([...times.slice(0, 3)].sort((x, y) => x - y));
});

it('refuses a bad namespace with the error body', async () => {
  const res = await call('GET', `${t.api}/agents/${AGENT}/cost?namespace=Not_Valid`);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', error: expect.any(String) });
});

import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace, typesOf } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let t: TestRuntime;

beforeEach(async () => {
  server = await startScriptedAnthropic();
  t = await startTestRuntime({ server, workspace: await tempWorkspace() });
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

describe('task limits', () => {
  it('ends the task when it would need more than maxTurns model calls', async () => {
    server.script(
      { content: [toolUse('Bash', { command: 'echo one' }, 'toolu_1')] },
      { content: [toolUse('Bash', { command: 'echo two > two.txt' }, 'toolu_2')] },
    );
    const task = taskMessage({ limits: { maxTurns: 2 } });

    const end = await t.run(task);

    expect(end).toEqual(
      expect.objectContaining({
        type: 'error',
        payload: expect.objectContaining({
          error: 'the task reached the limit of 2 turns',
          retryable: false,
        }),
      }),
    );
    // The second turn's tool call never ran: its result could not have reached the model.
    expect(typesOf(t.log.events(task.taskId))).toEqual(['tool_call', 'tool_result', 'error']);
    expect(server.requestCount).toBe(2);

    server.script({ content: [text('ok')] });
    expect((await t.run(taskMessage())).type).toBe('task_completed');
    expect(server.requests[2]?.body.messages[4]).toMatchObject({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_2',
          is_error: true,
          content: 'not run: the task reached the limit of 2 turns',
        },
        { type: 'text' },
      ],
    });
  });

  it('ends the task when its cost passes maxBudgetUsd', async () => {
    // 10 000 input tokens of Sonnet cost $0.03.
    server.script({
      content: [toolUse('Bash', { command: 'echo costly' })],
      usage: { inputTokens: 10_000, outputTokens: 10 },
    });
    const task = taskMessage({ limits: { maxBudgetUsd: 0.01 } });

    const end = await t.run(task);

    expect(end.type).toBe('error');
    if (end.type !== 'error') return;
    expect(end.payload.error).toMatch(
      /^the task exceeded its budget of \$0\.01 \(spent \$0\.03\d*\)$/,
    );
    expect(end.payload.retryable).toBe(false);
    // What it spent still counts against its namespace's budget.
    expect(end.payload.cost_usd).toBeCloseTo(0.03, 3);
    expect(end.payload.usage).toMatchObject({ input_tokens: 10_000, output_tokens: 10 });
    expect(typesOf(t.log.events(task.taskId))).toEqual(['error']);
  });

  it('ends the task when it runs past timeoutMs', async () => {
    server.script({ content: [text('far too slow')], delayMs: 10_000 });
    const task = taskMessage({ limits: { timeoutMs: 1_000 } });
    const startedAt = Date.now();

    const end = await t.run(task);

    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(end).toMatchObject({
      type: 'error',
      payload: { error: 'the task timed out after 1000 ms', retryable: false },
    });
  });
});

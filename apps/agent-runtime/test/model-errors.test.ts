import { apiError, startScriptedAnthropic, text } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let workspace: string;
const runtimes: TestRuntime[] = [];

async function start(maxRetries = 0): Promise<TestRuntime> {
  const t = await startTestRuntime({ server, workspace, maxRetries });
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

const quickRetry = { 'retry-after-ms': '1' };

describe('model errors', () => {
  it('ends the task on a 400 with retryable false, and takes the next task', async () => {
    const t = await start(2);
    server.script(apiError('invalid_request_error', 'messages.0: something is off'));

    const end = await t.run(taskMessage({ instructions: 'First.' }));

    expect(end).toMatchObject({
      type: 'error',
      payload: {
        error: 'model API error 400 invalid_request_error: messages.0: something is off',
        retryable: false,
      },
    });
    expect(server.requestCount).toBe(1);

    server.script({ content: [text('Fine.')] });
    expect((await t.run(taskMessage({ instructions: 'Second.' }))).type).toBe('task_completed');
    // The rejected request's additions were dropped, so that they cannot fail every later task.
    expect(server.requests[1]?.body.messages).toMatchObject([
      { role: 'user', content: [{ type: 'text', text: 'Second.' }] },
    ]);
  });

  it('completes when a 529 succeeds on retry', async () => {
    const t = await start(1);
    server.script(apiError('overloaded_error', 'Overloaded', quickRetry), {
      content: [text('Second time lucky.')],
    });

    const end = await t.run(taskMessage());

    expect(end).toMatchObject({
      type: 'task_completed',
      payload: { result: 'Second time lucky.', turns: 1 },
    });
    expect(server.requestCount).toBe(2);
  });

  it('ends with retryable true once the retries are used up', async () => {
    const t = await start(1);
    server.script(
      apiError('overloaded_error', 'Overloaded', quickRetry),
      apiError('overloaded_error', 'Still overloaded', quickRetry),
    );

    const end = await t.run(taskMessage());

    expect(end).toMatchObject({
      type: 'error',
      payload: {
        error: 'model API error 529 overloaded_error: Still overloaded (after retries)',
        retryable: true,
      },
    });
  });

  it('ends with retryable true when the stream breaks off with an overloaded error', async () => {
    const t = await start();
    server.script({
      content: [text('This answer never finishes.')],
      streamFailure: { afterEvents: 4 },
    });

    const end = await t.run(taskMessage());

    expect(end).toMatchObject({
      type: 'error',
      payload: { error: 'model API error overloaded_error: Overloaded', retryable: true },
    });
  });
});

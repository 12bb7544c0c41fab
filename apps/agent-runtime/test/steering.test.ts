import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedRequest } from '@komputer/testing';
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

/** The text blocks of the last user turn of a request. */
function lastUserTexts(request: ScriptedRequest | undefined): string[] {
  const content = request?.body.messages.findLast((m: MessageParam) => m.role === 'user')?.content;
  if (content === undefined) return [];
  if (typeof content === 'string') return [content];
  return content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
}

describe('steering a running task', () => {
  it('adds a steer that comes during a model call to the next one, after the tool results', async () => {
    const task = taskMessage({ instructions: 'Check X.' });
    server.script(
      () => {
        // The steer comes while the model answers the first request.
        t.steer(task.taskId, 'Also check Y.');
        return { content: [toolUse('Bash', { command: 'true' }, 'toolu_1')] };
      },
      { content: [text('X and Y are fine.')] },
    );

    const end = await t.run(task);

    expect(end.type).toBe('task_completed');
    const [first, second] = server.requests;
    expect(lastUserTexts(first)).toEqual(['Check X.']);
    const turn = second?.body.messages.at(-1);
    expect(turn?.role).toBe('user');
    expect(Array.isArray(turn?.content) && turn.content.map((b) => b.type)).toEqual([
      'tool_result',
      'text',
    ]);
    expect(lastUserTexts(second)).toEqual(['Also check Y.']);
    const events = t.log.events(task.taskId);
    expect(typesOf(events)).toEqual([
      'tool_call',
      'tool_result',
      'user_message',
      'text',
      'task_completed',
    ]);
    expect(events[2]?.payload).toEqual({ content: 'Also check Y.', steer_index: 1 });
  });

  it('answers steers that come during the last model call within the task, in their order', async () => {
    const task = taskMessage({ instructions: 'Say hi.' });
    server.script(
      () => {
        t.steer(task.taskId, 'Then say bye.');
        t.steer(task.taskId, 'And wave.');
        return { content: [text('Hi.')] };
      },
      { content: [text('Bye, waving.')] },
    );

    const end = await t.run(task);

    expect(end).toMatchObject({ type: 'task_completed', payload: { turns: 2 } });
    expect(server.requestCount).toBe(2);
    expect(lastUserTexts(server.requests[1])).toEqual(['Then say bye.', 'And wave.']);
    // The conversation keeps the model's first answer before the steers.
    expect(server.requests[1]?.body.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    const steers = t.log.events(task.taskId).filter((e) => e.type === 'user_message');
    expect(steers.map((e) => e.payload)).toEqual([
      { content: 'Then say bye.', steer_index: 1 },
      { content: 'And wave.', steer_index: 2 },
    ]);
  });

  it('takes a steer that came before the task started with its instructions', async () => {
    const task = taskMessage({ instructions: 'Start.' });
    t.steer(task.taskId, 'Mind the tests.');
    server.script({ content: [text('Started, minding the tests.')] });

    await t.run(task);

    expect(lastUserTexts(server.requests[0])).toEqual(['Start.', 'Mind the tests.']);
    expect(typesOf(t.log.events(task.taskId))).toEqual(['user_message', 'text', 'task_completed']);
  });

  it('leaves a steer that its limits give no turn for, untaken', async () => {
    const task = taskMessage({ limits: { maxTurns: 1 } });
    server.script(() => {
      t.steer(task.taskId, 'One more thing.');
      return { content: [text('Done.')] };
    });

    const end = await t.run(task);

    expect(end).toMatchObject({ type: 'task_completed', payload: { turns: 1 } });
    expect(typesOf(t.log.events(task.taskId))).toEqual(['text', 'task_completed']);
  });
});

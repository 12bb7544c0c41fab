import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import {
  removeWorkspaces,
  runningInGroup,
  startTestRuntime,
  taskMessage,
  tempWorkspace,
  typesOf,
  until,
} from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let workspace: string;
let t: TestRuntime;

beforeEach(async () => {
  server = await startScriptedAnthropic();
  workspace = await tempWorkspace();
  t = await startTestRuntime({ server, workspace });
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

/** The content of `file` in the workspace once it has some, e.g. a pid a command wrote. */
async function contentOnceWritten(file: string): Promise<string> {
  let content = '';
  await until(async () => {
    content = await readFile(join(workspace, file), 'utf8').catch(() => '');
    return content.endsWith('\n');
  }, `${file} to be written`);
  return content.trim();
}

describe('cancel', () => {
  it('aborts a slow model stream at once, and the next task runs', async () => {
    server.script({
      content: [text('a very slow answer that takes its time')],
      delayMs: 300,
      chunkSize: 2,
    });
    const task = taskMessage({ instructions: 'Take your time.', textDeltas: true });
    t.send(task);
    await t.log.waitFor(
      (m) => m.type === 'event' && m.event.type === 'text_delta',
      'the first text delta',
    );

    t.send({ type: 'cancel', taskId: 'some-other-task', reason: 'not this one' });
    await until(
      () => t.logs.some((line) => line.includes('ignoring a cancel')),
      'the stray cancel to be logged',
    );
    expect(t.log.events(task.taskId).some((e) => e.type === 'task_cancelled')).toBe(false);

    const cancelledAt = Date.now();
    t.send({ type: 'cancel', taskId: task.taskId, reason: 'the user changed their mind' });
    const end = await t.log.terminal(task.taskId);

    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(end).toMatchObject({
      type: 'task_cancelled',
      payload: { reason: 'the user changed their mind' },
    });
    const types = typesOf(t.log.events(task.taskId));
    expect(types.at(-1)).toBe('task_cancelled');
    expect(types.filter((type) => type === 'task_cancelled')).toHaveLength(1);
    await until(() => server.activeStreams === 0, 'the model stream to be closed');

    server.script({ content: [text('Done now.')] });
    const next = taskMessage({ instructions: 'Now quickly.' });
    expect(await t.run(next)).toMatchObject({
      type: 'task_completed',
      payload: { result: 'Done now.' },
    });
    // The cancelled instructions stay in the conversation, in the same user turn as the new ones.
    expect(server.requests[1]?.body.messages).toMatchObject([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Take your time.' },
          { type: 'text', text: 'Now quickly.' },
        ],
      },
    ]);
  });

  it('kills a long Bash command with its whole process group', async () => {
    server.script({
      content: [toolUse('Bash', { command: 'echo $$ > pid; sleep 30; echo never' }, 'toolu_sleep')],
    });
    const task = taskMessage();
    t.send(task);
    const pgid = Number(await contentOnceWritten('pid'));
    expect(runningInGroup(pgid).length).toBeGreaterThan(0);

    const cancelledAt = Date.now();
    t.send({ type: 'cancel', taskId: task.taskId, reason: 'stop' });
    const end = await t.log.terminal(task.taskId);

    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect(end).toMatchObject({ type: 'task_cancelled', payload: { reason: 'stop' } });
    expect(typesOf(t.log.events(task.taskId))).toEqual(['tool_call', 'task_cancelled']);
    await until(() => runningInGroup(pgid).length === 0, `process group ${pgid} to be gone`);

    server.script({ content: [text('Fine.')] });
    const next = taskMessage({ instructions: 'Something else.' });
    expect((await t.run(next)).type).toBe('task_completed');
    // The interrupted call has a result, so that the transcript stays valid for the API.
    expect(server.requests[1]?.body.messages[2]).toMatchObject({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_sleep',
          is_error: true,
          content: 'not run: the task was cancelled (stop)',
        },
        { type: 'text', text: 'Something else.' },
      ],
    });
  });

  it('cancels the running task on shutdown and then stops', async () => {
    server.script({ content: [text('slow')], delayMs: 5_000 });
    const task = taskMessage();
    t.send(task);
    await server.waitForRequests(1);

    t.send({ type: 'shutdown' });
    await t.runtime.done;

    expect(t.log.events(task.taskId).at(-1)).toMatchObject({
      type: 'task_cancelled',
      payload: { reason: 'the runtime is shutting down' },
    });
  });
});
